import { describe, expect, it } from 'vitest';
import { lnGamma, log10LowerTail, log10UpperTail, round2, scoreFromLog10P } from '../../src/detector/detect/stats.js';
import { bumpSeverity, fmtCount, fmtDuration, fmtPer, fmtPercent, fmtTime, levelClassOf, levelClassOfText, levelName, severityFor } from '../../src/detector/detect/explain.js';
import { coverage, groupConsecutive, runBuckets } from '../../src/detector/detect/buckets.js';
import { createVariantResolver } from '../../src/detector/detect/variants.js';
import { emptyModel, type BaselineModel } from '../../src/detector/baseline/model.js';
import { LevelClass, type RunStats } from '../../src/detector/run-stats.js';

/**
 * The pieces every finding is built from: count tail probabilities, the words and numbers of an
 * explanation, the severity scale and the time grid. Expected values come from independent
 * formulas (direct sums of the probability mass), not from the code under test.
 */

/** ln(n!) by summing logs. */
function lnFact(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** Poisson and negative-binomial probability mass, summed term by term. */
function pmf(k: number, mean: number, variance: number): number {
  if (variance <= mean) return Math.exp(-mean + k * Math.log(mean) - lnFact(k));
  // NB with mean mu and variance v: r = mu^2 / (v - mu), p = r / (r + mu); pmf(k) = C(k+r-1, k) p^r (1-p)^k
  const r = (mean * mean) / (variance - mean);
  const p = r / (r + mean);
  let c = 1;
  for (let i = 0; i < k; i++) c *= (r + i) / (i + 1);
  return c * p ** r * (1 - p) ** k;
}
function upper(k: number, mean: number, variance: number): number {
  let s = 0;
  for (let j = k; j < k + 2000; j++) s += pmf(j, mean, variance);
  return Math.log10(s);
}
function lower(k: number, mean: number, variance: number): number {
  let s = 0;
  for (let j = 0; j <= k; j++) s += pmf(j, mean, variance);
  return Math.log10(s);
}

describe('count tails', () => {
  it('lnGamma matches factorials, half-integers and the reflection below 1/2', () => {
    for (const n of [1, 2, 3, 5, 10, 30]) expect(lnGamma(n)).toBeCloseTo(lnFact(n - 1), 10);
    // Γ(1/2) = √π, Γ(5/2) = 3√π/4, Γ(0.1) = 9.513507698668731...
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10);
    expect(lnGamma(2.5)).toBeCloseTo(Math.log((3 * Math.sqrt(Math.PI)) / 4), 10);
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668731), 10);
    expect(lnGamma(0.3)).toBeCloseTo(Math.log(2.991568987687591), 10);
    // near 0 (a negative binomial's r for a very bursty count): ln Γ(x) = -ln x - γx + O(x²), where the series alone is off by 5e-9
    expect(lnGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - 0.5772156649015329e-8, 12);
  });

  it('upper tails of Poisson counts equal the summed mass', () => {
    for (const [k, mean] of [[3, 1], [10, 2], [6, 5.5], [40, 10]] as const) {
      expect(log10UpperTail(k, { mean, variance: mean })).toBeCloseTo(upper(k, mean, mean), 8);
    }
  });

  it('upper tails of over-dispersed counts follow the negative binomial, which is wider than Poisson', () => {
    for (const [k, mean, variance] of [[8, 2, 6], [20, 5, 30], [3, 0.5, 2]] as const) {
      const nb = log10UpperTail(k, { mean, variance });
      expect(nb).toBeCloseTo(upper(k, mean, variance), 8);
      expect(nb).toBeGreaterThan(log10UpperTail(k, { mean, variance: mean }) + 0.5);
    }
  });

  it('a variance within 2% of the mean is treated as Poisson; 3% above it is not', () => {
    const poisson = log10UpperTail(12, { mean: 2, variance: 2 });
    expect(log10UpperTail(12, { mean: 2, variance: 2.04 })).toBe(poisson);
    expect(log10LowerTail(0, { mean: 20, variance: 20.3 })).toBe(log10LowerTail(0, { mean: 20, variance: 20 }));
    expect(log10UpperTail(12, { mean: 2, variance: 2.06 })).not.toBe(poisson);
    expect(log10UpperTail(12, { mean: 2, variance: 2.06 })).toBeCloseTo(upper(12, 2, 2.06), 8);
  });

  it('lower tails equal the summed mass, Poisson and negative binomial', () => {
    for (const [k, mean, variance] of [[0, 5, 5], [2, 10, 10], [3, 25, 25], [0, 8, 20], [4, 30, 90]] as const) {
      expect(log10LowerTail(k, { mean, variance })).toBeCloseTo(lower(k, mean, variance), 8);
    }
  });

  it('a count on the expected side of the mean has probability 1 (log 0)', () => {
    expect(log10UpperTail(0, { mean: 3, variance: 3 })).toBe(0);
    expect(log10UpperTail(3, { mean: 3, variance: 3 })).toBe(0);
    expect(log10UpperTail(2, { mean: 3, variance: 3 })).toBe(0);
    expect(log10LowerTail(3, { mean: 3, variance: 3 })).toBe(0);
    expect(log10LowerTail(5, { mean: 3, variance: 3 })).toBe(0);
    // just past the mean the tail is large but not certain
    expect(log10UpperTail(4, { mean: 3, variance: 3 })).toBeCloseTo(upper(4, 3, 3), 8);
    expect(log10UpperTail(4, { mean: 3, variance: 3 })).toBeLessThan(0);
  });

  it('a mean of zero is a tiny mean, not a division by zero', () => {
    const p = log10UpperTail(1, { mean: 0, variance: 0 });
    expect(p).toBeCloseTo(-9, 6);
    expect(log10UpperTail(2, { mean: 0, variance: 0 })).toBeLessThan(-17);
  });

  it('huge counts far past the mean stay finite (no underflow to -Infinity)', () => {
    const p = log10UpperTail(5000, { mean: 10, variance: 10 });
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeCloseTo((-10 + 5000 * Math.log(10) - lnFact(5000)) / Math.LN10, 2);
  });

  it('scores are decades of probability, halved, from 0 to 20, in hundredths', () => {
    expect(scoreFromLog10P(-6)).toBe(3);
    expect(scoreFromLog10P(-7.777)).toBe(3.89);
    expect(scoreFromLog10P(0.5)).toBe(0);
    expect(scoreFromLog10P(-100)).toBe(20);
    expect(round2(1.005)).toBe(1);
    expect(round2(2.675)).toBe(2.68);
    expect(round2(-1.234)).toBe(-1.23);
  });
});

