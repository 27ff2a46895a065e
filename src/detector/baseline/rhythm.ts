/**
 * A source's rhythm as the baseline saw it: the longest gaps between lines, the largest counts in
 * one bucket, and lines per hour of day and day of week. Bursty sources (a package manager: quiet
 * for hours, then hundreds of lines) break the count model's "steady rate" assumption; these
 * figures let a detector say "the baseline has seen this several times" and quote what it saw.
 * Only the few largest gaps and peaks are kept (with when they happened, so they age out with the
 * model's horizon): "seen several times" needs the third largest, explanations need the first.
 */
import type { RunStats } from '../run-stats.js';

/** Gaps and peaks kept per template and for all lines. */
export const KEEP = 6;
/** A burst or gap the baseline has seen this many times is not an anomaly. */
export const SEVERAL = 3;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** [value, epoch ms when it happened], largest value first. */
export type Extremes = Array<[number, number]>;

export interface Rhythm {
  /** Longest silences between two lines (ms). */
  gaps: Extremes;
  /** Largest line counts in one whole bucket. */
  peaks: Extremes;
  /** Lines per UTC hour of day (24) and day of week (7, Sunday first); decayed with the rates. */
  hours: number[];
  days: number[];
}

export function emptyRhythm(): Rhythm {
  return { gaps: [], peaks: [], hours: new Array<number>(24).fill(0), days: new Array<number>(7).fill(0) };
}

export function hourOf(ms: number): number {
  return Math.floor((((ms % DAY) + DAY) % DAY) / HOUR);
}
export function dayOf(ms: number): number {
  return (Math.floor(ms / DAY) + 4 + 7 * 1e6) % 7; // 1970-01-01 was a Thursday
}

/**
 * Seen "several times": SEVERAL times, or, in a short baseline with few active buckets, in at
 * least a tenth of them (one burst in a baseline of three bursts is the source's rhythm too).
 */
export function routine(times: number, active: number): boolean {
  return times >= SEVERAL || (times >= 1 && times >= 0.1 * active);
}

/**
 * Keep the KEEP largest values, largest first. One entry per `at`: a run's partial last bucket is
 * the next run's first bucket, and must not count as two bursts.
 */
export function remember(list: Extremes, value: number, at: number): void {
  const same = list.findIndex(([, t]) => t === at);
  if (same >= 0) {
    if (list[same][0] >= value) return;
    list.splice(same, 1);
  }
  if (list.length >= KEEP && value <= list[list.length - 1][0]) return;
  let i = list.length;
  while (i > 0 && list[i - 1][0] < value) i--;
  list.splice(i, 0, [value, at]);
  if (list.length > KEEP) list.length = KEEP;
}

/** Drop extremes older than the model's horizon. */
export function forget(list: Extremes, before: number): Extremes {
  return list.filter(([, at]) => at >= before);
}

/** How many of the kept extremes are at least `value`. */
export function seen(list: readonly (readonly [number, number])[], value: number): number {
  let n = 0;
  for (const [v] of list) if (v >= value) n++;
  return n;
}

/** One bucket's lines: how many, and the first and last timestamps. */
interface Cell {
  readonly n: number;
  readonly first: number;
  readonly last: number;
}

/**
 * Fold the gaps, peaks and hour/day counts of a run's cells (any order) into r. Gaps and peaks
 * come from every cell not learned before (`fresh`), partial first and last buckets included: a
 * burst that starts mid-bucket is still a burst of at least that size, and a bursty source starts
 * mid-bucket by nature. Hour/day counts come only from `whole` buckets, which is what the
 * exposure counts. `prevLast` is the last line of the previous run, so a silence across two runs
 * is one gap.
 */
