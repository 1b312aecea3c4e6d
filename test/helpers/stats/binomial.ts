/*
 * Exact binomial probabilities and a two-sided test of an observed count: "is k successes in n
 * trials of probability p believable?". Exact tails matter when the expected count is small (5.7
 * draws beyond 5σ in 10^7), where a normal approximation is badly wrong.
 *
 * The probability mass uses C. Loader, "Fast and accurate computation of binomial probabilities"
 * (2000), the method of R's dbinom: Stirling's error term and the deviance term bd0 (`deviance` in
 * gamma.ts) avoid the cancellation in ln C(n, k) + k ln p + (n-k) ln q, so each term has ~1e-15
 * relative error even for n = 10^9. Tails sum the mass outward from k with the ratio recurrence,
 * and stop once terms no longer change the sum.
 */

import { deviance, stirlingCorrection } from './gamma.js';

/** ln(2π). */
const LN_2PI = 1.8378770664093453;

/**
 * Stirling's error ln n! - [(n + ½) ln n - n + ln √(2π)] for n = 0..15, computed with mpmath at
 * 40 digits (they agree with Loader's table). Index 0 is a placeholder: n = 0 is never asked for.
 */
const STIRLING_ERROR = [
  0, 0.08106146679532726, 0.0413406959554093, 0.02767792568499834, 0.020790672103765093, 0.016644691189821193,
  0.013876128823070748, 0.01189670994589177, 0.010411265261972096, 0.009255462182712733, 0.00833056343336287,
  0.007573675487951841, 0.00694284010720953, 0.006408994188004207, 0.0059513701127588475, 0.005554733551962801,
];

/** Stirling's error for integer n >= 1: the table, else the series. */
function stirlingError(n: number): number {
  return n <= 15 ? STIRLING_ERROR[n]! : stirlingCorrection(n);
}

function checkTrials(n: number, p: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`trials must be an integer >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`probability must be in [0, 1], got ${p}`);
}

/** P(X = k) for X ~ Binomial(n, p); 0 for k outside 0..n or not an integer. */
export function binomialPmf(k: number, n: number, p: number): number {
  checkTrials(n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) return 0;
  const q = 1 - p;
  if (p === 0) return k === 0 ? 1 : 0;
  if (q === 0) return k === n ? 1 : 0;
  if (k === 0) return Math.exp(n * Math.log1p(-p));
  if (k === n) return Math.exp(n * Math.log(p));
  const lc = stirlingError(n) - stirlingError(k) - stirlingError(n - k) - deviance(k, n * p) - deviance(n - k, n * q);
  const lf = LN_2PI + Math.log(k) + Math.log1p(-k / n);
  return Math.exp(lc - 0.5 * lf);
}

/** Σ of the mass from k away from the mean, towards 0 (`down`) or towards n. */
function sumAway(k: number, n: number, p: number, down: boolean): number {
  let term = binomialPmf(k, n, p);
  let sum = term;
  const odds = p / (1 - p);
  if (down) {
    for (let j = k; j > 0 && term > sum * 1e-17; j--) {
      term *= (j / (n - j + 1)) / odds;
      sum += term;
    }
  } else {
    for (let j = k; j < n && term > sum * 1e-17; j++) {
      term *= ((n - j) / (j + 1)) * odds;
      sum += term;
    }
  }
  return sum;
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  checkTrials(n, p);
  k = Math.floor(k);
  if (k < 0) return 0;
  if (k >= n) return 1;
  // Sum from k outwards on the short side; the long side is 1 minus the other tail.
  if (k <= n * p) return Math.min(1, sumAway(k, n, p, true));
  return Math.max(0, 1 - sumAway(k + 1, n, p, false));
}

/** P(X >= k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkTrials(n, p);
  k = Math.ceil(k);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (k >= n * p) return Math.min(1, sumAway(k, n, p, false));
  return Math.max(0, 1 - sumAway(k - 1, n, p, true));
}

export interface BinomialTestResult {
  /** The observed count k. */
  readonly observed: number;
  /** The expected count n · p. */
  readonly expected: number;
  /** P(X <= k). */
  readonly lowerTail: number;
  /** P(X >= k). */
  readonly upperTail: number;
  /** Two-sided p-value: min(1, 2 · min(P(X <= k), P(X >= k))), the doubled smaller tail. */
  readonly pValue: number;
}

/** Exact two-sided test of k successes in n trials of probability p. */
export function binomialTest(k: number, n: number, p: number): BinomialTestResult {
  checkTrials(n, p);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`observed count must be an integer in 0..${n}, got ${k}`);
  const lowerTail = binomialLowerTail(k, n, p);
  const upperTail = binomialUpperTail(k, n, p);
  return { observed: k, expected: n * p, lowerTail, upperTail, pValue: Math.min(1, 2 * Math.min(lowerTail, upperTail)) };
}

/** Whether k successes in n trials of probability p pass the two-sided test at level alpha (p-value > alpha). */
export function binomialConsistent(k: number, n: number, p: number, alpha: number): boolean {
  return binomialTest(k, n, p).pValue > alpha;
}

/**
 * The counts consistent with Binomial(n, p) at two-sided level alpha: every k in [min, max] has
 * p-value > alpha, every k outside has p-value <= alpha. For messages like "expected 5.7, accepted
 * 0..19, got 31".
 */
export function binomialAcceptance(n: number, p: number, alpha: number): { min: number; max: number } {
  checkTrials(n, p);
  if (!(alpha > 0 && alpha <= 0.5)) throw new RangeError(`alpha must be in (0, 0.5], got ${alpha}`);
  const pv = (k: number): number => Math.min(1, 2 * Math.min(binomialLowerTail(k, n, p), binomialUpperTail(k, n, p)));
  // The p-value rises up to the median (floor or ceil of np) and falls after it.
  const mid = Math.min(n, Math.max(0, Math.round(n * p)));
  let lo = 0;
  let hi = mid;
  while (lo < hi) {
    const m = Math.floor((lo + hi) / 2);
    if (pv(m) > alpha) hi = m;
    else lo = m + 1;
  }
  const min = lo;
  lo = mid;
  hi = n;
  while (lo < hi) {
    const m = Math.ceil((lo + hi) / 2);
    if (pv(m) > alpha) lo = m;
    else hi = m - 1;
  }
  return { min, max: lo };
}
