import { describe, expect, it } from 'vitest';
import { kolmogorovSurvival, ksPValue } from '../../src/stats/ks.js';
import { ksStatistic, ksTest } from '../helpers/stats/ks.js';
import { standardNormalCdf } from '../../src/stats/normal.js';

const uniformCdf = (x: number): number => Math.min(1, Math.max(0, x));

describe('KS statistic', () => {
  it('on 0.1, 0.4, 0.7 against U(0, 1) is D+ = 0.3 (at 0.7), D- = 0.1 (at 0.1), D = 0.3', () => {
    // ECDF steps: 1/3 - 0.1, 2/3 - 0.4, 1 - 0.7 above; 0.1 - 0, 0.4 - 1/3, 0.7 - 2/3 below.
    const r = ksStatistic([0.1, 0.4, 0.7], uniformCdf);
    expect(r.dPlus).toBeCloseTo(0.3, 15);
    expect(r.dMinus).toBeCloseTo(0.1, 15);
    expect(r.d).toBeCloseTo(0.3, 15);
  });

  it('does not depend on the order of the data, and leaves the input unsorted', () => {
    const data = [0.7, 0.1, 0.4];
    expect(ksStatistic(data, uniformCdf)).toEqual(ksStatistic([0.1, 0.4, 0.7], uniformCdf));
    expect(data).toEqual([0.7, 0.1, 0.4]);
  });

  it('is 1/(2n) at best: the midpoints of n equal cells', () => {
    const n = 8;
    const mids = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    expect(ksStatistic(mids, uniformCdf, true).d).toBeCloseTo(1 / (2 * n), 15);
  });

  it('refuses data said to be sorted that is not, NaN and empty data', () => {
    expect(() => ksStatistic([0.5, 0.2], uniformCdf, true)).toThrow(/not sorted/);
    expect(() => ksStatistic([0.5, NaN], uniformCdf)).toThrow(/NaN/);
    expect(() => ksStatistic([], uniformCdf)).toThrow(/at least one value/);
  });
});

describe('Kolmogorov distribution', () => {
  it('matches scipy.special.kolmogorov on both series (theta form below λ = 1)', () => {
    // scipy 1.17 special.kolmogorov(λ) = P(K > λ)
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0.3, 0.9999906941986655],
      [0.5, 0.9639452436648751],
      [1, 0.26999967167735456],
      [1.36, 0.049485876755377876],
      [2, 0.0006709252557796953],
    ];
    for (const [lambda, want] of cases) expect(kolmogorovSurvival(lambda), `λ = ${lambda}`).toBeCloseTo(want, 14);
  });

  it('is 1 at λ = 0 and tends to 0 far out', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(0.01)).toBe(1);
    expect(kolmogorovSurvival(10)).toBeLessThan(1e-80);
  });

  it('applies Stephens\' correction λ = (√n + 0.12 + 0.11/√n) D', () => {
    const n = 100;
    expect(ksPValue(0.1, n)).toBe(kolmogorovSurvival((10 + 0.12 + 0.011) * 0.1));
  });
});

describe('KS test', () => {
  it('rejects clearly shifted data and accepts evenly spread normal quantiles', () => {
    const quantiles = [-1.2815515655446004, -0.8416212335729143, -0.5244005127080407, -0.2533471031357997, 0, 0.2533471031357997, 0.5244005127080407, 0.8416212335729143, 1.2815515655446004];
    expect(ksTest(quantiles, standardNormalCdf).pValue).toBeGreaterThan(0.99);
    const shifted = quantiles.map((q) => q + 3);
    const r = ksTest(shifted, standardNormalCdf);
    expect(r.n).toBe(9);
    expect(r.pValue).toBeLessThan(1e-3);
  });
});
