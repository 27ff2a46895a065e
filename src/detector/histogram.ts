/** The run's volume per bucket for sparklines, with the buckets that hold findings marked. */
import type { AnomaliesDoc, Anomaly } from './anomalies-schema.js';
import type { RunStats } from './run-stats.js';
import { runBuckets } from './detect/buckets.js';

/** Longer runs are drawn with coarser buckets so the histogram stays small. */
const MAX_POINTS = 2000;

export function buildHistogram(run: RunStats, anomalies: readonly Anomaly[]): AnomaliesDoc['histogram'] {
  const buckets = runBuckets(run);
  const bucketSeconds = run.bucketMs / 1000;
  if (buckets.length === 0) return { start: null, bucketSeconds, counts: [], anomalous: [] };
  const start = buckets[0];
  const span = buckets[buckets.length - 1] - start + run.bucketMs;
  const factor = Math.max(1, Math.ceil(span / run.bucketMs / MAX_POINTS));
  const width = run.bucketMs * factor;
  const size = Math.ceil(span / width);
  const counts = new Array<number>(size).fill(0);
  const anomalous = new Array<boolean>(size).fill(false);
  for (const [b, t] of run.totals) counts[Math.floor((b - start) / width)] += t.n;
  for (const a of anomalies) {
    const lo = a.bucket ?? a.firstSeen;
    // Template and session findings mark where they started, not their whole lifetime.
    const hi = a.bucket !== undefined ? (a.lastSeen ?? a.bucket) : a.firstSeen;
    if (lo === null || hi === null || lo === undefined) continue;
    const i0 = Math.max(0, Math.floor((lo - start) / width));
    const i1 = Math.min(size - 1, Math.floor((hi - start) / width));
    for (let i = i0; i <= i1; i++) anomalous[i] = true;
  }
  return { start, bucketSeconds: width / 1000, counts, anomalous };
}
