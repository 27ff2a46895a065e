/**
 * frequency_spike, frequency_drop and silence: each template's count per bucket against the
 * baseline's negative-binomial count model (stats.ts). A bucket is flagged only when it is both
 * far off in ratio (the config's spike/drop factor: "is it big?") and improbable (p < 1e-6: "is it
 * real?"): ratio alone fires on 3-vs-0.2, probability alone fires on 10,200-vs-10,000.
 * The baseline's rhythm (baseline/rhythm.ts) then has its say: expectations follow the hour of day
 * and weekday once the baseline spans two days or two weeks, a burst or a silence the baseline has
 * seen several times is not reported, and each finding quotes the largest burst or longest gap
 * the baseline saw.
 */
import type { Anomaly, AnomalySample } from '../anomalies-schema.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { templateCountModel, presence } from '../baseline/model.js';
import { log10LowerTail, log10UpperTail, round2, scoreFromLog10P, type CountModel } from './stats.js';
import { coverage, groupConsecutive, runBuckets } from './buckets.js';
import { bumpSeverity, fmtCount, fmtDuration, fmtPer, fmtPercent, fmtTime, severityFor } from './explain.js';
import { fmtGap, routine, seasonFactor, seasonality, seen } from '../baseline/rhythm.js';
import { LevelClass, type DetectorInput, type TemplateAcc } from './types.js';

/** Per-test false-alarm probability. Thousands of template-buckets are tested per run. */
export const LOG10_ALPHA = -6;
/**
 * Each bucket of a finding must itself be unusual (p < 1e-2), and the run of consecutive such
 * buckets together improbable (p < 1e-6): a sustained drop from 25 to 3 lines per bucket is
 * certain over 20 minutes though no single bucket proves it.
 */
const LOG10_CANDIDATE = -2;

/**
 * Traffic follows the day and grows over weeks; a baseline learned at night must not make every
 * template "spike" at noon. Expected counts scale with the bucket's other lines (this template's
 * own lines left out, so a spike cannot raise its own bar) relative to the baseline's, clipped to
 * [0.5, upper] so that a real outage or flood still shows; upper is 2 unless the source has shown
 * busier buckets (burstRoom).
 */
function volumeFactor(total: number, own: number, cov: number, baseTotal: number, ownMean: number, upper: number): number {
  const ref = cov * (baseTotal - ownMean);
  if (!(ref > 0) || total === 0) return total === 0 ? 0.5 : 1;
  return Math.min(upper, Math.max(0.5, (total - own) / ref));
}

/**
 * A bursty source (hundreds of lines in one bucket, then hours of nothing) has shown it can carry
 * that much traffic: up to its largest bucket, a template is judged by its share of the traffic,
 * not against the average bucket.
 */
function burstRoom(largestTotal: number | undefined, baseTotal: number): number {
  return largestTotal && baseTotal > 0 ? Math.max(2, largestTotal / baseTotal) : 2;
}

/** Fewer baseline buckets than this (an hour of 5-minute buckets) cannot show a steady clock. */
const MIN_CLOCK_BUCKETS = 12;

/** A spike is "seen" when the baseline had buckets at least this share of its size. */
const SEEN_SHARE = 0.8;

function significant(flags: readonly Flag[], B: number): Flag[][] {
  return groupConsecutive(flags, B).filter((g) => g.reduce((s, f) => s + f.log10p, 0) <= LOG10_ALPHA);
}

/** A template present in at least this share of baseline buckets "normally appears every bucket". */
const EVERY_BUCKET = 0.9;
/** Partial buckets below this coverage are not judged for drops or silence. */
const MIN_COVERAGE = 0.5;

interface Flag {
  readonly bucket: number;
  readonly n: number;
  readonly expected: number;
  readonly log10p: number;
  readonly samples: readonly AnomalySample[];
}

