/*
 * `keras` compat mode: Keras 3 with its TensorFlow backend (also tf.keras), each tensor drawn by
 * tf.random.stateless_* with seed [seed, 0] on the CPU: Philox4x32-10, TF's Box-Muller with glibc's
 * logf/sincosf, float32 throughout. The variance-scaling family is Keras's arithmetic on top.
 */
import { num, word } from '../../init/params.js';
import { kerasSpread } from '../../init/scaling.js';
import { constantDrawer, CONSTANT_INITIALIZERS, isConstantInitializer } from '../constant.js';
import { VARIANCE_PRESETS, VARIANCE_SCALED } from '../presets.js';
import { boundsProblem, dtypeProblem, fansProblem, firstProblem, integerSeedProblem, layoutFans, typeProblem } from '../support.js';
import type { CompatMode, CompatTensor } from '../types.js';
import { kerasDrawer, type KerasDraw } from './draw.js';

const DRAWN = ['normal', 'uniform', 'truncated_normal', ...VARIANCE_SCALED];
const NAMES = [...DRAWN, ...CONSTANT_INITIALIZERS];

/** The op Keras's initializer calls for a tensor (VarianceScaling.__call__ for the scaled ones). */
function drawOf(t: CompatTensor): KerasDraw {
  const { type, params } = t.initializer;
  if (type === 'normal') return { op: 'normal', mean: num(params, 'mean'), stddev: num(params, 'stddev') };
  if (type === 'uniform') return { op: 'uniform', minval: num(params, 'minval'), maxval: num(params, 'maxval') };
  if (type === 'truncated_normal') return { op: 'truncated_normal', mean: num(params, 'mean'), stddev: num(params, 'stddev') };
  const [scale, mode, distribution] = VARIANCE_PRESETS[type] ?? [num(params, 'scale'), word(params, 'mode'), word(params, 'distribution')];
  const s = kerasSpread(scale, mode, distribution, num(params, 'fan_in'), num(params, 'fan_out'));
  if (s.distribution === 'uniform') return { op: 'uniform', minval: -s.limit, maxval: s.limit };
  return { op: s.distribution, mean: 0, stddev: s.stddev };
}

export const kerasMode: CompatMode = {
  name: 'keras',
  follows: 'Keras 3.15 TensorFlow backend / tf.keras on TensorFlow 2.21 CPU (stateless Philox4x32-10, float32 Box-Muller with glibc 2.28+ logf/sincosf)',
  initializers: NAMES,
  problem(tensors, i) {
    const t = tensors[i]!;
    const type = t.initializer.type;
    return firstProblem(
      () => typeProblem('keras', t, NAMES),
      () => dtypeProblem('keras', t, ['float32'], "TF draws other dtypes with other samplers (float64 with double log/sin/cos); Keras's floatx is float32"),
      () => (isConstantInitializer(type) ? undefined : integerSeedProblem('keras', t.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'Keras takes int seeds; it uses seed mod 2147483646')),
      () => boundsProblem('keras', t),
      () => (VARIANCE_SCALED.includes(type) ? fansProblem('keras', t, layoutFans(t, 'keras'), "Keras's compute_fans, kernel (..., in, out)") : undefined),
    );
  },
  open(tensors) {
    return (i) => {
      const t = tensors[i]!;
      return isConstantInitializer(t.initializer.type) ? constantDrawer(t) : kerasDrawer(t.seed as number, drawOf(t));
    };
  },
};
