import { describe, expect, it } from 'vitest';
import { erf, erfc, normalCdf, normalSf, standardNormalCdf, standardNormalPdf, standardNormalSf } from '../../src/stats/normal.js';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

// Reference values from mpmath 1.3 at 40 digits (ncdf, erfc), rounded to double. scipy's ndtr
// gives 2.866515718791933e-7 for Φ(-5): off in the 15th digit, which is why mpmath is the oracle.
const PHI: ReadonlyArray<readonly [number, number]> = [
  [-37, 5.725571222524577e-300],
  [-10, 7.619853024160525e-24],
  [-8, 6.220960574271784e-16],
  [-5, 2.866515718791939e-7],
  [-1.96, 0.024997895148220435],
  [0, 0.5],
  [1.96, 0.9750021048517795],
];

describe('standard normal CDF', () => {
  it('matches high-precision values to 1e-14 relative error, far tails included', () => {
    for (const [x, want] of PHI) expect(relErr(standardNormalCdf(x), want), `Φ(${x})`).toBeLessThan(1e-14);
  });

  it('gives the textbook tail values Φ(-5) = 2.866515718791939e-7 and Φ(-10) = 7.61985302416047e-24', () => {
    expect(standardNormalCdf(-5)).toBeCloseTo(2.866515718791939e-7, 20);
    expect(relErr(standardNormalCdf(-10), 7.61985302416047e-24)).toBeLessThan(1e-14);
  });

  it('is symmetric: Φ(-x) = 1 - Φ(x)', () => {
    for (const x of [0.1, 0.5, 1, 2.5, 4]) {
      expect(standardNormalCdf(-x) + standardNormalCdf(x), `x = ${x}`).toBeCloseTo(1, 15);
    }
  });

  it('underflows to 0 and saturates at 1 far out, and keeps NaN', () => {
    expect(standardNormalCdf(-40)).toBe(0);
    expect(standardNormalCdf(-Infinity)).toBe(0);
    expect(standardNormalCdf(40)).toBe(1);
    expect(standardNormalCdf(Infinity)).toBe(1);
    expect(standardNormalCdf(NaN)).toBeNaN();
  });

  it('is monotone across the boundaries of Cody\'s intervals', () => {
    let prev = 0;
    for (let x = -39; x <= 9; x += 1 / 1024) {
      const v = standardNormalCdf(x);
      expect(v >= prev, `Φ decreases at ${x}`).toBe(true);
      prev = v;
    }
  });
});

describe('standard normal survival function', () => {
  it('is the upper tail to full relative precision: P(Z > 8) = 6.220960574271784e-16', () => {
    expect(relErr(standardNormalSf(8), 6.220960574271784e-16)).toBeLessThan(1e-14);
    for (const [x, want] of PHI) {
      if (x <= 0) expect(relErr(standardNormalSf(-x), want), `sf(${-x})`).toBeLessThan(1e-14);
    }
  });

  it('adds up with the CDF to 1', () => {
    for (const x of [-3, -0.2, 0, 0.7, 2]) expect(standardNormalSf(x) + standardNormalCdf(x)).toBeCloseTo(1, 15);
  });
});

describe('erfc and erf', () => {
  it('match high-precision values', () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [-0.3, 1.3286267594591274],
      [0.2, 0.7772974107895215],
      [1, 0.15729920705028513],
      [5, 1.537459794428035e-12],
    ];
    for (const [x, want] of cases) expect(relErr(erfc(x), want), `erfc(${x})`).toBeLessThan(1e-14);
    expect(erf(1)).toBeCloseTo(1 - 0.15729920705028513, 15);
    expect(erf(-0.2)).toBeCloseTo(-(1 - 0.7772974107895215), 15);
  });
});

describe('the normal density', () => {
  it('is 1/√(2π) at 0 and exp(-x²/2)/√(2π) elsewhere', () => {
    expect(standardNormalPdf(0)).toBe(0.3989422804014327);
    expect(relErr(standardNormalPdf(-3), Math.exp(-4.5) / Math.sqrt(2 * Math.PI))).toBeLessThan(1e-15);
  });
});

describe('normal CDF with mean and standard deviation', () => {
  it('standardises: N(3, 0.05) at 3.1 is Φ(2)', () => {
    expect(normalCdf(3.1, 3, 0.05)).toBeCloseTo(standardNormalCdf(2), 14);
    expect(normalSf(2.9, 3, 0.05)).toBeCloseTo(standardNormalCdf(2), 14);
    expect(normalCdf(3, 3, 0.05)).toBe(0.5);
  });

  it('defaults to the standard normal', () => {
    expect(normalCdf(-5)).toBe(standardNormalCdf(-5));
  });

  it('rejects a standard deviation that is not positive', () => {
    expect(() => normalCdf(0, 0, 0)).toThrow(/sd must be a finite number > 0, got 0/);
    expect(() => normalSf(0, 0, -1)).toThrow(RangeError);
  });
});
