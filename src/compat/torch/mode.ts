/*
 * `torch` compat mode: one CPU generator, torch.manual_seed(seed), every tensor drawn from it in
 * spec order with torch.nn.init's functions (normal_, uniform_, trunc_normal_, xavier_*, kaiming_*; zeros_, ones_,
 * constant_, eye_ draw nothing), float32 as torch 2.13 computes it on x86 CPUs with AVX2/AVX-512.
 * A spec in a module's registration order (weight, then bias) gives `torch.manual_seed(seed);
 * Module()`'s state_dict.
 */
import { num, word } from '../../init/params.js';
import { kaimingSpread, xavierSpread, type Spread } from '../../init/scaling.js';
import { constantDrawer, CONSTANT_INITIALIZERS, isConstantInitializer } from '../constant.js';
import { dtypeProblem, fansProblem, firstProblem, integerSeedProblem, layoutFans, sizeOf, typeProblem } from '../support.js';
import type { CompatMode, CompatProblem, CompatTensor, TensorDrawer } from '../types.js';
import { TorchGenerator } from './generator.js';
import { MIN_TRUNC_MASS, truncatedMass, truncNormalDrawer } from './trunc-normal.js';

const SCALED = ['xavier_normal', 'xavier_uniform', 'kaiming_normal', 'kaiming_uniform'];
const NAMES = ['normal', 'uniform', 'truncated_normal', ...SCALED, ...CONSTANT_INITIALIZERS];

/** trunc_normal_'s absolute bounds: the spec's a, b, else mean ± 2 stddev. */
function bounds(t: CompatTensor): { mean: number; std: number; a: number; b: number } {
  const p = t.initializer.params;
  const mean = num(p, 'mean');
  const std = num(p, 'stddev');
  return p.a !== undefined ? { mean, std, a: num(p, 'a'), b: num(p, 'b') } : { mean, std, a: mean - 2 * std, b: mean + 2 * std };
}

/** torch.nn.init's arithmetic (in float64, as Python does it) for the scaled initializers. */
function spreadOf(t: CompatTensor): Spread {
  const { type, params: p } = t.initializer;
  const { fanIn, fanOut } = layoutFans(t, 'torch');
  if (type.startsWith('xavier')) return xavierSpread(num(p, 'gain'), type === 'xavier_uniform', fanIn, fanOut);
  return kaimingSpread(num(p, 'a'), word(p, 'mode'), word(p, 'nonlinearity'), type === 'kaiming_uniform', fanIn, fanOut);
}

function drawer(g: TorchGenerator, t: CompatTensor): TensorDrawer {
  const { type, params } = t.initializer;
  if (isConstantInitializer(type)) return constantDrawer(t);
  const size = sizeOf(t.shape);
  if (type === 'normal') return g.normal(size, num(params, 'mean'), num(params, 'stddev'));
  if (type === 'uniform') return g.uniform(num(params, 'minval'), num(params, 'maxval'));
  if (type === 'truncated_normal') {
    const { mean, std, a, b } = bounds(t);
    return truncNormalDrawer(g, size, mean, std, a, b);
  }
  const s = spreadOf(t);
  return s.distribution === 'uniform' ? g.uniform(-s.limit, s.limit) : g.normal(size, 0, s.stddev);
}

function problem(tensors: readonly CompatTensor[], i: number): CompatProblem | undefined {
  const t = tensors[i]!;
  const type = t.initializer.type;
  return firstProblem(
    () => typeProblem('torch', t, NAMES),
    () => dtypeProblem('torch', t, ['float32'], "torch's float64 normal_ goes through glibc's log/sin/cos, which JavaScript cannot reproduce bit for bit"),
    () => integerSeedProblem('torch', t.seed, 0, 0xffffffff, 'torch.manual_seed keeps only the low 32 bits of the seed'),
    () => (t.seed !== tensors[0]!.seed
      ? { field: 'seed', rule: `compat mode torch draws every tensor from one generator, torch.manual_seed(${String(tensors[0]!.seed)}): per-tensor seeds are not supported`, value: t.seed }
      : undefined),
    () => {
      if (type !== 'truncated_normal') return undefined;
      const { mean, std, a, b } = bounds(t);
      if (std === 0) return { field: 'initializer.params.stddev', rule: 'compat mode torch: trunc_normal_ divides by std (torch raises for 0)', value: 0 };
      const p = truncatedMass(mean, std, a, b);
      return p >= MIN_TRUNC_MASS ? undefined
        : { field: 'initializer.params.a', rule: `compat mode torch reproduces trunc_normal_ when [a, b] keeps more than 0.3 of the normal's mass (torch redraws normals); this keeps ${p.toPrecision(3)}, where torch draws uniform proposals with float32 logs`, value: a };
    },
    () => (SCALED.includes(type) && t.shape.length < 2
      ? { field: 'shape', rule: `compat mode torch: torch.nn.init.${type}_ needs at least 2 dimensions to compute fans`, value: t.shape }
      : undefined),
    () => (SCALED.includes(type) && sizeOf(t.shape) === 0
      ? { field: 'shape', rule: `compat mode torch: torch.nn.init.${type}_ skips zero-element tensors with a warning`, value: t.shape }
      : undefined),
    () => (SCALED.includes(type) ? fansProblem('torch', t, layoutFans(t, 'torch'), 'torch _calculate_fan_in_and_fan_out, weight (out, in, *kernel)') : undefined),
  );
}

export const torchMode: CompatMode = {
  name: 'torch',
  follows: 'torch 2.13 CPU generator (MT19937) and torch.nn.init, float32 on x86 with AVX2/AVX-512',
  initializers: NAMES,
  problem,
  open(tensors) {
    const g = new TorchGenerator(tensors.length > 0 ? (tensors[0]!.seed as number) : 0);
    let opened = -1;
    return (i) => {
      if (i !== opened + 1) throw new Error(`internal: torch compat tensors must be drawn in order (asked for ${i} after ${opened})`);
      opened = i;
      return drawer(g, tensors[i]!);
    };
  },
};
