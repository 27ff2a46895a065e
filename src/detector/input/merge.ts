/**
 * Several time-ordered files as one time-ordered stream (a k-way merge on timestamps), so that a
 * request's lines from the gateway, auth and payments logs meet in one session and "now" means
 * the same thing for every file. Lines without a timestamp go out right after the line before
 * them in their own file.
 */
import type { EngineLine } from '../engine.js';
import type { LineSource } from '../run.js';

const OUT_BATCH = 1024;

interface Cursor {
  readonly it: AsyncIterator<readonly EngineLine[]>;
  batch: readonly EngineLine[];
  i: number;
  /** Timestamp that orders this cursor's next line. */
  key: number;
  lastTs: number;
}

export function mergeSources(sources: readonly LineSource[]): LineSource {
  if (sources.length === 1) return sources[0];
  return async function* (signal) {
    const cursors: Cursor[] = [];
    const advance = async (c: Cursor): Promise<boolean> => {
      while (c.i >= c.batch.length) {
        const r = await c.it.next();
        if (r.done) return false;
        c.batch = r.value;
        c.i = 0;
      }
      const ts = c.batch[c.i].timestamp;
      c.key = ts ?? c.lastTs;
      return true;
    };
    for (const s of sources) {
      const c: Cursor = { it: s(signal)[Symbol.asyncIterator](), batch: [], i: 0, key: 0, lastTs: -Infinity };
      if (await advance(c)) cursors.push(c);
    }
    let out: EngineLine[] = [];
    while (cursors.length > 0) {
      // The cursor with the smallest key (the first one on ties) goes next, and keeps going while
      // its keys stay below every other cursor's: one comparison per line instead of a scan.
      let k = 0;
      for (let j = 1; j < cursors.length; j++) if (cursors[j].key < cursors[k].key) k = j;
      let below = Infinity; // keys of cursors before k: strictly below
      let upTo = Infinity; // keys of cursors after k: equal is still k's turn
      for (let j = 0; j < cursors.length; j++) {
        if (j < k && cursors[j].key < below) below = cursors[j].key;
        else if (j > k && cursors[j].key < upTo) upTo = cursors[j].key;
      }
      const c = cursors[k];
      const batch = c.batch;
      let i = c.i;
      let lastTs = c.lastTs;
      let key = c.key;
      do {
        const line = batch[i++];
        if (line.timestamp !== null) lastTs = line.timestamp;
        out.push(line);
        if (out.length >= OUT_BATCH) {
          yield out;
          out = [];
        }
        if (i >= batch.length) break;
        key = batch[i].timestamp ?? lastTs;
      } while (key < below && key <= upTo);
      c.i = i;
      c.lastTs = lastTs;
      c.key = key;
      if (i >= batch.length && !(await advance(c))) cursors.splice(k, 1);
    }
    if (out.length > 0) yield out;
  };
}
