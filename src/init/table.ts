import { BLOCK_SIZE } from '../rng/stream.js';
import type { Tychei } from '../rng/tychei.js';
import { fillTruncatedNormal } from '../rng/truncated.js';
import { fillUniform } from '../rng/uniform.js';
import { fillNormal } from '../rng/ziggurat.js';
import type { Seed } from '../rng/seed.js';
import { standardNormalCdf } from '../stats/normal.js';
import { computeFans, isKernelLayout, KERNEL_LAYOUTS, type KernelLayout } from './fans.js';
import { NONLINEARITIES } from './gain.js';
import { orthogonalProblem, orthogonalValues } from './orthogonal.js';
import { num, word, type ChoiceParam, type NumberParam, type ParamDef, type ParamValues } from './params.js';
import { kaimingSpread, kerasSpread, VARIANCE_DISTRIBUTIONS, VARIANCE_MODES, xavierSpread, type Spread } from './scaling.js';

export { paramProblem, type ParamDef, type ParamValues } from './params.js';

/** Where a block sits: initializers that need the element's position (orthogonal, identity) read it. */
export interface BlockAt {
  readonly tensor: { readonly seed: Seed; readonly name: string; readonly shape: readonly number[] };
  readonly block: number;
}

/** A rule between parameters, or between parameters and the shape, that failed. */
export interface ParamsProblem {
  /** The parameter at fault ('' for the initializer as a whole). */
  readonly param: string;
  readonly rule: string;
  readonly value: unknown;
}

/** One row of the initializer table: read by the spec parser, the CLI's choices and its help. */
export interface InitializerDef {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamDef[];
  /** Whether values depend on the seed (constant initializers need no generator). */
  readonly random: boolean;
  /** Whether `fill` needs `at` (the block's position in the tensor). */
  readonly positional?: boolean;
  /** Rules across parameters and the shape, checked when the spec is resolved. */
  check?(params: ParamValues, shape: readonly number[]): ParamsProblem | undefined;
  /**
   * Parameters that can only write infinities in `dtype` (largest finite value `max`): the rule, or
   * undefined. (Normal draws past a narrow dtype round to infinity by docs/stream.md: not refused.)
   */
  overflow?(params: ParamValues, dtype: string, max: number): string | undefined;
  /** For scaled initializers: the distribution and its stddev or limit, from the resolved parameters. */
  spread?(params: ParamValues): Spread;
  /**
   * Fill out[start, end) with values in float64 (or straight into a Float32Array, which rounds once).
   * `g` is the block's generator when `random`, else undefined; `at` is the block's position.
   */
  fill(params: ParamValues, g: Tychei | undefined, out: Float64Array | Float32Array, start: number, end: number, at?: BlockAt): void;
}

/** The overflow rule's words, for a value of magnitude `reach`. */
function pastMax(reach: number, dtype: string, max: number): string | undefined {
  return reach > max || !Number.isFinite(reach) ? `reaches values past the largest finite ${dtype} (${max}), which would be written as infinity` : undefined;
}

/** Keras (and JAX) truncate at 2 standard deviations: draws beyond are redrawn. */
const TRUNCATE_AT = 2;
/** Absolute bounds a, b must keep at least this much of the normal's mass (at most ~100 draws per value). */
export const MIN_TRUNCATED_MASS = 0.01;

const n = (name: string, presence: NumberParam['presence'], rule: NumberParam['rule'], doc: string, dflt?: number): NumberParam =>
  ({ name, kind: 'number', presence, rule, doc, ...(dflt !== undefined ? { default: dflt } : {}) });
const c = (name: string, choices: readonly string[], doc: string, dflt?: string): ChoiceParam =>
  ({ name, kind: 'choice', presence: dflt === undefined ? 'derived' : 'default', choices, doc, ...(dflt !== undefined ? { default: dflt } : {}) });

