/*
 * One-sample Kolmogorov–Smirnov test: the largest distance D between the empirical CDF of the data
 * and a continuous model CDF F, and the asymptotic p-value P(D_n >= D).
 *
 * The p-value is Kolmogorov's limit distribution Q_KS(λ) evaluated at Stephens' (1970) small-n
 * corrected λ = (√n + 0.12 + 0.11/√n) · D, as in Numerical Recipes' `ksone`/`probks` (Press et
 * al., 3rd ed., §14.3.3). Good for n >= ~35; for small n it is approximate.
 */

export interface KsResult {
  /** Number of data values. */
  readonly n: number;
  /** D = max(D+, D-). */
  readonly d: number;
  /** D+ = max_i (i/n - F(x_(i))): empirical CDF above the model. */
  readonly dPlus: number;
  /** D- = max_i (F(x_(i)) - (i-1)/n): model above the empirical CDF. */
  readonly dMinus: number;
  /** Asymptotic P(D_n >= d) under the model. */
  readonly pValue: number;
}

/** Data sorted ascending: the array itself when `sorted`, else a sorted Float64Array copy. */
function ascending(values: ArrayLike<number>, sorted: boolean): ArrayLike<number> {
  if (sorted) return values;
  const copy = Float64Array.from(values);
  copy.sort();
  return copy;
}

/**
 * D, D+ and D- of `values` against the continuous CDF `cdf`. Pass `sorted: true` when the values
 * are already ascending to skip the sorted copy. NaN in the data is an error.
 */
export function ksStatistic(
  values: ArrayLike<number>,
  cdf: (x: number) => number,
  sorted = false,
): { d: number; dPlus: number; dMinus: number } {
  const n = values.length;
  if (n === 0) throw new RangeError('the KS statistic needs at least one value');
  const xs = ascending(values, sorted);
  let dPlus = 0;
  let dMinus = 0;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!(x >= prev)) throw new RangeError(Number.isNaN(x) ? 'the data contain NaN' : 'values are not sorted ascending');
    prev = x;
    const f = cdf(x);
    const above = (i + 1) / n - f;
    const below = f - i / n;
    if (above > dPlus) dPlus = above;
    if (below > dMinus) dMinus = below;
  }
  return { d: Math.max(dPlus, dMinus), dPlus, dMinus };
}

/**
 * Q_KS(λ) = P(K > λ) for the Kolmogorov distribution K:
 * 2 Σ_{j>=1} (-1)^{j-1} exp(-2 j² λ²), which converges fast for λ >= 1; below that the Jacobi
 * theta form P(K <= λ) = (√(2π)/λ) Σ_{j>=1} exp(-(2j-1)² π² / (8 λ²)) converges fast instead.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    // Four terms reach double precision for λ < 1: the fifth is below exp(-81 π²/8) ≈ 1e-35.
    const y = (-Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let j = 1; j <= 4; j++) sum += Math.exp((2 * j - 1) * (2 * j - 1) * y);
    return 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum;
  }
  const y = -2 * lambda * lambda;
  let sum = 0;
  for (let j = 1; j <= 100; j++) {
    const term = Math.exp(j * j * y);
    sum += j % 2 === 1 ? term : -term;
    if (term <= 1e-17 * sum) break;
  }
  return Math.min(1, 2 * sum);
}

/** Asymptotic p-value of a KS statistic `d` from `n` values, with Stephens' small-n correction. */
export function ksPValue(d: number, n: number): number {
  if (!(n > 0)) throw new RangeError(`n must be > 0, got ${n}`);
  const sn = Math.sqrt(n);
  return kolmogorovSurvival((sn + 0.12 + 0.11 / sn) * d);
}

/** One-sample KS test of `values` against the continuous CDF `cdf`. */
export function ksTest(values: ArrayLike<number>, cdf: (x: number) => number, sorted = false): KsResult {
  const { d, dPlus, dMinus } = ksStatistic(values, cdf, sorted);
  return { n: values.length, d, dPlus, dMinus, pValue: ksPValue(d, values.length) };
}
