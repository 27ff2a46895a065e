/**
 * Free-text tails: unquoted text of varying length at the end of a message
 * (`payment declined: card expired` / `payment declined: do not honour, call the bank`), the
 * multi-token parameter of Drain3 issue 66 that no quote or brace announces (spans.ts covers those).
 * Position families (index.ts) cannot see it: each line has another token count, so every line
 * would be a template of its own.
 *
 * Every new template joins, for each prefix of its signature, the "tail family" of templates that
 * share that prefix. A family becomes ONE template `prefix <*>` (the rest of the line, 0..n tokens)
 * when the evidence says its tails are free text rather than different events:
 * - at least `size` templates share the prefix (constants repeat, free text varies);
 * - their tails have at least `lengths` different lengths (structured messages that share a
 *   prefix mostly differ in a word, not in length);
 * - the first word after the prefix takes at least `size` values, as a variable does;
 * - their tails do not end alike: a shared last token (`... from <*> port <*> ssh2`) means a
 *   structured message with a varying middle, which the position families handle;
 * - most members were seen once: an event message repeats, free text does not;
 * - most tails are prose, words and nothing else: a component's messages after its label
 *   (`InnoDB: Opened 3 undo tablespaces`) carry numbers and identifiers.
 * The longest qualifying prefix wins, so the template keeps every constant the lines share.
 */
import type { Cluster } from './cluster.js';
import { find } from './cluster.js';
import { isVariableToken, WILDCARD } from '../mask/token.js';

/** Marks a tail template's signature: `[...prefix, TAIL]` (persisted as is in the miner state). */
export const TAIL = '\u0000tail';

export interface TailOptions {
  /** Constant tokens the prefix needs; default 2. */
  readonly minPrefix: number;
  /** Templates a family needs before it merges; default 5. */
  readonly size: number;
  /** Distinct tail lengths among them; default 3. */
  readonly lengths: number;
}

export interface TailMerge {
  /** Live templates to fold into one, oldest first. */
  readonly roots: Cluster[];
  /** Signature tokens of the shared prefix. */
  readonly prefix: readonly string[];
}

export interface TailIndex {
  /** Registers a newborn template; returns a family ready to merge, or null. */
  join(c: Cluster): TailMerge | null;
  /** Makes `c` the tail template for `prefix` (after a merge, or from a saved state). */
  adopt(c: Cluster, prefix: readonly string[]): void;
  /** The tail template whose prefix the signature starts with (the longest), if any. */
  match(sig: readonly string[]): Cluster | undefined;
  isTail(c: Cluster): boolean;
}

/** Longest prefix considered: free text follows a short lead-in (`payment declined:`). */
const MAX_PREFIX = 12;

/** A word of prose: letters (inner `'` and `-` allowed), then at most one punctuation mark. */
const PROSE_WORD = /^\p{L}[\p{L}'\u2019-]*[.,;:!?]?$/u;

/**
 * Walks a template's tokens beside its signature (masked tokens such as numbers are in the
 * tokens only): `cut` is the token index just past the first `p` signature tokens and the masked
 * tokens right after them (`invoice <*>:` belongs to the lead-in); `masked` counts masked tokens
 * after the cut.
 */
export function tailShape(c: Cluster, p: number): { cut: number; masked: number } {
  const t = c.tokens;
  const sig = c.sig;
  // a rendered token may differ from its signature form (`blk_<*>` renders `<*>`, `ssh<*>` renders `ssh2`)
  const inSig = (i: number, j: number) =>
    j < sig.length && (t[i] === sig[j] || sig[j] === WILDCARD || !isVariableToken(t[i]) || (sig[j].includes(WILDCARD) && !isVariableToken(sig[j])));
  let i = 0;
  let j = 0;
  for (; i < t.length && j < p; i++) if (inSig(i, j)) j++;
  while (i < t.length && !inSig(i, j)) i++;
  const cut = i;
  let masked = 0;
  for (; i < t.length; i++) {
    if (inSig(i, j)) j++;
    else masked++;
  }
  return { cut, masked };
}

/**
 * Whether the template's tail (what follows its first `p` signature tokens) is all words of
 * prose. Free text people type is made of words; a component's messages after its label
 * (`InnoDB: Opened 3 undo tablespaces`, `Using io_uring`) carry numbers and identifiers. A word
 * position the families already proved variable (`<*>` in the signature) counts as a word; a
 * masked token (a number, an id) does not.
 */
function isProseTail(c: Cluster, p: number): boolean {
  const sig = c.sig;
  for (let i = p; i < sig.length; i++) if (sig[i] !== WILDCARD && !PROSE_WORD.test(sig[i])) return false;
  return tailShape(c, p).masked === 0;
}

const keyOf = (sig: readonly string[], p: number) => sig.slice(0, p).join(' ');

export function createTailIndex(opts: TailOptions): TailIndex {
  const families = new Map<string, Cluster[]>();
  const tails = new Map<string, Cluster>();
  /** Prefix lengths in use by tail templates, longest first. */
  const lengths: number[] = [];
  const isTail = new WeakSet<Cluster>();

  const qualifies = (members: readonly Cluster[], p: number): Cluster[] | null => {
    const roots = [...new Set(members.map(find))].filter((r) => !isTail.has(r));
    if (roots.length < opts.size) return null;
    const lens = new Set(roots.map((r) => r.sig.length));
    if (lens.size < opts.lengths) return null;
    // a tail needs a token after the prefix in most members, and they must not end alike
    const last = new Map<string, number>();
    const next = new Set<string>();
    let once = 0;
    let prose = 0;
    for (const r of roots) {
      if (r.count <= 1) once++;
      if (isProseTail(r, p)) prose++;
      if (r.sig.length > p) {
        const t = r.sig[r.sig.length - 1];
        last.set(t, (last.get(t) ?? 0) + 1);
        next.add(r.sig[p]);
      }
    }
    for (const n of last.values()) if (n * 2 > roots.length) return null;
    // the first word of the tail varies like a variable (`Error loading ...` / `Error reading ...`
    // twice each are two events with a word in common, not free text)
    if (next.size < opts.size) return null;
    if (once * 4 < roots.length * 3 || prose * 4 < roots.length * 3) return null;
    return roots.sort((a, b) => a.index - b.index);
  };

  return {
    join(c) {
      const sig = c.sig;
      if (sig.includes(WILDCARD) || sig.includes(TAIL)) return null;
      const top = Math.min(sig.length, MAX_PREFIX);
      let found: TailMerge | null = null;
      for (let p = top; p >= opts.minPrefix; p--) {
        const key = keyOf(sig, p);
        let members = families.get(key);
        if (!members) families.set(key, (members = []));
        members.push(c);
        if (found === null) {
          const roots = qualifies(members, p);
          if (roots !== null) found = { roots, prefix: sig.slice(0, p) };
        }
      }
      return found;
    },
    adopt(c, prefix) {
      const key = prefix.join(' ');
      tails.set(key, c);
      isTail.add(c);
      if (!lengths.includes(prefix.length)) {
        lengths.push(prefix.length);
        lengths.sort((a, b) => b - a);
      }
    },
    match(sig) {
      for (const p of lengths) {
        if (p > sig.length) continue;
        const t = tails.get(keyOf(sig, p));
        if (t !== undefined) return find(t);
      }
      return undefined;
    },
    isTail: (c) => isTail.has(c),
  };
}
