/*
 * The statistical proof of the new initializers on 2^21 draws each (32 blocks), the way `gen` makes
 * them (float64, block by block). Tolerances come from n (test/init/fit.ts: moments within 6 SE,
 * KS p > 1e-6), plus fine-binned chi-square tests (p > 1e-6) that moments and KS can miss, and
 * exact binomial tests of the mass near the truncation points.
 */
import { describe, expect, it } from 'vitest';
import { initializerValues } from '../../src/init/fill.js';
import { orthogonalDims } from '../../src/init/orthogonal.js';
import { TRUNCATED_STD_2 } from '../../src/init/scaling.js';
import { binomialTest } from '../helpers/stats/binomial.js';
import { chiSquareTest } from '../helpers/stats/chisquare.js';
import { ALPHA, expectFit, tensorOf, truncatedLaw, uniformLaw, type Law } from '../init/fit.js';

const N = 2 ** 21;
const BINS = 1000;

/** Chi-square over BINS equiprobable bins of the law (found by bisection on its CDF). */
function expectFineBins(values: Float64Array, law: Law): void {
  const edges: number[] = [];
  for (let k = 1; k < BINS; k++) {
    let lo = Number.isFinite(law.lo) ? law.lo : -50;
    let hi = Number.isFinite(law.hi) ? law.hi : 50;
    for (let it = 0; it < 100; it++) {
      const mid = (lo + hi) / 2;
      if (law.cdf(mid) < k / BINS) lo = mid;
      else hi = mid;
    }
    edges.push((lo + hi) / 2);
  }
  const counts = new Float64Array(BINS);
  for (const v of values) {
    let a = 0;
    let b = edges.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (v < edges[m]!) b = m;
      else a = m + 1;
    }
    counts[a]!++;
  }
  const expected = new Float64Array(BINS).fill(values.length / BINS);
  expect(chiSquareTest(counts, expected).pValue, `${law.label}: chi-square over ${BINS} bins`).toBeGreaterThan(ALPHA);
}

describe('initializers on 2^21 draws', () => {
  it('truncated_normal(0, 1): fits the truncated law, and the mass within 0.05 of each bound is right', () => {
    const law = truncatedLaw(0, 1, -2, 2);
    const values = initializerValues(tensorOf({ type: 'truncated_normal', mean: 0, stddev: 1 }, [N], { seed: 101 }));
    expectFit(values, law);
    expectFineBins(values, law);
    let nearEdge = 0;
    for (const v of values) if (Math.abs(v) > 1.95) nearEdge++;
    const p = 2 * (law.cdf(2) - law.cdf(1.95));
    expect(binomialTest(nearEdge, N, p).pValue).toBeGreaterThan(ALPHA);
  });

  it('truncated_normal with bounds a = -0.3, b = 4 (asymmetric, torch style)', () => {
    const law = truncatedLaw(0.5, 2, -0.3, 4);
    const values = initializerValues(tensorOf({ type: 'truncated_normal', mean: 0.5, stddev: 2, a: -0.3, b: 4 }, [N], { seed: 102 }));
    expectFit(values, law);
    expectFineBins(values, law);
  });

  it('uniform(-1, 3)', () => {
    const law = uniformLaw(-1, 3);
    const values = initializerValues(tensorOf({ type: 'uniform', minval: -1, maxval: 3 }, [N], { seed: 103 }));
    expectFit(values, law);
    expectFineBins(values, law);
  });

  it('he_normal on (2048, 1024) is truncated at ±2 of sqrt(2 / 2048) / 0.8796', () => {
    const sd = Math.sqrt(2 / 2048) / TRUNCATED_STD_2;
    const law = truncatedLaw(0, sd, -2 * sd, 2 * sd);
    const values = initializerValues(tensorOf('he_normal', [2048, 1024], { seed: 104 }));
    expectFit(values, law);
    expectFineBins(values, law);
  });

  it('orthogonal at its work limit (1024 x 1024) is orthonormal and takes seconds, not minutes', () => {
    const start = performance.now();
    const values = initializerValues(tensorOf({ type: 'orthogonal', gain: 1 }, [1024, 1024], { seed: 105 }));
    const seconds = (performance.now() - start) / 1000;
    const { rows, cols } = orthogonalDims([1024, 1024], 'keras');
    let worst = 0;
    for (let p = 0; p < cols; p += 7) {
      for (let q = p; q < cols; q += 5) {
        let s = 0;
        for (let i = 0; i < rows; i++) s += values[i * cols + p]! * values[i * cols + q]!;
        worst = Math.max(worst, Math.abs(s - (p === q ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(20 * 1024 * 2 ** -52);
    expect(seconds).toBeLessThan(60);
    console.log(`orthogonal 1024 x 1024: ${seconds.toFixed(2)} s, max |Q^T Q - I| (sampled) ${worst.toExponential(2)}`);
  });
});
