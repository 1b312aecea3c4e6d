/*
 * `numpy` compat mode: np.random.default_rng(seed) per tensor, drawing in float64 as Keras 3's numpy
 * backend does (keras/src/backend/numpy/random.py): normal, uniform, the batch-filter truncated
 * normal, and the variance-scaling family on top of them. The cast to the dtype is the caller's one
 * rounding (numpy's astype).
 */
import { num, word } from '../../init/params.js';
import { kerasSpread, type Spread } from '../../init/scaling.js';
import { VARIANCE_PRESETS, VARIANCE_SCALED } from '../presets.js';
import { constantDrawer, CONSTANT_INITIALIZERS, isConstantInitializer } from '../constant.js';
import { boundsProblem, dtypeProblem, fansProblem, firstProblem, integerSeedProblem, layoutFans, typeProblem } from '../support.js';
import type { CompatMode, CompatTensor, TensorDrawer } from '../types.js';
import { standardNormal } from './normal.js';
import { Pcg64 } from './pcg64.js';

const DRAWN = ['normal', 'uniform', 'truncated_normal', ...VARIANCE_SCALED];
const NAMES = [...DRAWN, ...CONSTANT_INITIALIZERS];

/** The distribution Keras draws for a tensor, with float64 parameters. */
type Draw =
  | { readonly kind: 'normal'; readonly mean: number; readonly stddev: number }
  | { readonly kind: 'truncated'; readonly mean: number; readonly stddev: number }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number };

function fromSpread(s: Spread): Draw {
  if (s.distribution === 'uniform') return { kind: 'uniform', low: -s.limit, high: s.limit };
  return { kind: s.distribution === 'normal' ? 'normal' : 'truncated', mean: 0, stddev: s.stddev };
}

function drawOf(t: CompatTensor): Draw {
  const { type, params } = t.initializer;
  if (type === 'normal') return { kind: 'normal', mean: num(params, 'mean'), stddev: num(params, 'stddev') };
  if (type === 'uniform') return { kind: 'uniform', low: num(params, 'minval'), high: num(params, 'maxval') };
  if (type === 'truncated_normal') return { kind: 'truncated', mean: num(params, 'mean'), stddev: num(params, 'stddev') };
  const preset = VARIANCE_PRESETS[type];
  const [scale, mode, distribution] = preset ?? [num(params, 'scale'), word(params, 'mode'), word(params, 'distribution')];
  return fromSpread(kerasSpread(scale, mode, distribution, num(params, 'fan_in'), num(params, 'fan_out')));
}

/** A drawer over default_rng(seed) for one Keras-numpy draw. */
export function numpyDrawer(seed: number, d: Draw): TensorDrawer {
  const g = new Pcg64(seed);
  if (d.kind === 'uniform') {
    // Generator.uniform: low + (high - low) * next_double
    const range = d.high - d.low;
    return { fill: (out, start, end) => { for (let i = start; i < end; i++) out[i] = d.low + range * g.nextDouble(); } };
  }
  const { mean, stddev } = d;
  if (d.kind === 'normal') {
    return { fill: (out, start, end) => { for (let i = start; i < end; i++) out[i] = mean + stddev * standardNormal(g); } };
  }
  // Keras draws full-size batches and keeps, in order, the values in [mean - 2 stddev, mean + 2 stddev]
  // until it has enough: that is the first n kept values of the one sequential stream, so it streams.
  const lower = mean - 2 * stddev;
  const upper = mean + 2 * stddev;
  return {
    fill(out, start, end) {
      for (let i = start; i < end; ) {
        const x = mean + stddev * standardNormal(g);
        if (lower <= x && x <= upper) out[i++] = x;
      }
    },
  };
}

export const numpyMode: CompatMode = {
  name: 'numpy',
  follows: 'numpy 2.4 np.random.default_rng (SeedSequence, PCG64, ziggurat); Keras 3.15 numpy backend initializers',
  initializers: NAMES,
  problem(tensors, i) {
    const t = tensors[i]!;
    const type = t.initializer.type;
    return firstProblem(
      () => typeProblem('numpy', t, NAMES),
      () => dtypeProblem('numpy', t, ['float32', 'float64', 'float16'], 'values are drawn in float64 and cast once; ml_dtypes casts bfloat16 through float32'),
      () => (isConstantInitializer(type) ? undefined : integerSeedProblem('numpy', t.seed, 0, Number.MAX_SAFE_INTEGER, 'np.random.default_rng takes non-negative integers; Keras passes [seed, 0] as uint32, so Keras agrees below 2^32')),
      () => boundsProblem('numpy', t),
      () => (VARIANCE_SCALED.includes(type) ? fansProblem('numpy', t, layoutFans(t, 'keras'), "Keras's compute_fans, kernel (..., in, out)") : undefined),
    );
  },
  open(tensors) {
    return (i) => {
      const t = tensors[i]!;
      return isConstantInitializer(t.initializer.type) ? constantDrawer(t) : numpyDrawer(t.seed as number, drawOf(t));
    };
  },
};
