/**
 * Folding a run into the baseline: only whole buckets (a half-covered first or last bucket would
 * look like a drop next time), only buckets later than what the model already covers (re-running
 * the same window does not learn it twice), and never a template's bucket that was flagged (an
 * incident must not become normal). Then decay and evict to stay bounded.
 */
import type { MinerState } from '../miner/types.js';
import type { RunStats } from '../run-stats.js';
import { emptyModel, type BaselineModel, type StreamRate, type TemplateRate } from './model.js';
import { mergeSessions, type SessionModelData } from '../detect/sessions.js';
import { runBuckets } from '../detect/buckets.js';
import { dayOf, emptyRhythm, foldRhythm, forget, hourOf, streamCellsOf, templateCells, totalCells, type Rhythm } from './rhythm.js';

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
/** Streams kept: sources with churning stream names (one per task or pod) must not grow the model forever. */
export const MAX_STREAMS = 1000;
/** A bucket counts as whole when the input covers this much of it. */
const WHOLE = 0.9;

/**
 * Empty buckets inside the run count too: detection walks them (a quiet hour is judged), so the
 * rates it compares with must have seen quiet hours as well.
 */
export function wholeBuckets(run: RunStats): number[] {
  if (run.from === null || run.to === null) return [];
  const B = run.bucketMs;
  const out: number[] = [];
  for (const b of runBuckets(run)) {
    const covered = Math.min(b + B, run.to + 1) - Math.max(b, run.from);
    if (covered / B >= WHOLE) out.push(b);
  }
  return out;
}