describe('explanations: numbers, durations and times', () => {
  it('counts: integers with thousands separators, one decimal below 10, rounded above', () => {
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(fmtCount(2.345)).toBe('2.3');
    expect(fmtCount(0.04)).toBe('0');
    expect(fmtCount(9.5)).toBe('9.5');
    expect(fmtCount(10.4)).toBe('10');
    expect(fmtCount(12345.6)).toBe('12,346');
  });

  it('durations in the largest whole unit, singular for one', () => {
    expect(fmtDuration(3600)).toBe('1 hour');
    expect(fmtDuration(7200)).toBe('2 hours');
    expect(fmtDuration(300)).toBe('5 minutes');
    expect(fmtDuration(60)).toBe('1 minute');
    expect(fmtDuration(90)).toBe('90 seconds');
    expect(fmtDuration(1)).toBe('1 second');
    expect(fmtDuration(5400)).toBe('90 minutes');
  });

  it('rates: "per hour", not "per 1 hour"', () => {
    expect(fmtPer(3600)).toBe('per hour');
    expect(fmtPer(60)).toBe('per minute');
    expect(fmtPer(300)).toBe('per 5 minutes');
    expect(fmtPer(10)).toBe('per 10 seconds');
    expect(fmtPer(1)).toBe('per second');
  });

  it('times in UTC without milliseconds; no time is said so', () => {
    expect(fmtTime(Date.UTC(2026, 10, 26, 8, 5, 9, 123))).toBe('2026-11-26 08:05:09 UTC');
    expect(fmtTime(0)).toBe('1970-01-01 00:00:00 UTC');
    expect(fmtTime(null)).toBe('an unknown time');
  });

  it('percentages with two decimals below 1%, one below 10%, none above', () => {
    expect(fmtPercent(0.005)).toBe('0.50%');
    expect(fmtPercent(0.0123)).toBe('1.2%');
    expect(fmtPercent(0.01)).toBe('1.0%');
    expect(fmtPercent(0.1)).toBe('10%');
    expect(fmtPercent(0.0999)).toBe('10.0%');
    expect(fmtPercent(0.5)).toBe('50%');
  });
});

