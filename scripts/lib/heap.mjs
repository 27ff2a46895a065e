// A binary min-heap of pending lines by timestamp: a request's lines are generated together but
// written in time order, as a real log file would hold them.
export function createHeap() {
  const ts = [];
  const items = [];
  const swap = (i, j) => {
    [ts[i], ts[j]] = [ts[j], ts[i]];
    [items[i], items[j]] = [items[j], items[i]];
  };
  return {
    get size() {
      return ts.length;
    },
    peekTs: () => ts[0],
    push(t, item) {
      ts.push(t);
      items.push(item);
      let i = ts.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (ts[p] <= ts[i]) break;
        swap(i, p);
        i = p;
      }
    },
    pop() {
      const top = items[0];
      const lastT = ts.pop();
      const lastI = items.pop();
      if (ts.length > 0) {
        ts[0] = lastT;
        items[0] = lastI;
        let i = 0;
        for (;;) {
          const l = 2 * i + 1;
          const r = l + 1;
          let m = i;
          if (l < ts.length && ts[l] < ts[m]) m = l;
          if (r < ts.length && ts[r] < ts[m]) m = r;
          if (m === i) break;
          swap(i, m);
          i = m;
        }
      }
      return top;
    },
  };
}
