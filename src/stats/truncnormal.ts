import { standardNormalCdf, standardNormalPdf } from './normal.js';

/*
 * The normal distribution N(mean, sd²) truncated to [lo, hi] (absolute bounds): its CDF, mean and
 * variance, for tests of the truncated-normal initializers. Formulas: Johnson, Kotz & Balakrishnan,
 * Continuous Univariate Distributions vol. 1, §10.1 (α = (lo - mean)/sd, β = (hi - mean)/sd,
 * Z = Φ(β) - Φ(α)).
 */

/** Φ(β) - Φ(α): the probability mass the bounds keep. */
export function truncatedMass(lo: number, hi: number, mean = 0, sd = 1): number {
  return standardNormalCdf((hi - mean) / sd) - standardNormalCdf((lo - mean) / sd);
}

/** CDF of N(mean, sd²) truncated to [lo, hi]. */
export function truncatedNormalCdf(x: number, lo: number, hi: number, mean = 0, sd = 1): number {
  if (x <= lo) return 0;
  if (x >= hi) return 1;
  const a = standardNormalCdf((lo - mean) / sd);
  return (standardNormalCdf((x - mean) / sd) - a) / (standardNormalCdf((hi - mean) / sd) - a);
}

/** Mean and variance of N(mean, sd²) truncated to [lo, hi]. */
export function truncatedNormalMoments(lo: number, hi: number, mean = 0, sd = 1): { mean: number; variance: number } {
  const al = (lo - mean) / sd;
  const be = (hi - mean) / sd;
  const z = truncatedMass(lo, hi, mean, sd);
  const pa = Number.isFinite(al) ? standardNormalPdf(al) : 0;
  const pb = Number.isFinite(be) ? standardNormalPdf(be) : 0;
  const ta = Number.isFinite(al) ? al * pa : 0;
  const tb = Number.isFinite(be) ? be * pb : 0;
  const shift = (pa - pb) / z;
  return { mean: mean + sd * shift, variance: sd * sd * (1 + (ta - tb) / z - shift * shift) };
}
