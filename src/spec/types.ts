import type { Dtype } from './dtype.js';
import type { Seed } from './seed.js';

/** Current version of the spec file schema. */
export const SPEC_VERSION = 1;

/** An initializer with all of its parameters resolved (defaults filled in). */
export interface InitializerSpec {
  readonly type: string;
  readonly params: Readonly<Record<string, number>>;
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
  readonly tensors: readonly TensorSpec[];
}