describe('severity', () => {
  it('score bands at 2, 4, 7 and 12', () => {
    const at = (s: number) => severityFor(s, LevelClass.normal);
    expect([1.99, 2, 3.99, 4, 6.99, 7, 11.99, 12, 25].map(at)).toEqual(['info', 'low', 'low', 'medium', 'medium', 'high', 'high', 'critical', 'critical']);
  });

  it('error-level templates one band up (critical stays critical); warnings are not bumped', () => {
    expect(severityFor(0, LevelClass.error)).toBe('low');
    expect(severityFor(4, LevelClass.error)).toBe('high');
    expect(severityFor(12, LevelClass.error)).toBe('critical');
    expect(severityFor(7, LevelClass.warn)).toBe('high');
    expect(severityFor(1, LevelClass.warn)).toBe('info');
  });

  it('bumping stays on the scale', () => {
    expect(bumpSeverity('high', -1)).toBe('medium');
    expect(bumpSeverity('low', 2)).toBe('high');
    expect(bumpSeverity('info', -1)).toBe('info');
    expect(bumpSeverity('critical', 1)).toBe('critical');
  });
});

describe('level classes', () => {
  it('level fields: error and warning words, whole word, any case', () => {
    for (const l of ['E', 'err', 'ERROR', 'Fatal', 'f', 'crit', 'CRITICAL', 'alert', 'emerg', 'emergency', 'SEVERE', 'panic']) expect(levelClassOf(l), l).toBe(LevelClass.error);
    for (const l of ['W', 'warn', 'WARNING']) expect(levelClassOf(l), l).toBe(LevelClass.warn);
    for (const l of ['INFO', 'debug', 'errors', 'xerror', 'warned', 'notice']) expect(levelClassOf(l), l).toBe(LevelClass.normal);
    expect(levelClassOf(undefined)).toBeNull();
    expect(levelClassOf('')).toBeNull();
  });

  it('level words inside a message, errors before warnings, on word boundaries', () => {
    expect(levelClassOfText('Connection failed after 3 tries')).toBe(LevelClass.error);
    expect(levelClassOfText('NullPointer Exception in handler')).toBe(LevelClass.error);
    expect(levelClassOfText('a WARNING and an ERROR')).toBe(LevelClass.error);
    expect(levelClassOfText('Warning: disk at 91%')).toBe(LevelClass.warn);
    expect(levelClassOfText('unfailed retries, no warnings, errorless')).toBe(LevelClass.normal);
    expect(levelClassOfText('error in lower case')).toBe(LevelClass.normal);
  });

  it('names', () => {
    expect([LevelClass.error, LevelClass.warn, LevelClass.normal].map(levelName)).toEqual(['ERROR', 'WARN', 'INFO']);
  });
});

function run(keys: number[], bucketMs: number, from: number | null, to: number | null): RunStats {
  return { lines: keys.length, bucketMs, from, to, templates: new Map(), totals: new Map(keys.map((k) => [k, { n: 1, errors: 0, first: k, last: k }])), streams: [], streamCells: new Map() };
}

