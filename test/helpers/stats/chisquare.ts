/*
 * Pearson's chi-square goodness of fit: the statistic Σ (O - E)² / E over bins, and its upper-tail
 * p-value P(χ²_k >= x) = Q(k/2, x/2), the regularized upper incomplete gamma function.
 */

import { regularizedGammaQ } from './gamma.js';

/** Pearson's statistic Σ (observed - expected)² / expected. Every expected count must be > 0. */
export function chiSquareStatistic(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (observed.length !== expected.length) {
    throw new RangeError(`observed has ${observed.length} bins but expected has ${expected.length}`);
  }
  let stat = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = expected[i]!;
    if (!(e > 0)) throw new RangeError(`expected count of bin ${i} must be > 0, got ${e}`);
    const d = observed[i]! - e;
    stat += (d * d) / e;
  }
  return stat;
}

/** P(χ² with `df` degrees of freedom >= statistic): the test's p-value. `df` > 0. */
export function chiSquarePValue(statistic: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${df}`);
  if (Number.isNaN(statistic)) return NaN;
  if (statistic <= 0) return 1;
  return regularizedGammaQ(df / 2, statistic / 2);
}

export interface ChiSquareResult {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Chi-square test of observed counts against expected counts. Degrees of freedom default to
 * bins - 1 (expected counts scaled to the observed total); pass `df` when parameters were fitted
 * or when the total was not fixed.
 */
export function chiSquareTest(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
  df: number = observed.length - 1,
): ChiSquareResult {
  const statistic = chiSquareStatistic(observed, expected);
  return { statistic, df, pValue: chiSquarePValue(statistic, df) };
}
