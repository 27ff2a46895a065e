/**
 * stream_silence: a stream that the baseline hears from in (nearly) every bucket sends nothing for
 * longer than it ever did, judged against that stream's own history (its per-bucket rate and its
 * longest gaps) rather than the source's as a whole. Template silence misses this when the
 * stream's templates are shared with other streams (three hosts running one service), or when no
 * single template of the stream is steady although the stream is.
 *
 * Stream names are not always stable (a log stream per task or pod), so this stays quiet when it
 * cannot tell "stopped" from "renamed": a stream missing from the whole window is only reported
 * when no stream unknown to the baseline appeared instead, and nothing is reported when the run
 * and the baseline share no stream name at all (files named differently, say).
 */
import type { Anomaly } from '../anomalies-schema.js';
import { AnomalyKind } from '../../config/detection-types.js';
import { rateCountModel, type StreamRate } from '../baseline/model.js';
import { fmtGap, routine, seasonFactor, seasonality, seen } from '../baseline/rhythm.js';
import { coverage, groupConsecutive, runBuckets } from './buckets.js';
import { bumpSeverity, fmtCount, fmtDuration, fmtPer, fmtPercent, fmtTime, severityFor } from './explain.js';
import { log10LowerTail, round2, scoreFromLog10P } from './stats.js';
import { LevelClass, type DetectorInput } from './types.js';

/**
 * A stream heard from in at least this share of baseline buckets is steady enough to judge. Lower
 * than template silence's 0.9: a stream's own outages are judged by its rhythm (routine gaps are
 * not reported), so this only keeps out streams that come and go.
 */
const STEADY = 0.8;
/** Fewer baseline buckets (an hour of 5-minute buckets) cannot show that a stream is steady. */
const MIN_BUCKETS = 12;
/** Partial buckets below this coverage are not judged. */
const MIN_COVERAGE = 0.5;
/** Each silent bucket must itself be unusual, and the silence as a whole improbable (as frequency.ts). */
const LOG10_CANDIDATE = -2;
const LOG10_ALPHA = -6;

interface Flag {
  readonly bucket: number;
  readonly expected: number;
  readonly log10p: number;
}

export function detectStreamSilence(input: DetectorInput): Anomaly[] {
  const { run, baseline, config } = input;
  const known = baseline?.streams;
  if (!baseline || !known || baseline.buckets < MIN_BUCKETS || !run.streamCells || run.lines === 0) return [];
  if (!run.streams.some((s) => s in known)) return [];
  const renamed = run.streams.some((s) => !(s in known));
  const th = config.thresholds;
  const B = run.bucketMs;
  const buckets = runBuckets(run);
  const season = seasonality(baseline.exposure, 3600 / th.bucketSeconds);
  const seasonal = season.hourly || season.weekly;
  const out: Anomaly[] = [];
  for (const [name, rate] of Object.entries(known)) {
    if (rate.present / baseline.buckets < STEADY) continue;
    const cells = run.streamCells.get(name);
    if (!cells && renamed) continue;
    const cm = rateCountModel(baseline, rate);
    if (cm.observed < th.minCount) continue;
    const flags: Flag[] = [];
    for (const b of buckets) {
      if ((cells?.get(b)?.n ?? 0) > 0) continue;
      const cov = coverage(run, b);
      if (cov < MIN_COVERAGE) continue;
      const f = cov * (seasonal ? seasonFactor(rate.rhythm, baseline.exposure, b, season) : 1);
      const m = { mean: cm.mean * f, variance: cm.variance * f };
      if (m.mean < th.minCount) continue;
      const p = log10LowerTail(0, m);
      if (p <= LOG10_CANDIDATE) flags.push({ bucket: b, expected: m.mean, log10p: p });
    }
    for (const g of groupConsecutive(flags, B)) {
      const log10p = g.reduce((s, f) => s + f.log10p, 0);
      if (log10p > LOG10_ALPHA) continue;
      const times = seen(rate.rhythm.gaps, g.length * B);
      // A silence this long is part of the stream's rhythm.
      if (routine(times, Math.max(rate.present, rate.rhythm.peaks.length))) continue;
      out.push(finding(name, rate, g, log10p, times, cm, baseline.buckets, B, th.bucketSeconds, cells));
    }
  }
  return out;
}

function finding(
  name: string,
  rate: StreamRate,
  g: readonly Flag[],
  log10p: number,
  times: number,
  cm: { observed: number; sd: number },
  baseBuckets: number,
  B: number,
  bucketSeconds: number,
  cells: ReadonlyMap<number, { last: number }> | undefined,
): Anomaly {
  const first = g[0].bucket;
  const score = scoreFromLog10P(log10p);
  // The stream's last line before the silence: when it really stopped.
  let before: number | null = null;
  for (const [b, c] of cells ?? []) if (b < first && (before === null || c.last > before)) before = c.last;
  const longest = rate.rhythm.gaps[0];
  const gapText = longest
    ? `the baseline's longest gap in this stream was ${fmtGap(longest[0])}${times > 0 ? ` (${times} as long as this)` : ''}`
    : 'the baseline shows no gap in this stream';
  const lastText = before !== null ? `its last line was at ${fmtTime(before)}` : cells ? 'it sent nothing before either' : 'it sent no line in the whole window';
  return {
    id: `${AnomalyKind.streamSilence}:stream:${name}:${first}`,
    kind: AnomalyKind.streamSilence,
    // Seen once or twice before: one band less sure, as template silence.
    severity: times > 0 ? bumpSeverity(severityFor(score, LevelClass.warn), -1) : severityFor(score, LevelClass.warn),
    score,
    template: '(no lines from this stream)',
    templateId: `stream:${name}`,
    count: 0,
    expected: round2(g.reduce((s, f) => s + f.expected, 0)),
    firstSeen: first,
    lastSeen: g[g.length - 1].bucket + B - 1,
    stream: name,
    explanation: `the stream sent no line for ${fmtDuration((g.length * B) / 1000)} from ${fmtTime(first)} (${lastText}); ${gapText}; baseline ${fmtCount(cm.observed)} ± ${fmtCount(cm.sd)} lines ${fmtPer(bucketSeconds)}, present in ${fmtPercent(rate.present / baseBuckets)} of baseline buckets`,
    samples: [],
    bucket: first,
  };
}
