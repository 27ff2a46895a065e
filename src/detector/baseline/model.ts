/**
 * The baseline model: what "normal" looked like, persisted across runs. Per template it keeps
 * running sums over whole time buckets (count, sum of squares, buckets present), which is all a
 * negative-binomial test needs, in O(templates) space whatever the history length. Older history
 * decays once `maxBuckets` is reached, so the model follows slow drift but not one bad hour.
 */
import type { MinerState } from '../miner/types.js';
import type { CountModel } from '../detect/stats.js';
import type { SessionModelData } from '../detect/sessions.js';
import { emptyRhythm, type Rhythm } from './rhythm.js';

export const BASELINE_SCHEMA = 'log-anomaly-pipeline/baseline' as const;
/** 2: rhythm (gaps, peaks, hour/day counts), span and exposure; buckets include empty ones. */
export const BASELINE_VERSION = 2 as const;

/** Lines per bucket of a template or a stream (decayed with the model), and its own rhythm. */
export interface StreamRate {
  /** All lines ever learned (not decayed). */
  total: number;
  /** Over the model's `buckets` buckets (decayed): Σ count, Σ count², buckets with count > 0. */
  sum: number;
  sumSq: number;
  present: number;
  lastSeen: number | null;
  rhythm: Rhythm;
}

export interface TemplateRate extends StreamRate {
  template: string;
}

export interface ErrorRateStats {
  /** Per-bucket sums: Σe, Σt, Σe², Σe·t, Σt² (decayed with the buckets). */
  e: number;
  t: number;
  ee: number;
  et: number;
  tt: number;
}

export interface BaselineModel {
  schema: typeof BASELINE_SCHEMA;
  version: typeof BASELINE_VERSION;
  bucketSeconds: number;
  updatedAt: string;
  /** Where it was learned from, e.g. `baseline files (3)` or `model runs/.model/baseline.json`. */
  source: string;
  /** Lines learned in total. */
  lines: number;
  /** Whole buckets the rates cover (decayed), empty ones inside the learned span included. */
  buckets: number;
  /** First and last timestamps learned: seasonality needs 2 days (hour of day) or 2 weeks (day of week). */
  span: { from: number; to: number } | null;
  /** All lines together: the source's own gaps, peaks and hours. */
  rhythm: Rhythm;
  /** Buckets learned per UTC hour of day and per weekday (decayed): the denominators of seasonality. */
  exposure: { hours: number[]; days: number[] };
  /** End (epoch ms, exclusive) of the latest bucket folded in: a re-run of a window is not learned twice. */
  coveredTo: number | null;
  templates: Record<string, TemplateRate>;
  /** Per stream (absent in models written before streams were learned). */
  streams?: Record<string, StreamRate>;
  errors: ErrorRateStats;
  sessions: SessionModelData | null;
  /** The miner's state, so template ids stay stable across runs. */
  miner: MinerState | null;
}

export function emptyModel(bucketSeconds: number, source: string): BaselineModel {
  return {
    schema: BASELINE_SCHEMA,
    version: BASELINE_VERSION,
    bucketSeconds,
    updatedAt: new Date(0).toISOString(),
    source,
    lines: 0,
    buckets: 0,
    span: null,
    rhythm: emptyRhythm(),
    exposure: { hours: new Array<number>(24).fill(0), days: new Array<number>(7).fill(0) },
    coveredTo: null,
    templates: {},
    streams: {},
    errors: { e: 0, t: 0, ee: 0, et: 0, tt: 0 },
    sessions: null,
    miner: null,
  };
}

/**
 * The count model of one template per bucket. A pseudo-count of half a line keeps templates seen
 * once or never in a short baseline from making every later line look like a 1000x spike; the
 * mean's own uncertainty (mean / buckets) widens the variance when the baseline is short.
 */
export function templateCountModel(model: BaselineModel, id: string): CountModel & { sd: number; observed: number } {
  return rateCountModel(model, model.templates[id]);
}

/** The count model of any rate (a template's, a stream's); none learned is a rate of zero. */
export function rateCountModel(model: BaselineModel, r: StreamRate | undefined): CountModel & { sd: number; observed: number } {
  const n = Math.max(1, model.buckets);
  const sum = r?.sum ?? 0;
  const mean = (sum + 0.5) / (n + 1);
  const rawVar = r ? Math.max(0, r.sumSq / n - (r.sum / n) ** 2) : 0;
  const variance = Math.max(rawVar, mean) + mean / n;
  // observed/sd are what explanations show: the plain mean and spread of the baseline.
  return { mean, variance, sd: Math.sqrt(Math.max(rawVar, 0)), observed: sum / n };
}

