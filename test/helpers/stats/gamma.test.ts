import { describe, expect, it } from 'vitest';
import { deviance, logGamma, regularizedGammaP, regularizedGammaQ } from './gamma.js';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

// References: mpmath 1.3 (loggamma, gammainc regularized) at 40 digits.
describe('logGamma', () => {
  it('matches high-precision values from tiny to huge arguments', () => {
    const cases: ReadonlyArray<readonly [number, number]> = [
      [1e-3, 6.907178885383853],
      [0.5, 0.5723649429247001], // ln √π
      [3.7, 1.4280723266653879],
      [100.5, 361.4355404677776],
      [1e7, 151180949.3694739],
    ];
    for (const [x, want] of cases) expect(relErr(logGamma(x), want), `lnΓ(${x})`).toBeLessThan(5e-15);
  });

  it('is ln((n-1)!) at integers', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
    expect(relErr(logGamma(11), Math.log(3628800))).toBeLessThan(1e-15);
    expect(relErr(logGamma(21), Math.log(2432902008176640000))).toBeLessThan(1e-15);
  });

  it('is NaN outside x > 0', () => {
    expect(logGamma(0)).toBeNaN();
    expect(logGamma(-1.5)).toBeNaN();
  });
});

describe('regularized incomplete gamma', () => {
  it('matches high-precision values on both sides of x = a + 1', () => {
    expect(relErr(regularizedGammaQ(0.5, 2), 0.04550026389635842)).toBeLessThan(1e-14); // = erfc(√2)
    expect(relErr(regularizedGammaP(3.5, 1), 0.040159631269898445)).toBeLessThan(1e-14);
    expect(relErr(regularizedGammaQ(500, 500), 0.49405285382923964)).toBeLessThan(1e-14);
  });

  it('gives Q(1, x) = exp(-x) far into the tail, to the precision exp(-x) allows', () => {
    // exp(-x) turns an absolute error of one rounding in -x into a relative error of about x · 1e-16.
    for (const x of [0.1, 1, 10, 100, 700]) {
      expect(relErr(regularizedGammaQ(1, x), Math.exp(-x)), `x = ${x}`).toBeLessThan(1e-15 * (10 + x));
    }
  });

  it('has P + Q = 1', () => {
    for (const [a, x] of [[0.5, 0.3], [3, 7], [999.5, 1000], [1e4, 9e3]] as const) {
      expect(regularizedGammaP(a, x) + regularizedGammaQ(a, x), `a=${a}, x=${x}`).toBeCloseTo(1, 14);
    }
  });

  it('handles the ends x = 0 and x = ∞ and rejects a <= 0', () => {
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaQ(2, Infinity)).toBe(0);
    expect(() => regularizedGammaQ(0, 1)).toThrow(RangeError);
    expect(() => regularizedGammaP(1, -1)).toThrow(RangeError);
  });
});

describe('the deviance term', () => {
  it('is a ln(a/x) + x - a, without cancellation when x is close to a', () => {
    expect(relErr(deviance(10, 3), 10 * Math.log(10 / 3) + 3 - 10)).toBeLessThan(1e-15);
    expect(deviance(5, 5)).toBe(0);
    // a = 1e6, x = a + 1: 1/(2a) - 1/(3a²) + ..., 4.999996666669167e-7 (mpmath)
    expect(relErr(deviance(1e6, 1e6 + 1), 4.999996666669167e-7)).toBeLessThan(1e-13);
  });
});
