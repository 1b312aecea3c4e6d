import type { Dtype } from '../dtype/table.js';
import type { ParamValues } from '../init/params.js';
import type { Seed } from '../rng/seed.js';

/** The frameworks whose own seeded streams a compat mode reproduces. */
export type CompatModeName = 'keras' | 'numpy' | 'tfjs' | 'torch';

/** One tensor to draw in a compat mode: a resolved spec tensor (its params hold fan_in/fan_out). */
export interface CompatTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: Dtype;
  readonly seed: Seed;
  readonly initializer: { readonly type: string; readonly params: ParamValues };
}

/**
 * Why a mode cannot draw a tensor: `field` is relative to the tensor (`seed`, `dtype`,
 * `initializer.type`, `initializer.params.minval`), `rule` says what the mode supports.
 */
export interface CompatProblem {
  readonly field: string;
  readonly rule: string;
  readonly value: unknown;
}

/**
 * Draws one tensor's values in order. `fill` writes the next `end - start` values into
 * out[start, end): each is exactly the framework's value before its final cast to the dtype (a float64
 * for numpy, a float32-representable number for tfjs and torch), so rounding it once to the dtype
 * gives the framework's element.
 */
export interface TensorDrawer {
  fill(out: Float64Array, start: number, end: number): void;
}

/** A compat mode: what it supports and how it draws. */
export interface CompatMode {
  readonly name: CompatModeName;
  /** The framework and version whose numbers it reproduces (for provenance and the summary). */
  readonly follows: string;
  /** Initializer types it draws (for error messages and help). */
  readonly initializers: readonly string[];
  /** Why the mode cannot draw tensor `i` of `tensors`, or undefined. */
  problem(tensors: readonly CompatTensor[], i: number): CompatProblem | undefined;
  /**
   * A session over all tensors, in order: torch's one generator is shared by every tensor, so tensor
   * i's drawer must be exhausted before tensor i + 1's is opened.
   */
  open(tensors: readonly CompatTensor[]): (i: number) => TensorDrawer;
}
