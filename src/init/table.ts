import type { Tychei } from '../rng/tychei.js';
import { fillNormal } from '../rng/ziggurat.js';

/** A numeric parameter of an initializer. */
export interface ParamDef {
  readonly name: string;
  /** Used when the spec leaves the parameter out; absent means required. */
  readonly default?: number;
  /** 'finite': any finite number; 'nonnegative': finite and >= 0. */
  readonly rule: 'finite' | 'nonnegative';
  readonly doc: string;
}

/** One row of the initializer table: read by the spec parser, the CLI's choices and its help. */
export interface InitializerDef {
  readonly name: string;
  readonly summary: string;
  readonly params: readonly ParamDef[];
  /** Whether values depend on the seed (constant initializers need no generator). */
  readonly random: boolean;
  /**
   * Fill out[start, end) with values in float64 (or straight into a Float32Array, which rounds once).
   * `g` is the block's generator when `random`, else undefined.
   */
  fill(
    params: Readonly<Record<string, number>>,
    g: Tychei | undefined,
    out: Float64Array | Float32Array,
    start: number,
    end: number,
  ): void;
}

const constant = (value: (p: Readonly<Record<string, number>>) => number): InitializerDef['fill'] =>
  (params, _g, out, start, end) => {
    out.fill(value(params), start, end);
  };

/** The initializers, by name. Adding one is adding a row. */
export const INITIALIZERS: readonly InitializerDef[] = [
  {
    name: 'normal',
    summary: 'normal distribution: mean + stddev * z (Keras RandomNormal)',
    params: [
      { name: 'mean', default: 0, rule: 'finite', doc: 'mean of the distribution' },
      { name: 'stddev', default: 0.05, rule: 'nonnegative', doc: 'standard deviation' },
    ],
    random: true,
    fill(params, g, out, start, end) {
      fillNormal(g!, out, start, end, params.mean!, params.stddev!);
    },
  },
  { name: 'zeros', summary: 'all 0', params: [], random: false, fill: constant(() => 0) },
  { name: 'ones', summary: 'all 1', params: [], random: false, fill: constant(() => 1) },
  {
    name: 'constant',
    summary: 'all equal to value',
    params: [{ name: 'value', rule: 'finite', doc: 'the value of every element' }],
    random: false,
    fill: constant((p) => p.value!),
  },
];

export const INITIALIZER_NAMES = INITIALIZERS.map((d) => d.name);

/** What is wrong with `value` for parameter `p`, or undefined when it is fine. */
export function paramProblem(p: ParamDef, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
  if (p.rule === 'nonnegative' && value < 0) return 'must be >= 0';
  return undefined;
}

/** Every parameter name of every initializer (the CLI makes a flag of each). */
export const PARAM_NAMES = [...new Set(INITIALIZERS.flatMap((d) => d.params.map((p) => p.name)))];

export function findInitializer(name: string): InitializerDef | undefined {
  return INITIALIZERS.find((d) => d.name === name);
}