describe('the time grid', () => {
  it('every bucket from the first to the last, empty ones included, whatever the order of the counts', () => {
    expect(runBuckets(run([300, 0, 1200], 300, 0, 1250))).toEqual([0, 300, 600, 900, 1200]);
    expect(runBuckets(run([600], 300, 600, 650))).toEqual([600]);
    // at real times (the span, not the timestamps, decides)
    const t0 = Date.UTC(2026, 10, 26);
    expect(runBuckets(run([t0 + 600_000, t0], 300_000, t0, t0 + 600_000))).toEqual([t0, t0 + 300_000, t0 + 600_000]);
    expect(runBuckets(run([], 300, null, null))).toEqual([]);
  });

  it('a span past 20,000 buckets (a bogus timestamp) walks only the buckets that have lines', () => {
    expect(runBuckets(run([20_000, 0], 1, 0, 20_000))).toHaveLength(20_001);
    expect(runBuckets(run([20_001, 5, 0], 1, 0, 20_001))).toEqual([0, 5, 20_001]);
  });

  it('coverage: partial first and last buckets, whole ones in between, none outside', () => {
    const r = run([0, 100, 200], 100, 25, 249);
    expect(coverage(r, 0)).toBe(0.75);
    expect(coverage(r, 100)).toBe(1);
    expect(coverage(r, 200)).toBe(0.5);
    expect(coverage(r, 300)).toBe(0);
    expect(coverage(r, -200)).toBe(0);
    expect(coverage(run([0], 100, null, null), 0)).toBe(1);
    expect(coverage(run([0], 100, 0, null), 0)).toBe(1);
    expect(coverage(run([0], 100, null, 10), 0)).toBe(1);
  });

  it('consecutive buckets group; a gap of one bucket starts a new group', () => {
    const b = (...xs: number[]) => xs.map((bucket) => ({ bucket }));
    expect(groupConsecutive(b(0, 5, 10, 20, 25, 35), 5).map((g) => g.map((x) => x.bucket))).toEqual([[0, 5, 10], [20, 25], [35]]);
    expect(groupConsecutive([], 5)).toEqual([]);
  });
});

describe('variants of known templates', () => {
  const model = (templates: Record<string, string>): BaselineModel => {
    const m = emptyModel(300, 'test');
    for (const [id, template] of Object.entries(templates)) m.templates[id] = { template } as BaselineModel['templates'][string];
    return m;
  };

  it('one differing position where either side is a variable is the known template', () => {
    const resolve = createVariantResolver(model({ t1: 'open txn=<*> for user <*>', t2: 'close session <*> now', t5: 'shut txn=<*> for user <*>' }));
    expect(resolve('open txn=fbfa<*> for user <*>')).toBe('t1');
    expect(resolve('shut txn=fbfa<*> for user <*>')).toBe('t5');
    expect(resolve('open txn=<*> for user bob')).toBe('t1');
    expect(resolve('close  session  <*>\tnow')).toBe('t2');
  });

  it('two differing positions, a differing constant, another length or under three tokens are not', () => {
    const resolve = createVariantResolver(model({ t1: 'open txn=<*> for user <*>', t3: 'ping <*>', t4: 'a b c' }));
    expect(resolve('open txn=x<*> for admin <*>')).toBeNull();
    expect(resolve('close txn=<*> for user <*>')).toBeNull();
    expect(resolve('open txn=<*> for user <*> now')).toBeNull();
    expect(resolve('ping <*>')).toBeNull();
    expect(resolve('pong <*>')).toBeNull();
    expect(resolve('a b <*>')).toBe('t4');
    expect(resolve('x b <*>')).toBeNull();
  });

  it('no baseline: nothing is a variant', () => {
    expect(createVariantResolver(null)('open txn=<*> for user <*>')).toBeNull();
  });
});
