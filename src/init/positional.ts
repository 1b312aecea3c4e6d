import { BLOCK_SIZE } from '../rng/stream.js';
import { c, GAIN, needAt, type InitializerDef } from './def.js';
import { isKernelLayout, KERNEL_LAYOUTS, type KernelLayout } from './fans.js';
import { orthogonalProblem, orthogonalValues } from './orthogonal.js';
import { num, word } from './params.js';

/** Rows whose values depend on the element's position in the tensor, not only on a block's draws. */
export const POSITIONAL_INITIALIZERS: readonly InitializerDef[] = [
  {
    name: 'orthogonal',
    summary: 'gain * Q of the QR of a normal matrix (Keras Orthogonal, torch orthogonal_); whole matrix in memory',
    params: [GAIN, c('layout', KERNEL_LAYOUTS, 'orthogonal: keras rows = prod(shape[:-1]); torch rows = shape[0] (default: the kernel layout)')],
    random: true,
    positional: true,
    check(p, shape) {
      const layout = word(p, 'layout');
      const problem = isKernelLayout(layout) ? orthogonalProblem(shape, layout) : undefined;
      return problem === undefined ? undefined : { param: '', rule: problem, value: shape };
    },
    // Entries of an orthogonal matrix are at most 1 in magnitude.
    reach: (p) => ({ magnitude: Math.abs(num(p, 'gain')) }),
    fill(params, _g, out, start, end, at) {
      const where = needAt(at, 'orthogonal');
      const layout = word(params, 'layout') as KernelLayout;
      const q = orthogonalValues(where.tensor, layout);
      const gain = num(params, 'gain');
      const base = where.block * BLOCK_SIZE;
      for (let i = start; i < end; i++) out[i] = gain * q[base + i]!;
    },
  },
  {
    name: 'identity',
    summary: 'gain on the diagonal, 0 elsewhere; rectangular allowed (Keras Identity, torch eye_)',
    params: [GAIN],
    random: false,
    positional: true,
    check(_p, shape) {
      return shape.length === 2 ? undefined : { param: '', rule: 'identity needs a 2-d shape (Keras and torch refuse others)', value: shape };
    },
    reach: (p) => ({ magnitude: Math.abs(num(p, 'gain')) }),
    fill(params, _g, out, start, end, at) {
      const where = needAt(at, 'identity');
      const cols = where.tensor.shape[1]!;
      const gain = num(params, 'gain');
      const base = where.block * BLOCK_SIZE;
      for (let i = start; i < end; i++) {
        const k = base + i;
        out[i] = Math.floor(k / cols) === k % cols ? gain : 0;
      }
    },
  },
];
