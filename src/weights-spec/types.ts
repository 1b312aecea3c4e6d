import type { KernelLayout } from '../init/fans.js';
import type { ParamValues } from '../init/params.js';
import type { Dtype } from '../dtype/table.js';
import type { Seed } from '../rng/seed.js';

/** Current version of the spec file schema. */
export const SPEC_VERSION = 1;

/**
 * An initializer with all of its parameters resolved: defaults filled in, and the parameters that
 * come from the shape (fan_in, fan_out, orthogonal's layout) written out, so that the resolved
 * initializer alone decides the values.
 */
export interface InitializerSpec {
  readonly type: string;
  readonly params: ParamValues;
}

/** One tensor to generate, fully resolved. */
export interface TensorSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** Element count (product of shape). */
  readonly size: number;
  readonly dtype: Dtype;
  readonly seed: Seed;
  readonly initializer: InitializerSpec;
}

/** A resolved spec: what `gen` writes. */
export interface WeightsSpec {
  readonly version: number;
  /** File-level seed (tensors may override it). */
  readonly seed: Seed;
  /** True when no seed was given and one was drawn for this run. */
  readonly seedDrawn: boolean;
  readonly dtype: Dtype;
  /** Kernel layout used for fans and layer shapes (spec field `layout`, or `--layout`). */
  readonly layout: KernelLayout;
  readonly tensors: readonly TensorSpec[];
}
