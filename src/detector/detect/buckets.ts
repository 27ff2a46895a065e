/** The time grid of a run: which buckets exist and how much of each the input covers. */
import type { RunStats } from './types.js';

/** Beyond this many buckets (a bogus timestamp years away), empty buckets are not walked. */
const MAX_SPAN = 20_000;

/** Every bucket from the first to the last, empty ones included (a total outage is a finding). */
export function runBuckets(run: RunStats): number[] {
  if (run.totals.size === 0) return [];
  const keys = [...run.totals.keys()].sort((a, b) => a - b);
  const first = keys[0];
  const last = keys[keys.length - 1];
  if ((last - first) / run.bucketMs > MAX_SPAN) return keys;
  const out: number[] = [];
  for (let b = first; b <= last; b += run.bucketMs) out.push(b);
  return out;
}

/** Share (0..1] of bucket b inside [from, to]: the first and last buckets are usually partial. */
export function coverage(run: RunStats, b: number): number {
  if (run.from === null || run.to === null) return 1;
  const covered = Math.min(b + run.bucketMs, run.to + 1) - Math.max(b, run.from);
  return Math.max(0, Math.min(1, covered / run.bucketMs));
}

/** Consecutive runs of flagged buckets become one finding. */
export function groupConsecutive<T extends { bucket: number }>(items: readonly T[], bucketMs: number): T[][] {
  const groups: T[][] = [];
  for (const it of items) {
    const g = groups[groups.length - 1];
    if (g && it.bucket - g[g.length - 1].bucket === bucketMs) g.push(it);
    else groups.push([it]);
  }
  return groups;
}
