/**
 * The families of templates (see joinFamilies in ./index.ts): templates whose signatures are
 * equal everywhere but at one position p. A family used to be found by a string key, the
 * signature joined around p, built for every position of every new template: O(n^2) chars per
 * template, and a key about as long as the line kept per family. Here the key is a number, the
 * hashes of the tokens before and after p combined (O(n) for all positions of a template), and a
 * family keeps the signature it was made from to check a hash hit exactly, so a collision can
 * only cost a comparison, never join two families.
 */
import type { Cluster } from './cluster.js';

export interface Family {
  /** The signature the family was made from (arrays are copy-on-write: it never changes). */
  readonly sig: readonly string[];
  readonly p: number;
  /**
   * The family's templates. Only their roots matter (find()), so the list may be replaced by its
   * distinct roots: roots are only ever merged further, never split.
   */
  members: Cluster[];
  /** Another family whose key hashed the same. */
  next: Family | null;
}

const M1 = 0x01000193;
const M2 = 0x5bd1e995;

function sameAround(a: readonly string[], b: readonly string[], p: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (i !== p && a[i] !== b[i]) return false;
  return true;
}

export class FamilyTable {
  private readonly map = new Map<number, Family>();
  private h1 = new Int32Array(0);
  private h2 = new Int32Array(0);

  /** The key of each position of `sig` (the context around it), in `out`. */
  keys(sig: readonly string[], out: Int32Array): void {
    const n = sig.length;
    if (this.h1.length < n + 1) {
      this.h1 = new Int32Array(2 * n + 2);
      this.h2 = new Int32Array(2 * n + 2);
    }
    const h1 = this.h1;
    const h2 = this.h2;
    // suffix hashes: h[i] covers sig[i..n)
    let s1 = n | 0;
    let s2 = 0x2545f491 ^ n;
    h1[n] = s1;
    h2[n] = s2;
    for (let i = n - 1; i >= 0; i--) {
      const t = sig[i];
      s1 = Math.imul(s1 ^ 0x1f, M1);
      s2 = Math.imul(s2 ^ 0x1f, M2);
      for (let j = 0; j < t.length; j++) {
        const c = t.charCodeAt(j);
        s1 = Math.imul(s1 ^ c, M1);
        s2 = Math.imul(s2 ^ c, M2);
      }
      h1[i] = s1;
      h2[i] = s2;
    }
    // prefix hashes as we go: the key of p mixes the prefix sig[0..p), p and the suffix sig(p..n)
    let p1 = 0x811c9dc5 | 0;
    let p2 = 0x68e31da4;
    for (let p = 0; p < n; p++) {
      let a = Math.imul(p1 ^ h1[p + 1], M1);
      a = Math.imul(a ^ p, M1);
      let b = Math.imul(p2 ^ h2[p + 1], M2);
      b = Math.imul(b ^ p, M2);
      // 30 bits: a small integer key is what a Map hashes fastest (collisions are checked in at())
      out[p] = (a ^ (b >>> 15) ^ (b << 7)) & 0x3fffffff;
      const t = sig[p];
      p1 = Math.imul(p1 ^ 0x1f, M1);
      p2 = Math.imul(p2 ^ 0x1f, M2);
      for (let j = 0; j < t.length; j++) {
        const c = t.charCodeAt(j);
        p1 = Math.imul(p1 ^ c, M1);
        p2 = Math.imul(p2 ^ c, M2);
      }
    }
  }

  /** The family of `sig` at position p (its key from keys()), made empty if there is none. */
  at(sig: readonly string[], p: number, key: number): Family {
    const head = this.map.get(key) ?? null;
    for (let f = head; f !== null; f = f.next) if (f.p === p && sameAround(f.sig, sig, p)) return f;
    const made: Family = { sig, p, members: [], next: head };
    this.map.set(key, made);
    return made;
  }
}
