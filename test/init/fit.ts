import { expect } from 'vitest';
import { initializerValues } from '../../src/init/fill.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import { ksTest } from '../helpers/stats/ks.js';
import { Moments } from '../../src/stats/moments.js';
import { normalCdf, standardNormalPdf } from '../../src/stats/normal.js';
import { truncatedNormalCdf } from '../../src/stats/truncnormal.js';

/*
 * Fit checks with tolerances derived from n (docs: DESIGN.md section 5): the mean and the variance
 * within 6 standard errors (SE of the mean sqrt(var / n), of the variance sqrt((mu4 - var^2) / n)),
 * a KS p-value above 1e-6 against the exact CDF, and hard bounds where the law has them.
 */
export const SE_LIMIT = 6;
export const ALPHA = 1e-6;

/** A distribution as the tests need it: exact mean, variance, fourth central moment, CDF, support. */
export interface Law {
  readonly label: string;
  readonly mean: number;
  readonly variance: number;
  readonly mu4: number;
  readonly cdf: (x: number) => number;
  readonly lo: number;
  readonly hi: number;
}

export function uniformLaw(lo: number, hi: number): Law {
  const w = hi - lo;
  return { label: `U[${lo}, ${hi})`, mean: (lo + hi) / 2, variance: (w * w) / 12, mu4: w ** 4 / 80, cdf: (x) => Math.min(1, Math.max(0, (x - lo) / w)), lo, hi };
}

export function normalLaw(mean: number, sd: number): Law {
  return { label: `N(${mean}, ${sd}²)`, mean, variance: sd * sd, mu4: 3 * sd ** 4, cdf: (x) => normalCdf(x, mean, sd), lo: -Infinity, hi: Infinity };
}

/** N(mean, sd²) truncated to [lo, hi]; moments by Simpson's rule on 20,000 intervals (error far below 1e-9 relative). */
export function truncatedLaw(mean: number, sd: number, lo: number, hi: number): Law {
  const steps = 20000;
  const h = (hi - lo) / steps;
  const integral = (f: (x: number) => number): number => {
    let s = f(lo) + f(hi);
    for (let i = 1; i < steps; i++) s += (i % 2 === 1 ? 4 : 2) * f(lo + i * h);
    return (s * h) / 3;
  };
  const pdf = (x: number): number => standardNormalPdf((x - mean) / sd);
  const z = integral(pdf);
  const m = integral((x) => x * pdf(x)) / z;
  const variance = integral((x) => (x - m) ** 2 * pdf(x)) / z;
  const mu4 = integral((x) => (x - m) ** 4 * pdf(x)) / z;
  return { label: `N(${mean}, ${sd}²) on [${lo}, ${hi}]`, mean: m, variance, mu4, cdf: (x) => truncatedNormalCdf(x, lo, hi, mean, sd), lo, hi };
}

/** Assert that `values` fit `law`: moments within 6 SE, KS p > 1e-6, every value inside the support. */
export function expectFit(values: Float64Array, law: Law): void {
  const n = values.length;
  const m = Moments.of(values);
  const seMean = Math.sqrt(law.variance / n);
  const seVar = Math.sqrt((law.mu4 - law.variance ** 2) / n);
  expect(Math.abs(m.mean - law.mean), `${law.label}: mean ${m.mean} vs ${law.mean} (SE ${seMean})`).toBeLessThanOrEqual(SE_LIMIT * seMean);
  expect(Math.abs(m.variance - law.variance), `${law.label}: variance ${m.variance} vs ${law.variance} (SE ${seVar})`).toBeLessThanOrEqual(SE_LIMIT * seVar);
  expect(ksTest(values, law.cdf).pValue, `${law.label}: KS p-value`).toBeGreaterThan(ALPHA);
  expect(m.min, `${law.label}: min inside the support`).toBeGreaterThanOrEqual(law.lo);
  expect(m.max, `${law.label}: max inside the support`).toBeLessThanOrEqual(law.hi);
}

/** A resolved float64 tensor for tests. */
export function tensorOf(initializer: unknown, shape: number[], options: { seed?: number | string; layout?: 'keras' | 'torch'; name?: string } = {}): TensorSpec {
  return resolveSpec({ seed: options.seed ?? 7, dtype: 'float64', layout: options.layout ?? 'keras', tensors: [{ name: options.name ?? 'w', shape, initializer }] }).tensors[0]!;
}

/** All values of a tensor (float64, no rounding). */
export function valuesOf(initializer: unknown, shape: number[], options: Parameters<typeof tensorOf>[2] = {}): Float64Array {
  return initializerValues(tensorOf(initializer, shape, options));
}