export function detectFrequency(input: DetectorInput): Anomaly[] {
  const { run, baseline, config } = input;
  if (!baseline || baseline.buckets < 1) return [];
  const th = config.thresholds;
  const B = run.bucketMs;
  const buckets = runBuckets(run);
  const out: Anomaly[] = [];
  // Lines per bucket in the baseline: expected counts follow the traffic of the hour (see volumeFactor).
  const baseTotal = baseline.errors.t / baseline.buckets;
  const season = seasonality(baseline.exposure, 3600 / th.bucketSeconds);
  const seasonal = season.hourly || season.weekly;
  const allAt = (b: number) => (seasonal ? seasonFactor(baseline.rhythm, baseline.exposure, b, season) : 1);
  const room = burstRoom(baseline.rhythm.peaks[0]?.[0], baseTotal);
  const ids = new Set<string>([...run.templates.keys()].filter((id) => id in baseline.templates));
  // Templates missing from the run entirely can still be silent (every-bucket ones) or dropped.
  for (const [id, r] of Object.entries(baseline.templates)) {
    if (presence(baseline, id) >= EVERY_BUCKET || r.sum / baseline.buckets >= th.minCount) ids.add(id);
  }

  for (const id of ids) {
    const acc = run.templates.get(id);
    const rate = baseline.templates[id];
    const cm = templateCountModel(baseline, id);
    const everyBucket = presence(baseline, id) >= EVERY_BUCKET;
    // Heartbeats and timers keep their pace whatever the traffic: far steadier than Poisson.
    // (An hour of buckets at least: one bucket has no spread at all.)
    const clockDriven = baseline.buckets >= MIN_CLOCK_BUCKETS && cm.observed >= 1 && cm.sd * cm.sd < 0.25 * cm.observed;
    // Buckets the template was active in, partial ones included (their peaks are kept).
    const active = Math.max(rate.present, rate.rhythm.peaks.length);
    // Only a template that has itself burst rides the traffic that far: a steady one next to a
    // bursty neighbour (another stream in the same run) keeps the 2x clip.
    const ownRoom = Math.min(room, Math.max(2, (rate.rhythm.peaks[0]?.[0] ?? 0) / Math.max(cm.observed, 1e-9)));
    const spikes: Flag[] = [];
    const drops: Flag[] = [];
    const silent: Flag[] = [];
    for (const b of buckets) {
      const cov = coverage(run, b);
      const cell = acc?.buckets.get(b);
      const n = cell?.n ?? 0;
      const own = seasonal ? seasonFactor(rate.rhythm, baseline.exposure, b, season) : 1;
      const f = cov * own * (clockDriven ? 1 : volumeFactor(run.totals.get(b)?.n ?? 0, n, cov, baseTotal * allAt(b), cm.observed * own, ownRoom));
      const m: CountModel = { mean: cm.mean * f, variance: cm.variance * f };
      if (n >= th.minCount && n >= th.spikeFactor * m.mean) {
        // Bursts this size are part of the source's rhythm.
        if (routine(seen(rate.rhythm.peaks, SEEN_SHARE * n), active)) continue;
        const p = log10UpperTail(n, m);
        // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a bucket with n > 0 lines has a cell
        if (p <= LOG10_CANDIDATE) spikes.push({ bucket: b, n, expected: m.mean, log10p: p, samples: cell!.samples });
        continue;
      }
      if (cov < MIN_COVERAGE || m.mean < th.minCount) continue;
      if (n === 0 && everyBucket) {
        silent.push({ bucket: b, n, expected: m.mean, log10p: log10LowerTail(0, m), samples: [] });
      } else if (n * th.dropFactor <= m.mean) {
        const p = log10LowerTail(n, m);
        if (p <= LOG10_CANDIDATE) drops.push({ bucket: b, n, expected: m.mean, log10p: p, samples: cell?.samples ?? [] });
      }
    }
    const template = acc?.template ?? rate.template;
    const level = acc?.level ?? LevelClass.normal;
    const base = `baseline ${fmtCount(cm.observed)} ± ${fmtCount(cm.sd)} ${fmtPer(th.bucketSeconds)}`;
    const atTraffic = (g: readonly Flag[]) => {
      const exp = g.reduce((s, f) => s + f.expected, 0);
      const plain = cm.observed * g.length;
      const at = seasonal ? (season.weekly ? 'this hour, weekday and traffic' : 'this hour and traffic') : 'this traffic';
      return Math.abs(exp - plain) > 0.15 * plain ? ` (${fmtCount(exp)} expected at ${at})` : '';
    };
    const largest = rate.rhythm.peaks[0];
    const most = largest ? `, at most ${fmtCount(Math.round(largest[0]))} in one bucket` : '';
    for (const g of significant(spikes, B)) out.push(finding(AnomalyKind.frequencySpike, g, id, template, level, acc, B, (c, span, peak) =>
      `appeared ${fmtCount(c)} times in ${span}${peak}; ${base}${most}${atTraffic(g)}`));
    for (const g of significant(drops, B)) out.push(finding(AnomalyKind.frequencyDrop, g, id, template, level, acc, B, (c, span) =>
      `appeared only ${fmtCount(c)} times in ${span}; ${base}${atTraffic(g)}`));
    for (const g of significant(silent, B)) {
      const quiet = silenceSeen(rate.rhythm.gaps, g, B, active);
      if (quiet.routine) continue;
      const a = finding(AnomalyKind.silence, g, id, template, level, acc, B, (_c, span) =>
        `did not appear for ${span} from ${fmtTime(g[0].bucket)}; ${quiet.text}; ${base}, present in ${fmtPercent(presence(baseline, id))} of baseline buckets`);
      // Seen once or twice: possible rhythm, so one band less sure.
      out.push(quiet.times > 0 ? { ...a, severity: bumpSeverity(a.severity, -1) } : a);
    }
  }
  return out;
}

