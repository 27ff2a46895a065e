/**
 * The fallback search for one-off shapes (see `similar` in ./index.ts) without reading every
 * template of the line's length. On input with thousands of templates of one length (free text
 * that no span rule catches) that scan ran once per new line and took most of a run.
 *
 * The rule it answers: among live templates with the line's token count, the one that agrees
 * with the line everywhere except where one side holds a variable, shares more than half its
 * positions as equal constants, and shares the most (the oldest on a tie).
 *
 * Why an index can answer it exactly: a template that shares `same > n/2` constants with the line
 * differs from it in at most ceil(n/2) - 1 positions, so ANY ceil(n/2) positions of the line
 * hold at least one shared constant. The index lists, per (length, position, constant token), the
 * templates born with that constant there; the candidates are the lists of the ceil(n/2)
 * positions with the shortest lists (a position where the line holds a variable costs nothing:
 * nothing is shared there). Each candidate is then checked by the full rule. Templates only ever
 * lose constants (`generalize` turns positions, or the part of them their values do not share,
 * into `<*>`, never the other way), so an entry made
 * at birth may go stale but never missing: stale or merged entries fail the check.
 */
import { isVariableToken, WILDCARD } from '../mask/token.js';
import type { Cluster } from './cluster.js';

export interface SimilarIndex {
  /** A template born (its tokens as they are now; they may only turn into `<*>` later). */
  add(c: Cluster): void;
  /** The template the fallback rule picks for the masked tokens `m`, if any. */
  best(m: readonly string[]): Cluster | undefined;
}

const constant = (t: string) => t !== WILDCARD && !isVariableToken(t);

/** Equal constants shared with `m`, or -1 when some position disagrees (two different constants). */
function shared(t: readonly string[], m: readonly string[], n: number): number {
  let same = 0;
  for (let i = 0; i < n; i++) {
    const a = t[i];
    const b = m[i];
    if (a === b) {
      if (!isVariableToken(a)) same++;
    } else if (!(a === WILDCARD || isVariableToken(a) || isVariableToken(b) || fitsPartly(a, b))) return -1;
  }
  return same;
}

/**
 * A template token that kept what its values share around one `<*>` (`com.apple.<*>:`, see
 * mergeToken) holds a variable there: a token with that prefix and suffix is one of its values.
 */
function fitsPartly(a: string, b: string): boolean {
  const w = a.indexOf(WILDCARD);
  if (w < 0 || a.indexOf(WILDCARD, w + 3) >= 0) return false;
  const tail = a.length - w - 3;
  return b.length >= a.length - 3 && b.startsWith(a.slice(0, w)) && b.endsWith(a.slice(w + 3)) && b.length - tail >= w;
}

/**
 * `listed(c)`: whether `c` is still in the miner's per-length lists (neither merged into another
 * template nor folded into a free-text tail template); once false it stays false.
 */
export function createSimilarIndex(listed: (c: Cluster) => boolean): SimilarIndex {
  /** token count -> per position: constant token -> templates born with it there (index order). */
  const byLength = new Map<number, Map<string, Cluster[]>[]>();

  return {
    add(c) {
      const t = c.tokens;
      const n = t.length;
      if (n === 0) return;
      let columns = byLength.get(n);
      if (columns === undefined) {
        columns = [];
        for (let p = 0; p < n; p++) columns.push(new Map());
        byLength.set(n, columns);
      }
      for (let p = 0; p < n; p++) {
        const tok = t[p];
        if (!constant(tok)) continue;
        const col = columns[p];
        const list = col.get(tok);
        if (list === undefined) col.set(tok, [c]);
        else list.push(c);
      }
    },

    best(m) {
      const n = m.length;
      const columns = n === 0 ? undefined : byLength.get(n);
      if (columns === undefined) return undefined;
      // positions that can hold a shared constant, with their lists
      const lists: Cluster[][] = [];
      let free = 0;
      for (let p = 0; p < n; p++) {
        const tok = m[p];
        const list = isVariableToken(tok) ? undefined : columns[p].get(tok);
        if (list === undefined) free++;
        else lists.push(list);
      }
      const need = Math.ceil(n / 2);
      if (free >= need) return undefined;
      lists.sort((a, b) => a.length - b.length);
      let best: Cluster | undefined;
      let bestSame = 0;
      const seen = new Set<Cluster>();
      for (let k = 0; k < need - free; k++) {
        const list = lists[k];
        let dead = 0;
        for (const c of list) {
          if (!listed(c)) {
            dead++;
            continue;
          }
          if (seen.has(c)) continue;
          seen.add(c);
          const same = shared(c.tokens, m, n);
          // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- bestSame > 0 only once best is set; ties need a best
          if (same * 2 > n && (same > bestSame || (same === bestSame && c.index < best!.index))) {
            bestSame = same;
            best = c;
          }
        }
        // templates that left the per-length lists never match again: drop them from the lists read
        if (dead > 0) {
          let w = 0;
          for (const c of list) if (listed(c)) list[w++] = c;
          list.length = w;
        }
      }
      return best;
    },
  };
}
