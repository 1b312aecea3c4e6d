import { describe, expect, it } from 'vitest';
import { orthogonalDims, orthogonalProblem, orthonormalColumns } from '../../src/init/orthogonal.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { valuesOf } from './fit.js';

const EPS = 2 ** -52;

/** max |M^T M - gain^2 I| (or M M^T when M is wide) for M = values viewed as rows x cols. */
function orthogonalityError(values: Float64Array, rows: number, cols: number, gain: number): number {
  const small = Math.min(rows, cols);
  let worst = 0;
  for (let p = 0; p < small; p++) {
    for (let q = p; q < small; q++) {
      let s = 0;
      if (rows >= cols) for (let i = 0; i < rows; i++) s += values[i * cols + p]! * values[i * cols + q]!;
      else for (let j = 0; j < cols; j++) s += values[p * cols + j]! * values[q * cols + j]!;
      worst = Math.max(worst, Math.abs(s / (gain * gain) - (p === q ? 1 : 0)));
    }
  }
  return worst;
}

/** Householder QR is backward stable: ||Q^T Q - I|| is a modest multiple of n eps; 20 n eps is generous. */
const tolerance = (rows: number, cols: number): number => 20 * Math.max(rows, cols) * EPS;

describe('orthogonal(gain)', () => {
  for (const [shape, layout, gain] of [
    [[300, 200], 'keras', 2],
    [[200, 300], 'keras', 1],
    [[4, 50, 120], 'keras', 1.5],
    [[50, 4, 30], 'torch', 1],
    [[257, 257], 'keras', 1],
  ] as const) {
    it(`gives orthonormal ${rowsCols(shape, layout)} ${layout} matrices of ${JSON.stringify(shape)} scaled by gain ${gain}`, () => {
      const { rows, cols } = orthogonalDims(shape, layout);
      const values = valuesOf({ type: 'orthogonal', gain }, [...shape], { layout, seed: 3 });
      expect(orthogonalityError(values, rows, cols, gain)).toBeLessThan(tolerance(rows, cols));
    });
  }

  it('folds the sign of diag(R) in: Q^T A has a positive diagonal, so Q is the unique QR factor', () => {
    const m = 6;
    const n = 4;
    const a = Float64Array.from({ length: m * n }, (_, i) => Math.sin(i * 1.7 + 0.3) * 3 + (i % 5) - 2);
    const q = orthonormalColumns(a.slice(), m, n);
    for (let k = 0; k < n; k++) {
      let rkk = 0;
      for (let i = 0; i < m; i++) rkk += q[i * n + k]! * a[i * n + k]!;
      expect(rkk).toBeGreaterThan(0);
    }
    // and Q R = A: R = Q^T A is upper triangular
    for (let r = 0; r < n; r++) {
      for (let col = 0; col < r; col++) {
        let s = 0;
        for (let i = 0; i < m; i++) s += q[i * n + r]! * a[i * n + col]!;
        expect(Math.abs(s)).toBeLessThan(1e-12);
      }
    }
  });

  it('entries of a square orthogonal matrix have mean 0 and variance 1 / n (Haar)', () => {
    const n = 400;
    const values = valuesOf('orthogonal', [n, n], { seed: 4 });
    let s = 0;
    let s2 = 0;
    for (const v of values) {
      s += v;
      s2 += v * v;
    }
    expect(s2 / values.length).toBeCloseTo(1 / n, 12); // exact: the columns are unit vectors
    expect(Math.abs(s / values.length)).toBeLessThan((6 * Math.sqrt(1 / n)) / n); // 1^T Q 1 has variance n, so the mean has SE n^-1.5
  });

  it('spans blocks: a 300 x 400 tensor (two blocks) is one orthogonal matrix, and depends on the seed', () => {
    const a = valuesOf('orthogonal', [300, 400], { seed: 5 });
    expect(orthogonalityError(a, 300, 400, 1)).toBeLessThan(tolerance(300, 400));
    expect(valuesOf('orthogonal', [300, 400], { seed: 6 })).not.toEqual(a);
    expect(valuesOf('orthogonal', [300, 400], { seed: 5 })).toEqual(a);
  });

  it('refuses rank < 2 and matrices past the size limit, naming the field, the rule and the value', () => {
    expect(orthogonalProblem([5], 'keras')).toMatch(/rank 2 or more/);
    expect(orthogonalProblem([2048, 2048], 'keras')).toMatch(/at most 2\^30, this is 2048 x 2048/);
    expect(orthogonalProblem([8192, 4096], 'keras')).toMatch(/at most 2\^24 = 16777216 elements, this is 8192 x 4096/);
    expect(orthogonalProblem([1 << 20, 16], 'keras')).toBeUndefined();
    expect(() => resolveSpec({ seed: 1, tensors: [{ name: 'w', shape: [2048, 2048], initializer: 'orthogonal' }] }))
      .toThrow(/^spec tensors\[0\]\.initializer: orthogonal's QR takes .*2048 x 2048, got \[2048,2048\]$/);
  });
});

function rowsCols(shape: readonly number[], layout: 'keras' | 'torch'): string {
  const { rows, cols } = orthogonalDims(shape, layout);
  return `${rows} x ${cols}`;
}