export function foldRhythm(
  r: Rhythm,
  cells: ReadonlyArray<[number, Cell]>,
  fresh: (b: number) => boolean,
  whole: ReadonlySet<number>,
  exclude: (b: number) => boolean,
  prevLast: number | null,
): void {
  const sorted = [...cells].sort((a, b) => a[0] - b[0]);
  let last = prevLast;
  for (const [b, c] of sorted) {
    if (fresh(b) && !exclude(b)) {
      if (last !== null && c.first - last > 0) remember(r.gaps, c.first - last, c.first);
      remember(r.peaks, c.n, b);
      if (whole.has(b)) {
        r.hours[hourOf(b)] += c.n;
        r.days[dayOf(b)] += c.n;
      }
    }
    if (last === null || c.last > last) last = c.last;
  }
}

/** The cells of every template, and of all lines, as foldRhythm reads them. */
export function templateCells(run: RunStats, id: string): Array<[number, Cell]> {
  const acc = run.templates.get(id);
  if (!acc) return [];
  const out: Array<[number, Cell]> = [];
  for (const [b, c] of acc.buckets) out.push([b, { n: c.n, first: c.samples[0]?.timestamp ?? b, last: c.last }]);
  return out;
}

export function streamCellsOf(cells: ReadonlyMap<number, Cell>): Array<[number, Cell]> {
  return [...cells];
}

export function totalCells(run: RunStats): Array<[number, Cell]> {
  const out: Array<[number, Cell]> = [];
  for (const [b, t] of run.totals) out.push([b, { n: t.n, first: t.first, last: t.last }]);
  return out;
}

/**
 * Enough history to trust hour-of-day (2 days) and day-of-week (2 weeks) shapes: a long span is
 * not enough (a sparse log sampled over months has seen each hour only a few times); every hour,
 * or every weekday, must have been watched that long.
 */
export function seasonality(exposure: { hours: readonly number[]; days: readonly number[] }, bucketsPerHour: number): { hourly: boolean; weekly: boolean } {
  return {
    hourly: exposure.hours.every((x) => x >= 2 * bucketsPerHour),
    weekly: exposure.days.every((x) => x >= 2 * 24 * bucketsPerHour),
  };
}

/** Lines the season shape is shrunk with (spread like the exposure): a few stray lines set no shape. */
const PSEUDO_LINES = 50;

/**
 * How busy bucket b's hour (and weekday) is for these counts, relative to the average: 1 = as
 * usual. The template's share of lines in that hour over the hour's share of watched time, shrunk
 * towards 1 by PSEUDO_LINES and clipped to [0.1, 10]: a quiet night lowers the bar tenfold at most.
 */
export function seasonFactor(
  r: Pick<Rhythm, 'hours' | 'days'>,
  exposure: { hours: readonly number[]; days: readonly number[] },
  b: number,
  which: { hourly: boolean; weekly: boolean },
): number {
  let f = 1;
  const one = (counts: readonly number[], expo: readonly number[], i: number) => {
    const total = counts.reduce((s, x) => s + x, 0);
    const watched = expo.reduce((s, x) => s + x, 0);
    if (total <= 0 || watched <= 0 || expo[i] <= 0) return 1;
    const share = expo[i] / watched;
    return (counts[i] + PSEUDO_LINES * share) / (total + PSEUDO_LINES) / share;
  };
  if (which.hourly) f *= one(r.hours, exposure.hours, hourOf(b));
  if (which.weekly) f *= one(r.days, exposure.days, dayOf(b));
  return Math.min(10, Math.max(0.1, f));
}

/** `3 hours 10 minutes`, `47 minutes`, `2 days 4 hours`, `40 seconds`. */
export function fmtGap(ms: number): string {
  const s = Math.round(ms / 1000);
  const unit = (n: number, u: string) => `${n} ${u}${n === 1 ? '' : 's'}`;
  if (s < 60) return unit(s, 'second');
  const m = Math.round(s / 60);
  if (m < 60) return unit(m, 'minute');
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? unit(h, 'hour') : `${unit(h, 'hour')} ${unit(m % 60, 'minute')}`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? unit(d, 'day') : `${unit(d, 'day')} ${unit(h % 24, 'hour')}`;
}
