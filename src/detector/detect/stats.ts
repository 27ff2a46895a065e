/**
 * Tail probabilities for counts. Why a negative binomial and not a z-score: per-template counts
 * per bucket are small integers (often 0..5) and over-dispersed (traffic breathes over the day),
 * so a Gaussian z both fires on 3-vs-0 and misses nothing useful. The negative binomial with the
 * baseline's mean and variance is the Poisson when the variance equals the mean and widens as the
 * baseline gets noisier; its tails are exact for integers, which is the continuity correction.
 * All results are log10 probabilities so that 1e-40 does not underflow.
 */

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Mean and variance of a count; variance <= mean means Poisson. */
export interface CountModel {
  readonly mean: number;
  readonly variance: number;
}

/** Variance ratios this close to 1 are treated as Poisson (the NB's r would blow up). */
const POISSON_EPS = 1.02;

function lnPmf(k: number, m: CountModel): number {
  const mu = Math.max(m.mean, 1e-9);
  if (m.variance <= mu * POISSON_EPS) return -mu + k * Math.log(mu) - lnGamma(k + 1);
  const r = (mu * mu) / (m.variance - mu);
  const p = r / (r + mu);
  return lnGamma(k + r) - lnGamma(r) - lnGamma(k + 1) + r * Math.log(p) + k * Math.log(1 - p);
}

/** pmf(k+1)/pmf(k). */
function ratioUp(k: number, m: CountModel): number {
  const mu = Math.max(m.mean, 1e-9);
  if (m.variance <= mu * POISSON_EPS) return mu / (k + 1);
  const r = (mu * mu) / (m.variance - mu);
  return ((k + r) / (k + 1)) * (mu / (r + mu));
}

const LN10 = Math.log(10);

/** log10 P(X >= k). */
export function log10UpperTail(k: number, m: CountModel): number {
  if (k <= 0) return 0;
  if (k <= m.mean) return 0;
  // Terms decrease from k upwards once k is past the mode; sum relative to pmf(k).
  let rel = 1;
  let term = 1;
  for (let j = k; j < k + 100_000; j++) {
    term *= ratioUp(j, m);
    rel += term;
    if (term < rel * 1e-12) break;
  }
  return Math.min(0, (lnPmf(k, m) + Math.log(rel)) / LN10);
}

/** log10 P(X <= k). */
export function log10LowerTail(k: number, m: CountModel): number {
  if (k >= m.mean) return 0;
  let rel = 1;
  let term = 1;
  for (let j = k; j > 0; j--) {
    term /= ratioUp(j - 1, m);
    rel += term;
    if (term < rel * 1e-12) break;
  }
  return Math.min(0, (lnPmf(k, m) + Math.log(rel)) / LN10);
}

/** Roughly 0..10+: significance in decades of probability, halved so 1e-6 scores 3. */
export function scoreFromLog10P(log10p: number): number {
  return round2(Math.min(20, Math.max(0, -log10p / 2)));
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
