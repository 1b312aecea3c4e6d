import { InitWeightsError } from '../errors.js';
import { BLOCK_SIZE, blockGenerator } from '../rng/stream.js';
import { fillNormal } from '../rng/ziggurat.js';
import type { Seed } from '../rng/seed.js';
import type { KernelLayout } from './fans.js';

/*
 * The orthogonal initializer needs the whole matrix: a QR factorisation of a normal matrix. It is
 * computed once per tensor (and cached for the tensor's other blocks) with Householder reflections,
 * which use only +, -, *, / and sqrt, so the values are the same on every IEEE 754 machine.
 */

/** Most elements an orthogonal tensor may have: 2^24 (128 MiB per float64 copy, two copies held). */
export const ORTHOGONAL_MAX_ELEMENTS = 2 ** 24;
/** Most work, max(rows, cols) * min(rows, cols)^2: 2^30, about 1024 x 1024 (a few seconds in Node). */
export const ORTHOGONAL_MAX_WORK = 2 ** 30;

/** Rows and columns of the matrix that is made orthogonal: Keras (prod(shape[:-1]), shape[-1]); torch (shape[0], prod(shape[1:])). */
export function orthogonalDims(shape: readonly number[], layout: KernelLayout): { rows: number; cols: number } {
  const prod = (d: readonly number[]): number => d.reduce((p, x) => p * x, 1);
  if (layout === 'keras') return { rows: prod(shape.slice(0, -1)), cols: shape[shape.length - 1]! };
  return { rows: shape[0]!, cols: prod(shape.slice(1)) };
}

/** Why an orthogonal tensor of this shape is refused, or undefined when it is fine. */
export function orthogonalProblem(shape: readonly number[], layout: KernelLayout): string | undefined {
  if (shape.length < 2) return 'orthogonal needs a shape of rank 2 or more (Keras and torch refuse rank 0 and 1)';
  const { rows, cols } = orthogonalDims(shape, layout);
  const big = Math.max(rows, cols);
  const small = Math.min(rows, cols);
  if (rows * cols > ORTHOGONAL_MAX_ELEMENTS) {
    return `orthogonal holds the whole matrix in memory: at most 2^24 = ${ORTHOGONAL_MAX_ELEMENTS} elements, this is ${rows} x ${cols}`;
  }
  if (big * small * small > ORTHOGONAL_MAX_WORK) {
    return `orthogonal's QR takes max(rows, cols) * min(rows, cols)^2 steps: at most 2^30, this is ${rows} x ${cols}`;
  }
  return undefined;
}

export interface OrthogonalTensor {
  readonly seed: Seed;
  readonly name: string;
  readonly shape: readonly number[];
}

/**
 * Thin Q (m x n, m >= n, row-major) of the QR factorisation of `a` (m x n, row-major; overwritten),
 * with the columns multiplied by sign(diag(R)) so that the factorisation is the unique one with
 * R's diagonal >= 0 (a zero diagonal, probability 0, counts as +).
 */
export function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  const signs = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const len = m - j;
    const v = new Float64Array(len);
    let norm2 = 0;
    for (let i = 0; i < len; i++) {
      const x = a[(j + i) * n + j]!;
      v[i] = x;
      norm2 += x * x;
    }
    const norm = Math.sqrt(norm2);
    const x0 = v[0]!;
    const alpha = x0 >= 0 ? -norm : norm; // R[j][j]; the sign avoids cancellation in v0
    signs[j] = alpha >= 0 ? 1 : -1;
    v[0] = x0 - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < len; i++) vnorm2 += v[i]! * v[i]!;
    if (vnorm2 > 0) {
      const inv = 1 / Math.sqrt(vnorm2);
      for (let i = 0; i < len; i++) v[i] = v[i]! * inv;
      // A[j:, j:] -= 2 v (v^T A[j:, j:])
      const w = new Float64Array(n - j);
      for (let i = 0; i < len; i++) {
        const vi = v[i]!;
        const row = (j + i) * n + j;
        for (let k = 0; k < n - j; k++) w[k] = w[k]! + vi * a[row + k]!;
      }
      for (let i = 0; i < len; i++) {
        const vi2 = 2 * v[i]!;
        const row = (j + i) * n + j;
        for (let k = 0; k < n - j; k++) a[row + k] = a[row + k]! - vi2 * w[k]!;
      }
    }
    vs.push(v);
  }
  // Q = H_0 H_1 ... H_{n-1} I[:, :n], applied from the last reflection back.
  const q = new Float64Array(m * n);
  for (let k = 0; k < n; k++) q[k * n + k] = 1;
  const w = new Float64Array(n);
  for (let j = n - 1; j >= 0; j--) {
    const v = vs[j]!;
    const len = m - j;
    w.fill(0);
    for (let i = 0; i < len; i++) {
      const vi = v[i]!;
      const row = (j + i) * n;
      for (let k = 0; k < n; k++) w[k] = w[k]! + vi * q[row + k]!;
    }
    for (let i = 0; i < len; i++) {
      const vi2 = 2 * v[i]!;
      const row = (j + i) * n;
      for (let k = 0; k < n; k++) q[row + k] = q[row + k]! - vi2 * w[k]!;
    }
  }
  for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) q[i * n + k] = q[i * n + k]! * signs[k]!;
  return q;
}

const cache = new Map<string, Float64Array>();

/**
 * The orthogonal tensor's values (row-major, before the gain), as Keras computes them: A is the
 * max(r, c) x min(r, c) matrix of the tensor's standard normal stream (element k of A in C order is
 * the k-th normal draw of the tensor, block by block as for `normal`), Q its thin QR factor with
 * sign(diag(R)) folded in, transposed when r < c. Cached for the tensor's other blocks.
 */
export function orthogonalValues(t: OrthogonalTensor, layout: KernelLayout): Float64Array {
  const key = JSON.stringify([t.seed, t.name, t.shape, layout]);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const problem = orthogonalProblem(t.shape, layout);
  if (problem !== undefined) throw new InitWeightsError('E_SPEC', `tensor ${t.name}: ${problem}`);
  const { rows, cols } = orthogonalDims(t.shape, layout);
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(m * n);
  for (let b = 0; b * BLOCK_SIZE < a.length; b++) {
    fillNormal(blockGenerator(t.seed, t.name, b), a, b * BLOCK_SIZE, Math.min(a.length, (b + 1) * BLOCK_SIZE), 0, 1);
  }
  let q = orthonormalColumns(a, m, n);
  if (rows < cols) {
    const qt = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let k = 0; k < n; k++) qt[k * m + i] = q[i * n + k]!;
    q = qt;
  }
  if (cache.size >= 2) cache.delete(cache.keys().next().value!);
  cache.set(key, q);
  return q;
}
