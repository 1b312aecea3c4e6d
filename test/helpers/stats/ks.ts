/*
 * One-sample Kolmogorov–Smirnov test on raw data (tests only; the product needs only the p-value,
 * src/stats/ks.ts): the largest distance D between the empirical CDF and a continuous model CDF.
 */
import { ksPValue } from '../../../src/stats/ks.js';

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

/** One-sample KS test of `values` against the continuous CDF `cdf`. */
export function ksTest(values: ArrayLike<number>, cdf: (x: number) => number, sorted = false): KsResult {
  const { d, dPlus, dMinus } = ksStatistic(values, cdf, sorted);
  return { n: values.length, d, dPlus, dMinus, pValue: ksPValue(d, values.length) };
}
