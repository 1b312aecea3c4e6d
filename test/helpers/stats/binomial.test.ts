import { describe, expect, it } from 'vitest';
import {
  binomialAcceptance,
  binomialConsistent,
  binomialLowerTail,
  binomialPmf,
  binomialTest,
  binomialUpperTail,
} from './binomial.js';

const relErr = (got: number, want: number): number => Math.abs(got / want - 1);

// References: exact sums in mpmath 1.3 at 60 digits. scipy 1.17's binom.sf(4, 1e7, p5) is off in
// the 10th digit (0.6776224247387163), so it is not the oracle here.
const N = 10_000_000;
/** P(|Z| > 5) = 2 Φ(-5). */
const P5 = 5.733031437583878e-7;
/** P(|Z| > 3) = 2 Φ(-3). */
const P3 = 0.002699796063260189;

describe('binomial probabilities', () => {
  it('match a hand-sized case: Binomial(10, 0.3) has P(X = 3) = 0.266827932 and P(X <= 3) = 0.6496107184', () => {
    expect(relErr(binomialPmf(3, 10, 0.3), 0.266827932)).toBeLessThan(1e-14);
    expect(relErr(binomialLowerTail(3, 10, 0.3), 0.6496107184)).toBeLessThan(1e-14);
  });

  it('are exact for 5.7 expected draws beyond 5 sigma in 10^7', () => {
    expect(relErr(binomialPmf(0, N, P5), 0.003237243506239518), 'P(X = 0)').toBeLessThan(1e-14);
    expect(relErr(binomialPmf(5, N, P5), 0.16707695412063853), 'P(X = 5)').toBeLessThan(1e-14);
    expect(relErr(binomialLowerTail(5, N, P5), 0.4894545293099062), 'P(X <= 5)').toBeLessThan(1e-14);
    expect(relErr(binomialUpperTail(5, N, P5), 0.6776224248107323), 'P(X >= 5)').toBeLessThan(1e-14);
    expect(relErr(binomialUpperTail(20, N, P5), 2.6767949015328904e-6), 'P(X >= 20)').toBeLessThan(1e-13);
  });

  it('are accurate with 27,000 expected (beyond 3 sigma) and for a fair coin tossed 10^7 times', () => {
    expect(relErr(binomialPmf(27000, N, P3), 0.002430974440661587)).toBeLessThan(1e-13);
    expect(relErr(binomialLowerTail(26500, N, P3), 0.0011828822243013172)).toBeLessThan(1e-12);
    expect(relErr(binomialUpperTail(27600, N, P3), 0.0001293465251478357)).toBeLessThan(1e-12);
    expect(relErr(binomialLowerTail(4_997_000, N, 0.5), 0.028910642657918772)).toBeLessThan(1e-12);
    expect(relErr(binomialPmf(5_000_000, N, 0.5), 0.0002523132458941848)).toBeLessThan(1e-13);
  });

  it('handle the ends: k outside 0..n, p = 0 and p = 1', () => {
    expect(binomialPmf(-1, 5, 0.5)).toBe(0);
    expect(binomialPmf(6, 5, 0.5)).toBe(0);
    expect(binomialPmf(0, 5, 0)).toBe(1);
    expect(binomialPmf(5, 5, 1)).toBe(1);
    expect(binomialLowerTail(5, 5, 0.5)).toBe(1);
    expect(binomialUpperTail(0, 5, 0.5)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.5)).toBe(0);
  });

  it('have tails that add up to 1 + P(X = k)', () => {
    for (const k of [0, 3, 6, 12]) {
      expect(binomialLowerTail(k, N, P5) + binomialUpperTail(k, N, P5) - binomialPmf(k, N, P5), `k = ${k}`).toBeCloseTo(1, 14);
    }
  });
});

describe('two-sided binomial test', () => {
  it('doubles the smaller tail', () => {
    const r = binomialTest(20, N, P5);
    expect(r.expected).toBeCloseTo(5.733031437583878, 12);
    expect(r.pValue).toBe(2 * r.upperTail);
    expect(binomialTest(5, N, P5).pValue).toBeCloseTo(2 * 0.4894545293099062, 14); // P(X <= 5) < P(X >= 5)
    expect(binomialTest(5, 10, 0.5).pValue).toBe(1); // 2 · 0.623, capped
  });

  it('accepts 0 to 21 draws beyond 5 sigma in 10^7 at p = 1e-6 (a normal approximation would reject 18 and up)', () => {
    expect(binomialAcceptance(N, P5, 1e-6)).toEqual({ min: 0, max: 21 });
    expect(binomialConsistent(21, N, P5, 1e-6)).toBe(true);
    expect(binomialConsistent(22, N, P5, 1e-6)).toBe(false);
    expect(binomialConsistent(0, N, P5, 1e-6)).toBe(true);
  });

  it('brackets a fair coin symmetrically', () => {
    const { min, max } = binomialAcceptance(N, 0.5, 1e-6);
    expect(min + max).toBe(N);
    expect(binomialTest(min, N, 0.5).pValue).toBeGreaterThan(1e-6);
    expect(binomialTest(min - 1, N, 0.5).pValue).toBeLessThanOrEqual(1e-6);
  });

  it('names the argument that is wrong', () => {
    expect(() => binomialTest(3, 2.5, 0.5)).toThrow(/trials must be an integer >= 0, got 2.5/);
    expect(() => binomialTest(3, 10, 1.5)).toThrow(/probability must be in \[0, 1\], got 1.5/);
    expect(() => binomialTest(11, 10, 0.5)).toThrow(/observed count must be an integer in 0..10, got 11/);
    expect(() => binomialAcceptance(10, 0.5, 0)).toThrow(/alpha must be in/);
  });
});