const FAN_IN = n('fan_in', 'derived', 'nonnegative', 'fan_in (default: from the shape and --layout)');
const FAN_OUT = n('fan_out', 'derived', 'nonnegative', 'fan_out (default: from the shape and --layout)');
const GAIN = n('gain', 'default', 'finite', 'multiplier of the values', 1);

/** Values of parameters with presence 'derived', from the tensor's shape and the layout. */
export function deriveParam(name: string, shape: readonly number[], layout: KernelLayout): number | string {
  if (name === 'layout') return layout;
  const fans = computeFans(shape, layout);
  if (name === 'fan_in') return fans.fanIn;
  if (name === 'fan_out') return fans.fanOut;
  throw new Error(`internal: no rule derives parameter ${name}`);
}

function needGenerator(g: Tychei | undefined): Tychei {
  if (g === undefined) throw new Error('internal: a random initializer was called without a generator');
  return g;
}

function needAt(at: BlockAt | undefined, name: string): BlockAt {
  if (at === undefined) throw new Error(`internal: ${name} needs the block's position (call fillInitializerBlock)`);
  return at;
}

/** Draw values of a spread: truncated normal (±2 stddev), normal, or uniform(-limit, limit). */
export function fillSpread(s: Spread, g: Tychei, out: Float64Array | Float32Array, start: number, end: number): void {
  if (s.distribution === 'truncated_normal') fillTruncatedNormal(g, out, start, end, 0, s.stddev, -TRUNCATE_AT, TRUNCATE_AT);
  else if (s.distribution === 'normal') fillNormal(g, out, start, end, 0, s.stddev);
  else fillUniform(g, out, start, end, -s.limit, s.limit);
}

const constant = (value: (p: ParamValues) => number): InitializerDef['fill'] =>
  (params, _g, out, start, end) => {
    out.fill(value(params), start, end);
  };

/** A row whose values are a spread computed from its parameters (and fans). */
function scaled(name: string, summary: string, params: readonly ParamDef[], spread: (p: ParamValues) => Spread): InitializerDef {
  return {
    name,
    summary,
    params,
    random: true,
    spread,
    fill(p, g, out, start, end) {
      fillSpread(spread(p), needGenerator(g), out, start, end);
    },
  };
}

/** A Keras preset: VarianceScaling with a fixed scale, mode and distribution. */
const keras = (name: string, scale: number, mode: string, distribution: string): InitializerDef =>
  scaled(name, `Keras ${name}: variance_scaling(scale=${scale}, ${mode}, ${distribution})`, [FAN_IN, FAN_OUT], (p) =>
    kerasSpread(scale, mode, distribution, num(p, 'fan_in'), num(p, 'fan_out')));

const KAIMING_PARAMS: readonly ParamDef[] = [
  n('a', 'default', 'finite', 'kaiming: negative slope of the rectifier after this layer (leaky_relu)', 0),
  c('mode', ['fan_in', 'fan_out'], 'which fan the variance is scaled by', 'fan_in'),
  c('nonlinearity', NONLINEARITIES, "kaiming: the nonlinearity after this layer (torch's gain table)", 'leaky_relu'),
  FAN_IN,
  FAN_OUT,
];

