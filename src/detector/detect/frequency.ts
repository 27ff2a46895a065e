/**
 * frequency_spike, frequency_drop and silence: each template's count per bucket against the
 * baseline's negative-binomial count model (stats.ts). A bucket is flagged only when it is both
 * far off in ratio (the config's spike/drop factor: "is it big?") and improbable (p < 1e-6: "is it
 * real?"): ratio alone fires on 3-vs-0.2, probability alone fires on 10,200-vs-10,000.
 */
import type { Anomaly, AnomalySample } from '../anomalies-schema.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { templateCountModel, presence } from '../baseline/model.js';
import { log10LowerTail, log10UpperTail, round2, scoreFromLog10P, type CountModel } from './stats.js';
import { coverage, groupConsecutive, runBuckets } from './buckets.js';
import { fmtCount, fmtDuration, fmtPer, fmtPercent, fmtTime, severityFor } from './explain.js';
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
 * [0.5, 2] so that a real outage or flood still shows.
 */
function volumeFactor(total: number, own: number, cov: number, baseTotal: number, ownMean: number): number {
  const ref = cov * (baseTotal - ownMean);
  if (!(ref > 0) || total === 0) return total === 0 ? 0.5 : 1;
  return Math.min(2, Math.max(0.5, (total - own) / ref));
}

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
  const ids = new Set<string>([...run.templates.keys()].filter((id) => id in baseline.templates));
  // Templates missing from the run entirely can still be silent (every-bucket ones) or dropped.
  for (const [id, r] of Object.entries(baseline.templates)) {
    if (presence(baseline, id) >= EVERY_BUCKET || r.sum / baseline.buckets >= th.minCount) ids.add(id);
  }

  for (const id of ids) {
    const acc = run.templates.get(id);
    const rate = baseline.templates[id]!;
    const cm = templateCountModel(baseline, id);
    const everyBucket = presence(baseline, id) >= EVERY_BUCKET;
    // Heartbeats and timers keep their pace whatever the traffic: far steadier than Poisson.
    const clockDriven = cm.observed >= 1 && cm.sd * cm.sd < 0.25 * cm.observed;
    const spikes: Flag[] = [];
    const drops: Flag[] = [];
    const silent: Flag[] = [];
    for (const b of buckets) {
      const cov = coverage(run, b);
      const cell = acc?.buckets.get(b);
      const n = cell?.n ?? 0;
      const f = cov * (clockDriven ? 1 : volumeFactor(run.totals.get(b)?.n ?? 0, n, cov, baseTotal, cm.observed));
      const m: CountModel = { mean: cm.mean * f, variance: cm.variance * f };
      if (n >= th.minCount && n >= th.spikeFactor * m.mean) {
        const p = log10UpperTail(n, m);
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
      return Math.abs(exp - plain) > 0.15 * plain ? ` (${fmtCount(exp)} expected at this traffic)` : '';
    };
    for (const g of significant(spikes, B)) out.push(finding(AnomalyKind.frequencySpike, g, id, template, level, acc, B, (c, span, peak) =>
      `appeared ${fmtCount(c)} times in ${span}${peak}; ${base}${atTraffic(g)}`));
    for (const g of significant(drops, B)) out.push(finding(AnomalyKind.frequencyDrop, g, id, template, level, acc, B, (c, span) =>
      `appeared only ${fmtCount(c)} times in ${span}; ${base}${atTraffic(g)}`));
    for (const g of significant(silent, B)) {
      out.push(finding(AnomalyKind.silence, g, id, template, level, acc, B, (_c, span) =>
        `did not appear for ${span} from ${fmtTime(g[0]!.bucket)}; ${base}, present in ${fmtPercent(presence(baseline, id))} of baseline buckets`));
    }
  }
  return out;
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
  const first = g[0]!.bucket;
  const last = g[g.length - 1]!.bucket + B - 1;
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
