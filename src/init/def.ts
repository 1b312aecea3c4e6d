import type { Tychei } from '../rng/tychei.js';
import type { Seed } from '../rng/seed.js';
import type { ChoiceParam, NumberParam, ParamDef, ParamValues } from './params.js';
import type { Spread } from './scaling.js';

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

/** The largest magnitude an initializer's values can take, and how it follows from the parameters. */
export interface Reach {
  readonly magnitude: number;
  /** Words for a bound that is not plain from the parameters (normal draws), shown when it overflows. */
  readonly note?: string;
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
   * The largest |value| `fill` can produce (before rounding): a dtype whose largest finite value is
   * below it is refused (see overflow.ts), so no initializer writes infinity from finite parameters.
   */
  reach(params: ParamValues): Reach;
  /** For scaled initializers: the distribution and its stddev or limit, from the resolved parameters. */
  spread?(params: ParamValues): Spread;
  /**
   * When `fill` is exactly `fillNormal(g, out, start, end, mean, stddev)`: those two numbers, so whole
   * groups of blocks can be drawn by the SIMD kernel (rng/normal4.ts), which gives the same values.
   */
  normal?(params: ParamValues): { mean: number; stddev: number } | undefined;
  /**
   * Fill out[start, end) with values in float64 (or straight into a Float32Array, which rounds once).
   * `g` is the block's generator when `random`, else undefined; `at` is the block's position.
   */
  fill(params: ParamValues, g: Tychei | undefined, out: Float64Array | Float32Array, start: number, end: number, at?: BlockAt): void;
}

/** A number parameter's row. */
export const n = (name: string, presence: NumberParam['presence'], rule: NumberParam['rule'], doc: string, dflt?: number): NumberParam =>
  ({ name, kind: 'number', presence, rule, doc, ...(dflt !== undefined ? { default: dflt } : {}) });
/** A choice parameter's row: derived from the shape or layout when it has no default. */
export const c = (name: string, choices: readonly string[], doc: string, dflt?: string): ChoiceParam =>
  ({ name, kind: 'choice', presence: dflt === undefined ? 'derived' : 'default', choices, doc, ...(dflt !== undefined ? { default: dflt } : {}) });

export const FAN_IN = n('fan_in', 'derived', 'nonnegative', 'fan_in (default: from the shape and the kernel layout)');
export const FAN_OUT = n('fan_out', 'derived', 'nonnegative', 'fan_out (default: from the shape and the kernel layout)');
export const GAIN = n('gain', 'default', 'finite', 'multiplier of the values', 1);

export function needGenerator(g: Tychei | undefined): Tychei {
  if (g === undefined) throw new Error('internal: a random initializer was called without a generator');
  return g;
}

export function needAt(at: BlockAt | undefined, name: string): BlockAt {
  if (at === undefined) throw new Error(`internal: ${name} needs the block's position (call fillInitializerBlock)`);
  return at;
}
