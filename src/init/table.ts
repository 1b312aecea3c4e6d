import { fillTruncatedNormal } from '../rng/truncated.js';
import { fillUniform } from '../rng/uniform.js';
import { fillNormal } from '../rng/ziggurat.js';
import { standardNormalCdf } from '../stats/normal.js';
import { n, needGenerator, type InitializerDef } from './def.js';
import { computeFans, type KernelLayout } from './fans.js';
import { normalReach } from './overflow.js';
import { num, type ParamDef, type ParamValues } from './params.js';
import { POSITIONAL_INITIALIZERS } from './positional.js';
import { SCALED_INITIALIZERS, TRUNCATE_AT } from './scaled.js';
import type { Spread } from './scaling.js';
import { paramsByName } from './names.js';

export { paramProblem, type ParamDef, type ParamValues } from './params.js';
export type { BlockAt, InitializerDef, ParamsProblem, Reach } from './def.js';
export { fillSpread } from './scaled.js';
export { overflowProblem, NORMAL_Z_MAX } from './overflow.js';

/** Absolute bounds a, b must keep at least this much of the normal's mass (at most ~100 draws per value). */
export const MIN_TRUNCATED_MASS = 0.01;

/** Values of parameters with presence 'derived', from the tensor's shape and the layout. */
export function deriveParam(name: string, shape: readonly number[], layout: KernelLayout): number | string {
  if (name === 'layout') return layout;
  const fans = computeFans(shape, layout);
  if (name === 'fan_in') return fans.fanIn;
  if (name === 'fan_out') return fans.fanOut;
  throw new Error(`internal: no rule derives parameter ${name}`);
}

/** A row of one value everywhere. */
const constant = (name: string, summary: string, params: readonly ParamDef[], value: (p: ParamValues) => number): InitializerDef => ({
  name,
  summary,
  params,
  random: false,
  reach: (p) => ({ magnitude: Math.abs(value(p)) }),
  fill(p, _g, out, start, end) {
    out.fill(value(p), start, end);
  },
});

/** The initializers, by name. Adding one is adding a row. */
export const INITIALIZERS: readonly InitializerDef[] = [
  {
    name: 'normal',
    summary: 'normal distribution: mean + stddev * z (Keras RandomNormal)',
    params: [n('mean', 'default', 'finite', 'mean of the distribution', 0), n('stddev', 'default', 'nonnegative', 'standard deviation', 0.05)],
    random: true,
    reach: (p) => normalReach(num(p, 'mean'), num(p, 'stddev')),
    normal: (p) => ({ mean: num(p, 'mean'), stddev: num(p, 'stddev') }),
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
      const lo = num(p, 'minval');
      const hi = num(p, 'maxval');
      if (hi < lo) return { param: 'maxval', rule: `must be >= minval (${lo})`, value: p.maxval };
      // Values are minval + (maxval - minval) * u: an infinite span gives infinities in any dtype.
      return Number.isFinite(hi - lo) ? undefined : { param: '', rule: 'has maxval - minval past the largest float64', value: { type: 'uniform', ...p } };
    },
    reach: (p) => ({ magnitude: Math.max(Math.abs(num(p, 'minval')), Math.abs(num(p, 'maxval'))) }),
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
    // Every value lies within [a, b], or within mean ± 2 stddev.
    reach: (p) => (p.a !== undefined
      ? { magnitude: Math.max(Math.abs(num(p, 'a')), Math.abs(num(p, 'b'))) }
      : { magnitude: Math.abs(num(p, 'mean')) + TRUNCATE_AT * num(p, 'stddev') }),
    fill(params, g, out, start, end) {
      const mean = num(params, 'mean');
      const sd = num(params, 'stddev');
      const bounded = params.a !== undefined;
      const lo = bounded ? (num(params, 'a') - mean) / sd : -TRUNCATE_AT;
      const hi = bounded ? (num(params, 'b') - mean) / sd : TRUNCATE_AT;
      fillTruncatedNormal(needGenerator(g), out, start, end, mean, sd, lo, hi);
    },
  },
  constant('zeros', 'all 0', [], () => 0),
  constant('ones', 'all 1', [], () => 1),
  constant('constant', 'all equal to value', [n('value', 'required', 'finite', 'the value of every element')], (p) => num(p, 'value')),
  ...SCALED_INITIALIZERS,
  ...POSITIONAL_INITIALIZERS,
];

export const INITIALIZER_NAMES = INITIALIZERS.map((d) => d.name);

/** Every parameter of every initializer, by name, with the initializers that use it (the CLI makes a flag of each). */
export const PARAMS = paramsByName(INITIALIZERS);

export const PARAM_NAMES = [...PARAMS.keys()];

export function findInitializer(name: string): InitializerDef | undefined {
  return INITIALIZERS.find((d) => d.name === name);
}


/** The distribution and stddev or limit of a scaled initializer for a resolved tensor, else undefined. */
export function spreadOf(tensor: { readonly initializer: { readonly type: string; readonly params: ParamValues } }): Spread | undefined {
  return findInitializer(tensor.initializer.type)?.spread?.(tensor.initializer.params);
}
