/*
 * `tfjs` compat mode: what @tensorflow/tfjs-layers 4.22's initializers draw (float32), per tensor its
 * seed, like one initializer instance per layer. tfjs quirks: VarianceScaling's 'normal' is a
 * truncated normal with stddev sqrt(scale) and no 0.8796 correction (reproduced); fans of shapes of
 * rank other than 2..5 are sqrt(size) (reproduced); seed 0 is "unseeded" for the normal samplers,
 * and `stddev || 0.05`, `minval || -0.05`, `maxval || 0.05` replace a 0 (refused, not rewritten).
 */
import { num, word } from '../../init/params.js';
import { VARIANCE_PRESETS, VARIANCE_SCALED } from '../presets.js';
import { constantDrawer, CONSTANT_INITIALIZERS, isConstantInitializer } from '../constant.js';
import { boundsProblem, dtypeProblem, fansProblem, firstProblem, integerSeedProblem, layoutFans, sizeOf, typeProblem } from '../support.js';
import type { CompatMode, CompatProblem, CompatTensor, TensorDrawer } from '../types.js';
import { polarDrawer, uniformDrawer } from './draw.js';

const SCALED = VARIANCE_SCALED;
const NAMES = ['normal', 'truncated_normal', 'uniform', ...SCALED, ...CONSTANT_INITIALIZERS];

/** tfjs-layers computeFans (channelsLast): rank 2 and 3..5 as Keras, any other rank sqrt(size) for both. */
export function tfjsFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length >= 2 && shape.length <= 5) return layoutFans({ shape } as CompatTensor, 'keras');
  const f = Math.sqrt(sizeOf(shape));
  return { fanIn: f, fanOut: f };
}

type Draw = { readonly kind: 'polar'; readonly mean: number; readonly stddev: number; readonly truncated: boolean } | { readonly kind: 'uniform'; readonly min: number; readonly max: number };

/** What tfjs draws for a tensor: tfjs-layers' VarianceScaling.apply arithmetic for the scaled ones. */
function drawOf(t: CompatTensor): Draw {
  const { type, params } = t.initializer;
  if (type === 'normal' || type === 'truncated_normal') return { kind: 'polar', mean: num(params, 'mean'), stddev: num(params, 'stddev'), truncated: type === 'truncated_normal' };
  if (type === 'uniform') return { kind: 'uniform', min: num(params, 'minval'), max: num(params, 'maxval') };
  const [scale0, mode, distribution] = VARIANCE_PRESETS[type] ?? [num(params, 'scale'), word(params, 'mode'), word(params, 'distribution')];
  const { fanIn, fanOut } = tfjsFans(t.shape);
  let scale = scale0;
  if (mode === 'fan_in') scale /= Math.max(1, fanIn);
  else if (mode === 'fan_out') scale /= Math.max(1, fanOut);
  else scale /= Math.max(1, (fanIn + fanOut) / 2);
  if (distribution === 'truncated_normal') return { kind: 'polar', mean: 0, stddev: Math.sqrt(scale), truncated: true };
  const limit = Math.sqrt(3 * scale);
  return { kind: 'uniform', min: -limit, max: limit };
}

/** A parameter tfjs-layers replaces when it is 0 (`args.x || default`). */
function zeroProblem(t: CompatTensor, param: string, replacement: number): CompatProblem | undefined {
  if (t.initializer.params[param] !== 0) return undefined;
  return { field: `initializer.params.${param}`, rule: `compat mode tfjs cannot draw ${param} 0: tfjs-layers replaces 0 by its default ${replacement} (\`${param} || ${replacement}\`)`, value: 0 };
}

function problem(tensors: readonly CompatTensor[], i: number): CompatProblem | undefined {
  const t = tensors[i]!;
  const { type, params } = t.initializer;
  if (isConstantInitializer(type)) {
    return firstProblem(
      () => dtypeProblem('tfjs', t, ['float32'], 'tfjs-layers initializers draw float32'),
      () => (type === 'identity' && t.shape[0] !== t.shape[1] ? { field: 'shape', rule: 'compat mode tfjs: tfjs-layers Identity needs a square matrix', value: t.shape } : undefined),
    );
  }
  const draws = typeProblem('tfjs', t, NAMES) === undefined ? drawOf(t) : undefined;
  return firstProblem(
    () => typeProblem('tfjs', t, NAMES),
    () => dtypeProblem('tfjs', t, ['float32'], 'tfjs-layers initializers draw float32'),
    () => integerSeedProblem('tfjs', t.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 'tfjs-layers seeds are numbers, used as alea(String(seed))'),
    () => (draws?.kind === 'polar' && t.seed === 0
      ? { field: 'seed', rule: "compat mode tfjs cannot draw a normal with seed 0: tfjs's MPRandGauss takes seed 0 as no seed (`seed ? seed : Math.random()`) and draws different numbers on every run", value: 0 }
      : undefined),
    () => (type === 'normal' || type === 'truncated_normal' ? zeroProblem(t, 'stddev', 0.05) : undefined),
    () => (type === 'uniform' ? zeroProblem(t, 'minval', -0.05) ?? zeroProblem(t, 'maxval', 0.05) : undefined),
    () => boundsProblem('tfjs', t),
    () => (type === 'variance_scaling' && params.distribution === 'untruncated_normal'
      ? { field: 'initializer.params.distribution', rule: "compat mode tfjs supports variance_scaling distributions truncated_normal (tfjs's 'normal') and uniform; tfjs has no untruncated one", value: params.distribution }
      : undefined),
    () => (SCALED.includes(type) ? fansProblem('tfjs', t, layoutFans(t, 'keras'), 'tfjs-layers computeFans, kernel (..., in, out)') : undefined),
  );
}

export const tfjsMode: CompatMode = {
  name: 'tfjs',
  follows: '@tensorflow/tfjs-layers 4.22 initializers (tfjs-core MPRandGauss / UniformRandom on seedrandom alea)',
  initializers: NAMES,
  problem,
  open(tensors) {
    return (i): TensorDrawer => {
      const t = tensors[i]!;
      if (isConstantInitializer(t.initializer.type)) return constantDrawer(t);
      const d = drawOf(t);
      const seed = t.seed as number;
      return d.kind === 'polar' ? polarDrawer(seed, d.mean, d.stddev, d.truncated) : uniformDrawer(seed, d.min, d.max);
    };
  },
};