/**
 * The baseline's own rate of meeting new templates: templates seen exactly once per line learned
 * (the Good-Turing estimate of the chance that the next line is of a template not seen yet). A
 * baseline still meeting a new template every few dozen lines has not seen its source's
 * vocabulary; against it, "never seen in the baseline" says little.
 */
export function novelty(model: BaselineModel): number {
  if (model.lines <= 0) return 1;
  let once = 0;
  for (const r of Object.values(model.templates)) if (r.total === 1) once++;
  return once / model.lines;
}

/** A baseline far shorter than the input cannot know the templates that come daily or weekly. */
const SPAN_RATIO = 3;

/**
 * Whether "never seen in the baseline" means little for this run: the baseline still meets new
 * templates often (novelty >= 1%), or the input spans more than three times the baseline's time.
 */
export function stillLearning(model: BaselineModel, run: { from: number | null; to: number | null }): { learning: boolean; why: string } {
  const nu = novelty(model);
  if (nu >= 0.01) return { learning: true, why: `the baseline itself met a new template every ${Math.round(1 / nu)} lines` };
  const base = model.span ? model.span.to - model.span.from : null;
  const input = run.from !== null && run.to !== null ? run.to - run.from : null;
  if (base !== null && input !== null && input > SPAN_RATIO * Math.max(base, 1000)) {
    return { learning: true, why: `the input spans ${fmtSpan(input)}, the baseline only ${fmtSpan(base)}` };
  }
  return { learning: false, why: '' };
}

function fmtSpan(ms: number): string {
  const h = ms / 3_600_000;
  return h >= 48 ? `${Math.round(h / 24)} days` : h >= 1 ? `${Math.round(h)} hours` : `${Math.max(1, Math.round(ms / 60_000))} minutes`;
}

/** Share of buckets in which the template appeared at all. */
export function presence(model: BaselineModel, id: string): number {
  const r = model.templates[id];
  return r && model.buckets > 0 ? Math.min(1, r.present / model.buckets) : 0;
}

/** Baseline share of problem lines and the dispersion index of per-bucket problem counts (>= 1). */
export function errorShare(model: BaselineModel): { share: number; dispersion: number } {
  const s = model.errors;
  if (s.t <= 0) return { share: 0, dispersion: 1 };
  const p = (s.e + 0.5) / (s.t + 1);
  const resid = s.ee - 2 * p * s.et + p * p * s.tt;
  const dispersion = s.e > 0 ? Math.max(1, resid / Math.max(1e-9, p * s.t)) : 1;
  return { share: p, dispersion };
}

/** Re-express the rates of a model learned with another bucket size (counts add up over time). */
export function rebucket(model: BaselineModel, bucketSeconds: number): BaselineModel {
  if (model.bucketSeconds === bucketSeconds || model.buckets === 0) return { ...model, bucketSeconds };
  const f = bucketSeconds / model.bucketSeconds;
  const buckets = model.buckets / f;
  const templates: Record<string, TemplateRate> = {};
  const again = <R extends StreamRate>(r: R): R => {
    const mean = r.sum / model.buckets;
    const variance = Math.max(0, r.sumSq / model.buckets - mean * mean);
    const mean2 = mean * f;
    // Over-dispersion scales with the window; Poisson-like noise adds up linearly.
    const var2 = variance * f;
    return { ...r, sum: mean2 * buckets, sumSq: (var2 + mean2 * mean2) * buckets, present: Math.min(buckets, r.present / Math.max(1, f)), rhythm: rebucketRhythm(r.rhythm, f) };
  };
  for (const [id, r] of Object.entries(model.templates)) templates[id] = again(r);
  const streams: Record<string, StreamRate> = {};
  for (const [name, r] of Object.entries(model.streams ?? {})) streams[name] = again(r);
  const e = model.errors;
  return {
    ...model,
    streams,
    bucketSeconds,
    buckets,
    templates,
    errors: { e: e.e, t: e.t, ee: e.ee * f, et: e.et * f, tt: e.tt * f },
    rhythm: rebucketRhythm(model.rhythm, f),
    exposure: { hours: model.exposure.hours.map((x) => x / f), days: model.exposure.days.map((x) => x / f) },
  };
}

/** Peaks are per bucket: a larger bucket holds proportionally more (an estimate; gaps are unchanged). */
function rebucketRhythm(r: Rhythm, f: number): Rhythm {
  return { ...r, peaks: r.peaks.map(([v, at]) => [v * f, at]) };
}