/** The initializers, by name. Adding one is adding a row. */
export const INITIALIZERS: readonly InitializerDef[] = [
  {
    name: 'normal',
    summary: 'normal distribution: mean + stddev * z (Keras RandomNormal)',
    params: [n('mean', 'default', 'finite', 'mean of the distribution', 0), n('stddev', 'default', 'nonnegative', 'standard deviation', 0.05)],
    random: true,
    fill(params, g, out, start, end) {
      fillNormal(needGenerator(g), out, start, end, num(params, 'mean'), num(params, 'stddev'));
    },
  },
  {
    name: 'uniform',
    summary: 'uniform on [minval, maxval) (Keras RandomUniform)',
    params: [n('minval', 'default', 'finite', 'uniform: lower bound', -0.05), n('maxval', 'default', 'finite', 'uniform: upper bound', 0.05)],
    random: true,
    check(p) {
      return num(p, 'maxval') < num(p, 'minval') ? { param: 'maxval', rule: `must be >= minval (${num(p, 'minval')})`, value: p.maxval } : undefined;
    },
    overflow(p, dtype, max) {
      if (!Number.isFinite(num(p, 'maxval') - num(p, 'minval'))) return 'has maxval - minval past the largest float64';
      return pastMax(Math.max(Math.abs(num(p, 'minval')), Math.abs(num(p, 'maxval'))), dtype, max);
    },
    fill(params, g, out, start, end) {
      fillUniform(needGenerator(g), out, start, end, num(params, 'minval'), num(params, 'maxval'));
    },
  },
  {
    name: 'truncated_normal',
    summary: 'normal redrawn beyond mean ± 2 stddev (Keras TruncatedNormal; stddev before truncation), or outside [a, b] (torch trunc_normal_)',
    params: [
      n('mean', 'default', 'finite', 'mean of the distribution', 0),
      n('stddev', 'default', 'nonnegative', 'standard deviation', 0.05),
      n('a', 'optional', 'finite', 'truncated_normal: absolute lower bound (with b; default mean - 2 stddev)'),
      n('b', 'optional', 'finite', 'truncated_normal: absolute upper bound (with a; default mean + 2 stddev)'),
    ],
    random: true,
    check(p) {
      const hasA = p.a !== undefined;
      const hasB = p.b !== undefined;
      if (hasA !== hasB) return { param: hasA ? 'b' : 'a', rule: 'is required when the other bound is given (give a and b together)', value: undefined };
      if (!hasA) return undefined;
      const a = num(p, 'a');
      const b = num(p, 'b');
      const mean = num(p, 'mean');
      const sd = num(p, 'stddev');
      if (!(a < b)) return { param: 'b', rule: `must be > a (${a})`, value: b };
      if (sd === 0) return { param: 'stddev', rule: 'must be > 0 when bounds a and b are given', value: sd };
      const mass = standardNormalCdf((b - mean) / sd) - standardNormalCdf((a - mean) / sd);
      if (!(mass >= MIN_TRUNCATED_MASS)) {
        return { param: 'a', rule: `[a, b] must keep at least ${MIN_TRUNCATED_MASS} of N(mean, stddev²)'s mass (it keeps ${mass.toPrecision(3)}; each value is redrawn until inside)`, value: a };
      }
      return undefined;
    },
    fill(params, g, out, start, end) {
      const mean = num(params, 'mean');
      const sd = num(params, 'stddev');
      const bounded = params.a !== undefined;
      const lo = bounded ? (num(params, 'a') - mean) / sd : -TRUNCATE_AT;
      const hi = bounded ? (num(params, 'b') - mean) / sd : TRUNCATE_AT;
      fillTruncatedNormal(needGenerator(g), out, start, end, mean, sd, lo, hi);
    },
  },
  { name: 'zeros', summary: 'all 0', params: [], random: false, fill: constant(() => 0) },
  { name: 'ones', summary: 'all 1', params: [], random: false, fill: constant(() => 1) },
  {
    name: 'constant',
    summary: 'all equal to value',
    params: [n('value', 'required', 'finite', 'the value of every element')],
    random: false,
    overflow: (p, dtype, max) => pastMax(Math.abs(num(p, 'value')), dtype, max),
    fill: constant((p) => num(p, 'value')),
  },
  scaled(
    'variance_scaling',
    'Keras VarianceScaling: s = scale / max(1, fan); stddev sqrt(s)/0.8796 (truncated), sqrt(s), or limit sqrt(3 s)',
    [
      n('scale', 'default', 'positive', 'variance_scaling: scaling factor', 1),
      c('mode', VARIANCE_MODES, 'which fan the variance is scaled by', 'fan_in'),
      c('distribution', VARIANCE_DISTRIBUTIONS, 'variance_scaling: the distribution drawn from', 'truncated_normal'),
      FAN_IN,
      FAN_OUT,
    ],
    (p) => kerasSpread(num(p, 'scale'), word(p, 'mode'), word(p, 'distribution'), num(p, 'fan_in'), num(p, 'fan_out')),
  ),
  keras('glorot_normal', 1, 'fan_avg', 'truncated_normal'),
  keras('glorot_uniform', 1, 'fan_avg', 'uniform'),
  keras('he_normal', 2, 'fan_in', 'truncated_normal'),
  keras('he_uniform', 2, 'fan_in', 'uniform'),
  keras('lecun_normal', 1, 'fan_in', 'truncated_normal'),
  keras('lecun_uniform', 1, 'fan_in', 'uniform'),
  scaled('xavier_normal', 'torch xavier_normal_: normal, std = gain * sqrt(2 / (fan_in + fan_out))', [GAIN, FAN_IN, FAN_OUT], (p) =>
    xavierSpread(num(p, 'gain'), false, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('xavier_uniform', 'torch xavier_uniform_: uniform, bound = sqrt(3) * gain * sqrt(2 / (fan_in + fan_out))', [GAIN, FAN_IN, FAN_OUT], (p) =>
    xavierSpread(num(p, 'gain'), true, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('kaiming_normal', 'torch kaiming_normal_: normal, std = gain(nonlinearity, a) / sqrt(fan)', KAIMING_PARAMS, (p) =>
    kaimingSpread(num(p, 'a'), word(p, 'mode'), word(p, 'nonlinearity'), false, num(p, 'fan_in'), num(p, 'fan_out'))),
  scaled('kaiming_uniform', 'torch kaiming_uniform_: uniform, bound = sqrt(3) * gain(nonlinearity, a) / sqrt(fan)', KAIMING_PARAMS, (p) =>
    kaimingSpread(num(p, 'a'), word(p, 'mode'), word(p, 'nonlinearity'), true, num(p, 'fan_in'), num(p, 'fan_out'))),
  {
    name: 'orthogonal',
    summary: 'gain * Q of the QR of a normal matrix (Keras Orthogonal, torch orthogonal_); whole matrix in memory',
    params: [GAIN, c('layout', KERNEL_LAYOUTS, 'orthogonal: keras rows = prod(shape[:-1]); torch rows = shape[0] (default: --layout)')],
    random: true,
    positional: true,
    check(p, shape) {
      const layout = word(p, 'layout');
      const problem = isKernelLayout(layout) ? orthogonalProblem(shape, layout) : undefined;
      return problem === undefined ? undefined : { param: '', rule: problem, value: shape };
    },
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

export const INITIALIZER_NAMES = INITIALIZERS.map((d) => d.name);

/** Every parameter of every initializer, by name, with the initializers that use it (the CLI makes a flag of each). */
export const PARAMS: ReadonlyMap<string, { readonly defs: readonly ParamDef[]; readonly users: readonly string[] }> = (() => {
  const m = new Map<string, { defs: ParamDef[]; users: string[] }>();
  for (const d of INITIALIZERS) {
    for (const p of d.params) {
      const e = m.get(p.name) ?? { defs: [], users: [] };
      e.defs.push(p);
      e.users.push(d.name);
      m.set(p.name, e);
    }
  }
  return m;
})();

export const PARAM_NAMES = [...PARAMS.keys()];

export function findInitializer(name: string): InitializerDef | undefined {
  return INITIALIZERS.find((d) => d.name === name);
}

/** The CLI flag of a parameter: `--fan-in` for fan_in. */
export function paramFlag(name: string): string {
  return `--${name.replace(/_/g, '-')}`;
}

/** The distribution and stddev or limit of a scaled initializer for a resolved tensor, else undefined. */
export function spreadOf(tensor: { readonly initializer: { readonly type: string; readonly params: ParamValues } }): Spread | undefined {
  return findInitializer(tensor.initializer.type)?.spread?.(tensor.initializer.params);
}