export function foldRun(prev: BaselineModel | null, run: RunStats, opts: FoldOptions): BaselineModel {
  const model: BaselineModel = prev ? structuredClone(prev) : emptyModel(opts.bucketSeconds, opts.source);
  const exclude = opts.exclude ?? new Set<string>();
  const coveredTo = model.coveredTo ?? -Infinity;
  const buckets = wholeBuckets(run).filter((b) => b >= coveredTo);
  const fresh = new Set(buckets);
  // Partial buckets feed gaps and peaks (see foldRhythm); anything before coveredTo was learned already.
  const isFresh = (b: number) => b >= coveredTo;

  for (const acc of run.templates.values()) {
    let r: TemplateRate | undefined = model.templates[acc.id];
    if (!r) {
      r = { template: acc.template, total: 0, sum: 0, sumSq: 0, present: 0, lastSeen: null, rhythm: emptyRhythm() };
      model.templates[acc.id] = r;
    }
    r.template = acc.template;
    foldRhythm(r.rhythm, templateCells(run, acc.id), isFresh, fresh, (b) => exclude.has(`${acc.id}:${b}`), r.lastSeen);
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
  foldStreams(model, run, buckets, fresh, isFresh, exclude, !prev);
  for (const b of buckets) {
    const t = run.totals.get(b);
    if (!t) continue; // an empty bucket adds zeros
    const e = model.errors;
    e.e += t.errors;
    e.t += t.n;
    e.ee += t.errors * t.errors;
    e.et += t.errors * t.n;
    e.tt += t.n * t.n;
  }
  foldRhythm(model.rhythm, totalCells(run), isFresh, fresh, () => false, model.span?.to ?? null);
  for (const b of buckets) {
    model.exposure.hours[hourOf(b)]++;
    model.exposure.days[dayOf(b)]++;
  }
  if ((fresh.size > 0 || !prev) && run.from !== null && run.to !== null) {
    model.span = { from: Math.min(model.span?.from ?? run.from, run.from), to: Math.max(model.span?.to ?? run.to, run.to) };
  }
  model.buckets += buckets.length;
  if (fresh.size > 0 || !prev) model.lines += run.lines;
  if (buckets.length > 0) model.coveredTo = Math.max(coveredTo, buckets[buckets.length - 1] + run.bucketMs);
  if (opts.minerState !== undefined) model.miner = opts.minerState;
  if (opts.sessions) model.sessions = mergeSessions(model.sessions, opts.sessions);
  model.updatedAt = (opts.now ?? new Date()).toISOString();
  model.source = opts.source;
  const horizon = opts.maxBuckets ?? (14 * 86_400) / opts.bucketSeconds;
  decay(model, horizon);
  if (model.coveredTo !== null) age(model, model.coveredTo - horizon * opts.bucketSeconds * 1000);
  evict(model, opts.maxTemplates ?? DEFAULT_MAX_TEMPLATES);
  return model;
}

/**
 * Each stream's rates and rhythm, like a template's: whole fresh buckets only, the empty ones
 * included (a stream absent from a bucket learns a zero), and never a bucket flagged as that
 * stream's silence (an outage must not become its normal).
 */
function foldStreams(model: BaselineModel, run: RunStats, buckets: readonly number[], fresh: ReadonlySet<number>, isFresh: (b: number) => boolean, exclude: ReadonlySet<string>, first: boolean): void {
  const streams = (model.streams ??= {});
  const cells = run.streamCells;
  if (!cells) return;
  for (const [name, byBucket] of cells) {
    let r: StreamRate | undefined = streams[name];
    if (!r) streams[name] = r = { total: 0, sum: 0, sumSq: 0, present: 0, lastSeen: null, rhythm: emptyRhythm() };
    const key = `stream:${name}`;
    foldRhythm(r.rhythm, streamCellsOf(byBucket), isFresh, fresh, (b) => exclude.has(`${key}:${b}`), r.lastSeen);
    let n = 0;
    let last: number | null = null;
    for (const c of byBucket.values()) {
      n += c.n;
      if (last === null || c.last > last) last = c.last;
    }
    if (fresh.size > 0 || first) r.total += n;
    if (last !== null && (r.lastSeen === null || last > r.lastSeen)) r.lastSeen = last;
  }
  // Every known stream learns every fresh bucket, a zero where it sent nothing.
  for (const [name, r] of Object.entries(streams)) {
    const byBucket = cells.get(name);
    const key = `stream:${name}`;
    for (const b of buckets) {
      const n = exclude.has(`${key}:${b}`) ? (model.buckets > 0 ? r.sum / model.buckets : 0) : (byBucket?.get(b)?.n ?? 0);
      r.sum += n;
      r.sumSq += n * n;
      if (n > 0) r.present++;
    }
  }
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
  for (const r of Object.values(model.streams ?? {})) {
    r.sum *= f;
    r.sumSq *= f;
    r.present *= f;
  }
  for (const r of [model.rhythm, ...Object.values(model.templates).map((t) => t.rhythm), ...Object.values(model.streams ?? {}).map((t) => t.rhythm)]) scaleHours(r, f);
  model.exposure.hours = model.exposure.hours.map((x) => x * f);
  model.exposure.days = model.exposure.days.map((x) => x * f);
  model.buckets = maxBuckets;
}

function scaleHours(r: Rhythm, f: number): void {
  r.hours = r.hours.map((x) => x * f);
  r.days = r.days.map((x) => x * f);
}

/** Gaps and peaks older than the horizon are forgotten, as the rates decay. */
function age(model: BaselineModel, before: number): void {
  for (const r of [model.rhythm, ...Object.values(model.templates).map((t) => t.rhythm), ...Object.values(model.streams ?? {}).map((t) => t.rhythm)]) {
    r.gaps = forget(r.gaps, before);
    r.peaks = forget(r.peaks, before);
  }
}

/**
 * Least useful first: templates seen least (by decayed volume, then all-time total), oldest
 * last-seen breaking ties. An evicted template that comes back is reported as new once.
 */
function evict(model: BaselineModel, maxTemplates: number): void {
  evictStreams(model);
  const ids = Object.keys(model.templates);
  if (ids.length <= maxTemplates) return;
  const ranked = ids
    .map((id) => ({ id, r: model.templates[id] }))
    .sort((a, b) => a.r.sum - b.r.sum || a.r.total - b.r.total || (a.r.lastSeen ?? 0) - (b.r.lastSeen ?? 0));
  for (const { id } of ranked.slice(0, ids.length - maxTemplates)) delete model.templates[id];
}

/** Streams not heard from for longest go first, beyond MAX_STREAMS. */
function evictStreams(model: BaselineModel): void {
  const streams = model.streams ?? {};
  const names = Object.keys(streams);
  if (names.length <= MAX_STREAMS) return;
  names.sort((a, b) => (streams[a].lastSeen ?? 0) - (streams[b].lastSeen ?? 0) || streams[a].sum - streams[b].sum);
  for (const name of names.slice(0, names.length - MAX_STREAMS)) delete streams[name];
}
