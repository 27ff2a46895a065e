/**
 * The online template miner.
 *
 * Per line: configured regex masks, then one tokenizing scan with the built-in maskers that folds
 * the line's signature (its constant tokens) into a hash. Lines with the same signature share a
 * template: one Map lookup, which is where nearly every line stops. A new signature first tries
 * the generalized templates of its length, then a strict fallback for one-off shapes (same token
 * count, differing only where one side is a variable); else it is born as a template of its own
 * and joins, for each of its positions, the "family" of templates equal to it everywhere but
 * there. When a family reaches `familySize` distinct members (more for Capitalised words,
 * `key=word` values and the leading token, which usually name the event) the position is evidently variable (Brain's
 * insight: constants repeat, variables vary) and the family merges into its oldest member, whose
 * id survives. Unlike Drain there is no similarity threshold that merges two templates on a
 * single coincidence, and unlike Brain there is no second pass: it is online.
 * One parameter set for every log source; nothing here is tuned per system.
 */
import type { MinedLine, MinerOptions, MinerState, TemplateInfo, TemplateMiner } from './types.js';
import { applyMasks, globalize } from '../mask/index.js';
import { WILDCARD } from '../mask/token.js';
import { createTokenBuffers, hashSignature, renderTokens, renderTokensMasked, signatureTokens, tokenizeLine } from './tokenize.js';
import { find, fits, generalize, generalizeAt, renderTemplate, type Cluster } from './cluster.js';
import { templateIdFor } from './id.js';
import { readState, writeState } from './state.js';
import { MinedResult } from './mined.js';
import { displayTemplate } from './display.js';
import { createTailIndex, tailShape, TAIL, type TailMerge } from './tails.js';
import { createSimilarIndex } from './similar-index.js';
import { FamilyTable } from './families.js';

export type { MinerOptions, TemplateMiner } from './types.js';

export interface ExtendedMinerOptions extends MinerOptions {
  /** Distinct values a position must take before it is a variable; default 4. */
  readonly familySize?: number;
  /** Extra distinct values needed when the varying token is a `key=word` pair; default 2. */
  readonly kvExtra?: number;
  /** Extra distinct values needed when the varying token is a Capitalised word; default 1. */
  readonly capExtra?: number;
  /**
   * Extra distinct values needed when the varying token is the first one: it usually names the
   * event (the reason Drain routes by leading tokens); default 2.
   */
  readonly firstTokenExtra?: number;
  /** Constants a family must share besides the varying position; default 2. */
  readonly minContext?: number;
  /** Built-in per-token maskers (numbers, ids, IPs, paths...); default true. */
  readonly builtinMasks?: boolean;
  /** Bound on the signature map of raw keys; cleared when full (templates are kept). */
  readonly maxCacheEntries?: number;
  /**
   * Bound on templates (memory stays flat on input with unbounded distinct shapes, e.g. free
   * text): past it, a line with a new shape joins one catch-all template per token count.
   * Default 50,000.
   */
  readonly maxTemplates?: number;
  /**
   * Configured masks decide grouping only; templates show the built-in maskers' shapes where those
   * find a variable (`core.<*>` where a mask took all of `core.2275`). Default false: a mask's
   * `<*>` is what the template shows. The Loghub benchmark sets it, as its masks are the
   * reference parsers' preprocessing, not a template convention.
   */
  readonly masksGroupOnly?: boolean;
  /** Templates sharing a prefix before their differing tails count as free text (tails.ts); default familySize + 1. */
  readonly tailFamilySize?: number;
}

export interface InternalMiner extends TemplateMiner {
  /** Cluster index of the last add()/match() (per-line storage without strings). */
  readonly lastIndex: number;
  /** The CURRENT template id of a cluster index (merges resolved). */
  idAt(index: number): string;
  templateAt(index: number): string;
}

/**
 * How many more distinct values than `familySize` a position needs before it counts as variable:
 * a word value of key=value (`user=root`) or a Capitalised word (`VM Started`, `"GET`) is more
 * often an enumeration naming the event than an identifier.
 */
function extraEvidence(token: string, kvExtra: number, capExtra: number): number {
  if (token.includes('=')) return kvExtra;
  if (token.includes(WILDCARD)) return 0; // already part variable (`[Thunderbird_A<*>]`)
  let i = 0;
  while (i < token.length && !/[A-Za-z0-9]/.test(token[i])) i++;
  const c = token.charCodeAt(i);
  return c >= 65 && c <= 90 ? capExtra : 0;
}

