/**
 * The online template miner. Per line: configured regex masks, one tokenizing scan with the
 * built-in maskers, then an exact-shape cache lookup (most lines stop here); on a miss, the most
 * similar template of the same length absorbs the line (differing positions become `<*>`) when it
 * is similar enough, else a new template is born. Ids come from the birth template, so the same
 * input yields the same ids, and persisted state keeps them across runs.
 */
import type { MinedLine, MinerOptions, MinerState, TemplateInfo, TemplateMiner } from './types.js';
import { applyMasks, globalize } from '../mask/index.js';
import { WILDCARD } from '../mask/token.js';
import { createTokenBuffers, tokenize } from './tokenize.js';
import { mergeInto, renderTemplate, similarity, type Cluster } from './cluster.js';
import { templateIdFor } from './id.js';
import { readState, writeState } from './state.js';

export type { MinedLine, MinerOptions, MinerState, TemplateInfo, TemplateMiner, ParsedLine } from './types.js';

export interface ExtendedMinerOptions extends MinerOptions {
  /** Minimum similarity to join an existing template (0..1). */
  readonly similarity?: number;
  /** Built-in per-token maskers (numbers, ids, IPs, paths...); default true. */
  readonly builtinMasks?: boolean;
  /** Bound on the exact-shape cache; it is cleared when full. */
  readonly maxCacheEntries?: number;
}

export interface InternalMiner extends TemplateMiner {
  /** Cluster index of the last add()/match() (for per-line storage without strings). */
  readonly lastIndex: number;
  /** Template id by cluster index. */
  idAt(index: number): string;
  templateAt(index: number): string;
}

const DEFAULT_SIMILARITY = 0.5;

class Mined implements MinedLine {
  constructor(
    readonly templateId: string,
    readonly template: string,
    readonly isNew: boolean,
    private readonly tokens: readonly string[],
    private readonly masked: string,
  ) {}
  /** Computed on demand: most consumers never read params, so the hot path does not pay for them. */
  get params(): string[] {
    const buf = createTokenBuffers();
    tokenize(this.masked, buf, false);
    const out: string[] = [];
    for (let i = 0; i < this.tokens.length && i < buf.length; i++) if (this.tokens[i] === WILDCARD || this.tokens[i].includes(WILDCARD)) out.push(buf.raw[i]);
    return out;
  }
}

export function createMiner(opts: ExtendedMinerOptions = {}): InternalMiner {
  const masks = globalize(opts.masks ?? []);
  const threshold = opts.similarity ?? DEFAULT_SIMILARITY;
  const builtin = opts.builtinMasks ?? true;
  const maxCache = opts.maxCacheEntries ?? 200_000;
  const clusters: Cluster[] = [];
  const byId = new Map<string, Cluster>();
  const byLength = new Map<number, Cluster[]>();
  const cache = new Map<string, Cluster>();
  const buf = createTokenBuffers();
  let lastIndex = -1;

  const newCluster = (tokens: readonly string[], id?: string, count = 0): Cluster => {
    const text = tokens.join(' ');
    const c: Cluster = { id: id ?? templateIdFor(text, (x) => byId.has(x)), tokens, count, text, index: clusters.length };
    clusters.push(c);
    byId.set(c.id, c);
    let list = byLength.get(tokens.length);
    if (!list) byLength.set(tokens.length, (list = []));
    list.push(c);
    return c;
  };

  for (const saved of readState(opts.state)) newCluster(saved.tokens, saved.id, saved.count);

  const best = (n: number): { c: Cluster | undefined; sim: number } => {
    const list = byLength.get(n);
    let c: Cluster | undefined;
    let sim = -1;
    if (list) {
      for (let k = 0; k < list.length; k++) {
        const s = similarity(list[k].tokens, buf.masked, n);
        if (s > sim) {
          sim = s;
          c = list[k];
        }
      }
    }
    return { c, sim };
  };

  const remember = (key: string, c: Cluster) => {
    if (cache.size >= maxCache) cache.clear();
    cache.set(key, c);
  };

  function add(content: string): MinedLine {
    const masked = masks.length > 0 ? applyMasks(content, masks) : content;
    const key = tokenize(masked, buf, builtin);
    let c = cache.get(key);
    let isNew = false;
    if (c === undefined) {
      const n = buf.length;
      const found = best(n);
      if (found.c !== undefined && found.sim >= threshold) {
        c = found.c;
        mergeInto(c, buf.masked, n);
      } else {
        c = newCluster(buf.masked.slice(0, n));
        isNew = true;
      }
      remember(key, c);
    }
    c.count++;
    lastIndex = c.index;
    return new Mined(c.id, renderTemplate(c), isNew, c.tokens, masked);
  }

  function match(content: string): MinedLine | undefined {
    const masked = masks.length > 0 ? applyMasks(content, masks) : content;
    const key = tokenize(masked, buf, builtin);
    let c = cache.get(key);
    if (c === undefined) {
      const found = best(buf.length);
      if (found.c === undefined || found.sim < threshold) return undefined;
      c = found.c;
    }
    lastIndex = c.index;
    return new Mined(c.id, renderTemplate(c), false, c.tokens, masked);
  }

  return {
    add,
    match,
    get lastIndex() {
      return lastIndex;
    },
    idAt: (i) => clusters[i].id,
    templateAt: (i) => renderTemplate(clusters[i]),
    template: (id) => {
      const c = byId.get(id);
      return c ? renderTemplate(c) : undefined;
    },
    templates: (): TemplateInfo[] => clusters.map((c) => ({ id: c.id, template: renderTemplate(c), count: c.count })),
    toState: (): MinerState => writeState(clusters),
  };
}