/** How often the baseline saw this template quiet this long, and its longest gap, for the explanation. */
function silenceSeen(gaps: readonly [number, number][], g: readonly Flag[], B: number, active: number): { times: number; routine: boolean; text: string } {
  const times = seen(gaps, g.length * B);
  const text =
    gaps.length === 0
      ? 'the baseline shows no gap between its lines'
      : `the baseline's longest gap between its lines was ${fmtGap(gaps[0][0])}${times > 0 ? ` (${times} as long as this)` : ''}`;
  return { times, routine: routine(times, active), text };
}

function finding(
  kind: AnomalyKind,
  g: readonly Flag[],
  id: string,
  template: string,
  level: LevelClass,
  acc: TemplateAcc | undefined,
  B: number,
  explain: (count: number, span: string, peak: string) => string,
): Anomaly {
  const count = g.reduce((s, f) => s + f.n, 0);
  const expected = g.reduce((s, f) => s + f.expected, 0);
  const log10p = g.reduce((s, f) => s + f.log10p, 0);
  const score = scoreFromLog10P(log10p);
  const span = fmtDuration((g.length * B) / 1000);
  const peak = g.length > 1 ? ` (up to ${fmtCount(Math.max(...g.map((f) => f.n)))} ${fmtPer(B / 1000)})` : '';
  const samples = g.flatMap((f) => f.samples).slice(0, 3);
  const first = g[0].bucket;
  const last = g[g.length - 1].bucket + B - 1;
  return {
    id: `${kind}:${id}:${first}`,
    kind,
    severity: severityFor(score, kind === AnomalyKind.frequencyDrop ? LevelClass.normal : level),
    score,
    template,
    templateId: id,
    count,
    expected: round2(expected),
    firstSeen: samples[0]?.timestamp ?? first,
    // Bucket bounds: only the first lines of each bucket are kept, not the last.
    lastSeen: last,
    ...(acc ? { stream: acc.firstStream } : {}),
    explanation: explain(count, span, peak),
    samples,
    bucket: first,
  };
}
