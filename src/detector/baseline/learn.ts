/**
 * Folding a run into the baseline: only whole buckets (a half-covered first or last bucket would
 * look like a drop next time), only buckets later than what the model already covers (re-running
 * the same window does not learn it twice), and never a template's bucket that was flagged (an
 * incident must not become normal). Then decay and evict to stay bounded.
 */
import type { MinerState } from '../miner/types.js';
import type { RunStats } from '../detect/types.js';
import { emptyModel, type BaselineModel, type TemplateRate } from './model.js';
import { mergeSessions, type SessionModelData } from '../detect/sessions.js';

export interface FoldOptions {
  readonly bucketSeconds: number;
  /** `<templateId>:<bucketStartMs>` cells that were flagged as anomalous. */
  readonly exclude?: ReadonlySet<string>;
  readonly minerState?: MinerState | null;
  readonly sessions?: SessionModelData | null;
  readonly maxTemplates?: number;
  /** History horizon in buckets; older buckets decay proportionally. Default two weeks. */
  readonly maxBuckets?: number;
  readonly source: string;
  readonly now?: Date;
}

export const DEFAULT_MAX_TEMPLATES = 5000;
/** A bucket counts as whole when the input covers this much of it. */
const WHOLE = 0.9;

export function wholeBuckets(run: RunStats): number[] {
  if (run.from === null || run.to === null) return [];
  const B = run.bucketMs;
  const out: number[] = [];
  for (const b of run.totals.keys()) {
    const covered = Math.min(b + B, run.to + 1) - Math.max(b, run.from);
    if (covered / B >= WHOLE) out.push(b);
  }
  return out.sort((a, b) => a - b);
}

export function foldRun(prev: BaselineModel | null, run: RunStats, opts: FoldOptions): BaselineModel {
  const model: BaselineModel = prev ? structuredClone(prev) : emptyModel(opts.bucketSeconds, opts.source);
  const exclude = opts.exclude ?? new Set<string>();
  const coveredTo = model.coveredTo ?? -Infinity;
  const buckets = wholeBuckets(run).filter((b) => b >= coveredTo);
  const fresh = new Set(buckets);

  for (const acc of run.templates.values()) {
    let r: TemplateRate | undefined = model.templates[acc.id];
    if (!r) {
      r = { template: acc.template, total: 0, sum: 0, sumSq: 0, present: 0, lastSeen: null };
      model.templates[acc.id] = r;
    }
    r.template = acc.template;
    if (fresh.size > 0 || !prev) r.total += acc.count;
    if (acc.lastSeen !== null && (r.lastSeen === null || acc.lastSeen > r.lastSeen)) r.lastSeen = acc.lastSeen;
    for (const [b, cell] of acc.buckets) {
      if (!fresh.has(b)) continue;
      // A flagged cell is learned as the template's current mean instead: no spike, no hole.
      const n = exclude.has(`${acc.id}:${b}`) ? (model.buckets > 0 ? r.sum / model.buckets : 0) : cell.n;
      r.sum += n;
      r.sumSq += n * n;
      if (n > 0) r.present++;
    }
  }
  for (const b of buckets) {
    const t = run.totals.get(b)!;
    const e = model.errors;
    e.e += t.errors;
    e.t += t.n;
    e.ee += t.errors * t.errors;
    e.et += t.errors * t.n;
    e.tt += t.n * t.n;
  }
  model.buckets += buckets.length;
  if (fresh.size > 0 || !prev) model.lines += run.lines;
  if (buckets.length > 0) model.coveredTo = Math.max(coveredTo, buckets[buckets.length - 1]! + run.bucketMs);
  if (opts.minerState !== undefined) model.miner = opts.minerState;
  if (opts.sessions) model.sessions = mergeSessions(model.sessions, opts.sessions);
  model.updatedAt = (opts.now ?? new Date()).toISOString();
  model.source = opts.source;
  decay(model, opts.maxBuckets ?? (14 * 86_400) / opts.bucketSeconds);
  evict(model, opts.maxTemplates ?? DEFAULT_MAX_TEMPLATES);
  return model;
}

function decay(model: BaselineModel, maxBuckets: number): void {
  if (model.buckets <= maxBuckets) return;
  const f = maxBuckets / model.buckets;
  for (const r of Object.values(model.templates)) {
    r.sum *= f;
    r.sumSq *= f;
    r.present *= f;
  }
  const e = model.errors;
  for (const k of ['e', 't', 'ee', 'et', 'tt'] as const) e[k] *= f;
  model.buckets = maxBuckets;
}

/**
 * Least useful first: templates seen least (by decayed volume, then all-time total), oldest
 * last-seen breaking ties. An evicted template that comes back is reported as new once.
 */
function evict(model: BaselineModel, maxTemplates: number): void {
  const ids = Object.keys(model.templates);
  if (ids.length <= maxTemplates) return;
  const ranked = ids
    .map((id) => ({ id, r: model.templates[id]! }))
    .sort((a, b) => a.r.sum - b.r.sum || a.r.total - b.r.total || (a.r.lastSeen ?? 0) - (b.r.lastSeen ?? 0));
  for (const { id } of ranked.slice(0, ids.length - maxTemplates)) delete model.templates[id];
}