export function createMiner(opts: ExtendedMinerOptions = {}): InternalMiner {
  const masks = globalize(opts.masks ?? []);
  const familySize = opts.familySize ?? 4;
  const minContext = opts.minContext ?? 2;
  const kvExtra = opts.kvExtra ?? 2;
  const capExtra = opts.capExtra ?? 1;
  const firstExtra = opts.firstTokenExtra ?? 2;
  const byLength = new Map<number, Cluster[]>();
  const builtin = opts.builtinMasks ?? true;
  const maxCache = opts.maxCacheEntries ?? 500_000;
  const maxTemplates = opts.maxTemplates ?? 50_000;
  const overflow = new Map<number, Cluster>();
  const clusters: Cluster[] = [];
  const byId = new Map<string, Cluster>();
  const exact = new Map<number, Cluster>();
  const generalByLength = new Map<number, Cluster[]>();
  const families = new FamilyTable();
  let familyKeys = new Int32Array(64);
  const buf = createTokenBuffers();
  const masksGroupOnly = opts.masksGroupOnly ?? false;
  /** The line as written, tokenized again when configured masks changed it (templates are rendered from it). */
  const rawBuf = createTokenBuffers();
  const tails = createTailIndex({ minPrefix: minContext, size: opts.tailFamilySize ?? familySize + 1, lengths: 3 });
  // a template is in byLength exactly while it is neither merged nor a tail template
  const similarIndex = createSimilarIndex((c) => c.parent === null && !tails.isTail(c));
  let lastIndex = -1;
  /** Positions the configured masks changed in the current line (masksGroupOnly). */
  const touched: number[] = [];

  const newCluster = (tokens: readonly string[], sig: readonly string[], id?: string, count = 0): Cluster => {
    const text = tokens.join(' ');
    const c: Cluster = {
      id: id ?? templateIdFor(text, (x) => byId.has(x)),
      index: clusters.length,
      tokens,
      sig,
      count,
      text: displayTemplate(tokens),
      parent: null,
      general: sig.includes(WILDCARD),
    };
    clusters.push(c);
    byId.set(c.id, c);
    if (c.general) addGeneral(c);
    let list = byLength.get(tokens.length);
    if (!list) byLength.set(tokens.length, (list = []));
    list.push(c);
    similarIndex.add(c);
    return c;
  };

  const addGeneral = (c: Cluster) => {
    let list = generalByLength.get(c.sig.length);
    if (!list) generalByLength.set(c.sig.length, (list = []));
    if (!list.includes(c)) list.push(c);
  };

  const removeGeneral = (c: Cluster) => {
    const list = generalByLength.get(c.sig.length);
    const i = list ? list.indexOf(c) : -1;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i >= 0 means indexOf found it in list
    if (i >= 0) list!.splice(i, 1);
  };

  const matchGeneral = (sig: readonly string[], n: number): Cluster | undefined => {
    const list = generalByLength.get(n);
    if (!list) return undefined;
    // the most specific fitting pattern wins
    let best: Cluster | undefined;
    let bestWild = Infinity;
    for (const c of list) {
      if (!fits(c.sig, sig, n)) continue;
      let wild = 0;
      for (const t of c.sig) if (t === WILDCARD) wild++;
      if (wild < bestWild) {
        best = c;
        bestWild = wild;
      }
    }
    return best;
  };

  /** Joins the families of a new template; merges a family that has grown past familySize. */
  const joinFamilies = (c: Cluster): Cluster => {
    const sig = c.sig;
    const n = sig.length;
    // a family needs context: with fewer than two other constants, "differs in one place" says nothing
    if (n < minContext + 1) return c;
    if (familyKeys.length < n) familyKeys = new Int32Array(2 * n);
    families.keys(sig, familyKeys);
    for (let p = 0; p < n; p++) {
      if (sig[p] === WILDCARD) continue;
      const family = families.at(sig, p, familyKeys[p]);
      family.members.push(c);
      // only the roots matter from now on: the list stays as short as the family
      family.members = [...new Set(family.members.map(find))];
      // a free-text tail template (tails.ts) has no positions left to vary
      const roots = family.members.filter((r) => !tails.isTail(r));
      // a word value of key=value (`user=root`, `state=FAILED`) is more often an enumeration
      // that names the event than a free variable: it needs more evidence
      // likewise Capitalised words (`VM Started` / `VM Paused`): states and event names far more
      // often than identifiers
      const needed = familySize + extraEvidence(sig[p], kvExtra, capExtra) + (p === 0 ? firstExtra : 0);
      if (roots.length >= needed) {
        const survivor = mergeFamily(roots, p);
        family.members = [survivor];
        return find(c);
      }
    }
    return c;
  };

  const mergeFamily = (roots: Cluster[], p: number): Cluster => {
    roots.sort((a, b) => a.index - b.index);
    const survivor = roots[0];
    const sig = survivor.sig.slice();
    sig[p] = WILDCARD;
    survivor.sig = sig;
    for (const m of roots.slice(1)) {
      m.parent = survivor;
      const same = byLength.get(m.tokens.length);
      if (same) same.splice(same.indexOf(m), 1);
      survivor.count += m.count;
      survivor.tokens = generalize(survivor.tokens, m.tokens, m.tokens.length);
      if (m.general) removeGeneral(m);
    }
    survivor.text = null;
    survivor.general = true;
    addGeneral(survivor);
    return survivor;
  };

  /**
   * Folds a tail family into its oldest member: its signature becomes `[...prefix, TAIL]` and its
   * template the prefix plus one `<*>` for the rest of the line. It leaves the per-length lists,
   * so only the tail index (and cached keys) reach it.
   */
  const mergeTail = (t: TailMerge, born: Cluster): Cluster => {
    const survivor = t.roots[0];
    const cut = tailShape(born, t.prefix.length).cut;
    let tokens: readonly string[] = born.tokens.slice(0, cut);
    for (const m of t.roots) {
      if (tailShape(m, t.prefix.length).cut === cut) tokens = generalize(tokens, m.tokens.slice(0, cut), cut);
      if (m === survivor) continue;
      m.parent = survivor;
      survivor.count += m.count;
    }
    for (const m of t.roots) {
      const same = byLength.get(m.tokens.length);
      if (same && same.includes(m)) same.splice(same.indexOf(m), 1);
      if (m.general) removeGeneral(m);
    }
    survivor.tokens = [...tokens, WILDCARD];
    survivor.sig = [...t.prefix, TAIL];
    survivor.text = null;
    survivor.general = true;
    tails.adopt(survivor, t.prefix);
    return survivor;
  };

  for (const saved of readState(opts.state)) {
    const c = newCluster(saved.tokens, saved.sig, saved.id, saved.count);
    if (saved.sig[saved.sig.length - 1] === TAIL) {
      // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the cluster was indexed under its length when it was made
      const same = byLength.get(c.tokens.length)!;
      same.splice(same.indexOf(c), 1);
      c.general = true;
      tails.adopt(c, saved.sig.slice(0, -1));
    } else if (!c.general) exact.set(hashSignature(saved.sig), c);
  }

  const remember = (key: number, c: Cluster) => {
    if (exact.size >= maxCache) {
      // keep the map bounded; templates survive and re-enter through matchGeneral/new keys
      exact.clear();
      for (const x of clusters) if (x.parent === null && !x.general) exact.set(hashSignature(x.sig), x);
    }
    exact.set(key, c);
  };

  /** The line's signature strings, built only on a cache miss. */
  let sig: string[] = [];

  /** Set by lookup when a new signature met a generalized template (see add). */
  let patternHit = false;

  const lookup = (key: number): Cluster | undefined => {
    const hit = exact.get(key);
    if (hit !== undefined) return hit.parent === null ? hit : find(hit);
    sig = signatureTokens(buf);
    const g = matchGeneral(sig, sig.length) ?? tails.match(sig);
    if (g !== undefined) {
      remember(key, g);
      patternHit = true;
    }
    return g;
  };


  /**
   * A fallback for one-off shapes (`synchronized to LOCAL(0), stratum 2` among thousands of
   * `synchronized to 10.0.0.1, stratum 2`): a template of the same token count that agrees with
   * the line everywhere except where one side holds a variable (a pure wildcard token, or a
   * position already proven variable), and shares more than half its tokens as constants. Two
   * different words never merge here; that takes a family (see joinFamilies).
   */
  const similar = (key: number, m: readonly string[]): Cluster | undefined => {
    const n = m.length;
    const best = similarIndex.best(m);
    if (best === undefined) return undefined;
    best.tokens = generalize(best.tokens, m, n);
    best.text = null;
    remember(key, best);
    return best;
  };

  function add(content: string, from = 0): MinedLine {
    const rawFrom = from;
    let masked = content;
    if (masks.length > 0) {
      masked = applyMasks(from === 0 ? content : content.slice(from), masks);
      from = 0;
    }
    const key = tokenizeLine(masked, buf, builtin, from);
    patternHit = false;
    let c = lookup(key);
    let isNew = false;
    if (c !== undefined && patternHit) {
      // a new signature in a template's variable position: the kept parts of that position
      // (`user=<*>`, see mergeToken) must still describe this line. Once per new signature, as the
      // exact map answers its later lines.
      const tokens = masked === content ? renderTokens(buf) : renderTokensMasked(buf, content, rawFrom, rawBuf, masksGroupOnly);
      const next = generalize(c.tokens, tokens, tokens.length);
      if (next !== c.tokens) {
        c.tokens = next;
        c.text = null;
      }
    }
    if (c === undefined) {
      const tokens = masked === content ? renderTokens(buf) : renderTokensMasked(buf, content, rawFrom, rawBuf, masksGroupOnly);
      c = similar(key, tokens);
      if (c === undefined) {
        if (clusters.length >= maxTemplates) {
          const n = tokens.length;
          let o = overflow.get(n);
          if (o === undefined) {
            // a signature no line can have, so the catch-all is only reached from here
            o = newCluster(new Array<string>(n).fill(WILDCARD), ['\u0000overflow']);
            overflow.set(n, o);
          }
          c = o.parent === null ? o : find(o);
          remember(key, c);
          c.count++;
          lastIndex = c.index;
          return new MinedResult(c.id, renderTemplate(c), false, c.tokens, masked, from);
        }
        c = newCluster(tokens, sig);
        remember(key, c);
        isNew = true;
        const born = c;
        c = joinFamilies(c);
        if (c.parent !== null) c = find(c);
        const tail = tails.join(born);
        if (tail !== null) c = mergeTail(tail, born);
      }
    }
    if (masksGroupOnly && !isNew && masked !== content) {
      // a masked part shown as written (renderTokensMasked) stays only while every line agrees;
      // so does the shape of a variable (`<*>:<*>:<*>` only while every value has it)
      touched.length = 0;
      const tokens = renderTokensMasked(buf, content, rawFrom, rawBuf, true, touched);
      for (let t = 0; t < tokens.length; t++) if (tokens[t].includes(WILDCARD) && !touched.includes(t)) touched.push(t);
      const next = generalizeAt(c.tokens, tokens, touched);
      if (next !== c.tokens) {
        c.tokens = next;
        c.text = null;
      }
    }
    c.count++;
    lastIndex = c.index;
    return new MinedResult(c.id, c.text ?? renderTemplate(c), isNew, c.tokens, masked, from);
  }

  function match(content: string, from = 0): MinedLine | undefined {
    let masked = content;
    if (masks.length > 0) {
      masked = applyMasks(from === 0 ? content : content.slice(from), masks);
      from = 0;
    }
    const key = tokenizeLine(masked, buf, builtin, from);
    const c = lookup(key);
    if (c === undefined) return undefined;
    lastIndex = c.index;
    return new MinedResult(c.id, renderTemplate(c), false, c.tokens, masked, from);
  }

  return {
    add,
    match,
    get lastIndex() {
      return lastIndex;
    },
    idAt: (i) => find(clusters[i]).id,
    templateAt: (i) => renderTemplate(find(clusters[i])),
    resolve: (id) => {
      const c = byId.get(id);
      return c ? find(c).id : id;
    },
    template: (id) => {
      const c = byId.get(id);
      return c ? renderTemplate(find(c)) : undefined;
    },
    templates: (): TemplateInfo[] =>
      clusters.filter((c) => c.parent === null).map((c) => ({ id: c.id, template: renderTemplate(c), count: c.count })),
    toState: (): MinerState => writeState(clusters.filter((c) => c.parent === null)),
  };
}
