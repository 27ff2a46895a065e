/**
 * error_rate_surge: the share of error and warning lines per bucket against the baseline share
 * (or, with no baseline, the rest of the run). The expected problem count of a bucket is its line
 * count times the share; the spread is the baseline's own dispersion of problem counts, so a
 * service that always has bursty warnings does not page anyone for one more burst.
 */
import type { Anomaly, AnomalySample } from '../anomalies-schema.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { errorShare } from '../baseline/model.js';
import { log10UpperTail, round2, scoreFromLog10P } from './stats.js';
import { groupConsecutive, runBuckets } from './buckets.js';
import { fmtCount, fmtDuration, fmtPercent, severityFor } from './explain.js';
import { LOG10_ALPHA } from './frequency.js';
import { LevelClass, type DetectorInput } from './types.js';

interface Flag {
  readonly bucket: number;
  readonly n: number;
  readonly errors: number;
  readonly expected: number;
  readonly log10p: number;
}

export function detectErrorRate(input: DetectorInput): Anomaly[] {
  const { run, baseline, config } = input;
  const th = config.thresholds;
  let totalLines = 0;
  let totalErrors = 0;
  for (const t of run.totals.values()) {
    totalLines += t.n;
    totalErrors += t.errors;
  }
  const ref = baseline && baseline.errors.t > 0 ? errorShare(baseline) : null;
  const flags: Flag[] = [];
  for (const b of runBuckets(run)) {
    const t = run.totals.get(b);
    if (!t || t.errors < th.minCount) continue;
    // No baseline: leave this bucket out of the reference, or a surge would raise its own bar.
    const share = ref ? ref.share : (totalErrors - t.errors + 0.5) / (totalLines - t.n + 1);
    const dispersion = ref ? ref.dispersion : 1.5;
    const mean = Math.max(1e-6, t.n * share);
    if (t.errors < th.errorRateFactor * mean) continue;
    const p = log10UpperTail(t.errors, { mean, variance: mean * dispersion });
    if (p <= LOG10_ALPHA) flags.push({ bucket: b, n: t.n, errors: t.errors, expected: mean, log10p: p });
  }
  const refText = ref ? `baseline ${fmtPercent(ref.share)}` : 'the rest of this input';
  return groupConsecutive(flags, run.bucketMs).map((g) => {
    const n = g.reduce((s, f) => s + f.n, 0);
    const errors = g.reduce((s, f) => s + f.errors, 0);
    const expected = g.reduce((s, f) => s + f.expected, 0);
    const score = scoreFromLog10P(g.reduce((s, f) => s + f.log10p, 0));
    const first = g[0].bucket;
    const { id, template, samples, stream } = topErrorTemplate(input, new Set(g.map((f) => f.bucket)));
    const refShare = ref ? '' : ` (${fmtPercent(expected / n)})`;
    return {
      id: `${AnomalyKind.errorRateSurge}:${id}:${first}`,
      kind: AnomalyKind.errorRateSurge,
      severity: severityFor(score, LevelClass.error),
      score,
      template,
      templateId: id,
      count: errors,
      expected: round2(expected),
      firstSeen: first,
      lastSeen: g[g.length - 1].bucket + run.bucketMs - 1,
      ...(stream ? { stream } : {}),
      explanation:
        `errors and warnings were ${fmtCount(errors)} of ${fmtCount(n)} lines (${fmtPercent(errors / n)}) in ${fmtDuration((g.length * run.bucketMs) / 1000)}; ` +
        `${refText}${refShare}, about ${fmtCount(expected)} expected`,
      samples,
      bucket: first,
    } satisfies Anomaly;
  });
}

/** The template behind most of the problem lines in those buckets: what to show as evidence. */
function topErrorTemplate(input: DetectorInput, buckets: ReadonlySet<number>): { id: string; template: string; samples: AnomalySample[]; stream?: string } {
  let best: { id: string; template: string; samples: AnomalySample[]; stream?: string } = { id: '*', template: '(error and warning lines)', samples: [] };
  let bestErrors = 0;
  for (const acc of input.run.templates.values()) {
    if (acc.errors === 0) continue;
    let e = 0;
    const samples: AnomalySample[] = [];
    for (const b of buckets) {
      const cell = acc.buckets.get(b);
      if (!cell) continue;
      e += cell.errors;
      if (samples.length < 3) samples.push(...cell.samples.slice(0, 3 - samples.length));
    }
    if (e > bestErrors) {
      bestErrors = e;
      best = { id: acc.id, template: acc.template, samples, stream: acc.firstStream };
    }
  }
  return best;
}
