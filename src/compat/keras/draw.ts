/*
 * One tensor of Keras 3's TensorFlow backend (keras/src/backend/tensorflow/random.py): the stateless
 * ops' float32 groups in C order, then their float32 affine step, one op per rounding:
 * stateless_normal and stateless_truncated_normal give rnd * stddev + mean, stateless_uniform gives
 * rnd * (maxval - minval) + minval (tensorflow/python/ops/stateless_random_ops.py).
 */
import type { TensorDrawer } from '../types.js';
import { GROUP, normalGroup, TRUNCATED_BLOCKS_PER_GROUP, truncatedGroup, uniformGroup } from './box-muller.js';
import { statelessPhilox, type Philox } from './philox.js';

const f = Math.fround;

/** The op Keras calls and its parameters as Python floats (TF rounds them to float32). */
export type KerasDraw =
  | { readonly op: 'normal' | 'truncated_normal'; readonly mean: number; readonly stddev: number }
  | { readonly op: 'uniform'; readonly minval: number; readonly maxval: number };

/** tf.int32.max - 1: Keras's _cast_seed takes the int64 seed pair floormod this before the int32 cast. */
export const SEED_MODULUS = 2147483646;

/** The int32 seed TF receives for a Keras int seed: floormod(seed, 2^31 - 2), as Keras computes it. */
export function kerasSeed(seed: number): number {
  return ((seed % SEED_MODULUS) + SEED_MODULUS) % SEED_MODULUS;
}

/** The sampler of group g (four float32) for an op, from the base generator of seed [s, 0]. */
function groupSource(op: KerasDraw['op'], base: Philox): (g: number, out: Float32Array) => void {
  if (op === 'truncated_normal') {
    // each group restarts from the base, TRUNCATED_BLOCKS_PER_GROUP blocks per group further on
    const gen = base.copy();
    return (g, out) => {
      gen.seek(base, g * TRUNCATED_BLOCKS_PER_GROUP);
      truncatedGroup(gen, out);
    };
  }
  // fixed-cost groups read the blocks in order: group g is block g
  const gen = base.copy();
  const fill = op === 'normal' ? normalGroup : uniformGroup;
  return (_g, out) => fill(gen, out);
}

/** A drawer giving the tensor's float32 values, exactly as Keras-TF returns them, in C order. */
export function kerasDrawer(seed: number, d: KerasDraw): TensorDrawer {
  const next = groupSource(d.op, statelessPhilox(kerasSeed(seed), 0));
  const [scale, shift] = d.op === 'uniform' ? [f(f(d.maxval) - f(d.minval)), f(d.minval)] : [f(d.stddev), f(d.mean)];
  const group = new Float32Array(GROUP);
  let g = 0;
  let used = GROUP;
  return {
    fill(out, start, end) {
      for (let i = start; i < end; i++) {
        if (used === GROUP) {
          next(g++, group);
          used = 0;
        }
        out[i] = f(f(group[used++]! * scale) + shift);
      }
    },
  };
}
