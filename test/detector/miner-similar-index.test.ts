/**
 * The similar-template index must pick exactly what a scan of every listed template of the line's
 * length picks (most shared constants, the oldest on a tie), also after templates generalise,
 * merge or leave the lists.
 */
import { describe, expect, it } from 'vitest';
import { createSimilarIndex } from '../../src/detector/miner/similar-index.js';
import type { Cluster } from '../../src/detector/miner/cluster.js';
import { isVariableToken, WILDCARD } from '../../src/detector/mask/token.js';

/** The rule as the miner wrote it before the index: a scan in list (age) order. */
function scan(list: readonly Cluster[], m: readonly string[]): Cluster | undefined {
  const n = m.length;
  let best: Cluster | undefined;
  let bestSame = 0;
  for (const c of list) {
    if (c.tokens.length !== n) continue;
    let same = 0;
    let ok = true;
    for (let i = 0; i < n && ok; i++) {
      const a = c.tokens[i];
      const b = m[i];
      if (a === b) {
        if (!isVariableToken(a)) same++;
      } else ok = a === WILDCARD || isVariableToken(a) || isVariableToken(b);
    }
    if (ok && same * 2 > n && same > bestSame) {
      bestSame = same;
      best = c;
    }
  }
  return best;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const cluster = (index: number, tokens: string[]): Cluster => ({ id: String(index), index, tokens, sig: tokens, count: 0, text: null, parent: null, general: false });

describe('similar-template index', () => {
  it('agrees with the full scan on random templates, lines, generalisations and removals', () => {
    const vocab = ['a', 'b', 'c', 'd', 'e', WILDCARD, '<*>:', '(<*>)', 'x=<*>', 'ok'];
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const pick = () => vocab[Math.floor(r() * vocab.length)];
      const unlisted = new Set<Cluster>();
      const index = createSimilarIndex((c) => c.parent === null && !unlisted.has(c));
      const all: Cluster[] = [];
      let checked = 0;
      for (let step = 0; step < 400; step++) {
        const n = 1 + Math.floor(r() * 6);
        const line = Array.from({ length: n }, pick);
        const roll = r();
        if (roll < 0.4) {
          const c = cluster(all.length, line);
          all.push(c);
          index.add(c);
        } else if (roll < 0.5 && all.length > 1) {
          // a merge or a tail fold: the template leaves the lists
          const c = all[Math.floor(r() * all.length)];
          if (r() < 0.5) c.parent = all[0]!;
          else unlisted.add(c);
        } else if (roll < 0.6 && all.length > 0) {
          // generalise: a constant becomes <*> (templates only ever lose constants)
          const c = all[Math.floor(r() * all.length)];
          const t = c.tokens.slice();
          t[Math.floor(r() * t.length)] = WILDCARD;
          c.tokens = t;
        } else {
          const listed = all.filter((c) => c.parent === null && !unlisted.has(c));
          expect(index.best(line)?.index, `seed ${seed} step ${step}: ${line.join(' ')}`).toBe(scan(listed, line)?.index);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(50);
    }
  });
});
