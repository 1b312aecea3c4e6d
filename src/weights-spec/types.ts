import type { KernelLayout } from '../init/fans.js';
import type { ParamValues } from '../init/params.js';
import type { Dtype } from '../dtype/table.js';
import type { Seed } from '../rng/seed.js';
import type { CompatModeName } from '../compat/types.js';

/** Current version of the spec file schema. */
export const SPEC_VERSION = 1;

/**
 * Most tensors a spec may resolve to (from `layers` and `tensors` together); more is refused up
 * front, before any per-tensor work. Measured peak RSS of `gen` (issue 9 #8, 200 MB for inputs
 * under 100 MB): 100k tensors to safetensors ~180 MB, npz ~135 MB; a million took ~600 MB. The
 * largest checkpoints (DeepSeek-V3, MoE) have ~91k tensors.
 */
export const MAX_TENSORS = 100_000;

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
  /**
   * Rows along the first dimension set to exactly 0 after the initializer draws (an embedding's
   * padding_idx): sorted, unique, each below shape[0]. Absent when none (the stream is unchanged).
   */
  readonly zeroRows?: readonly number[];
  /**
   * What chose the initializer, for the printed spec: "defaults" or a rule (`rules[2] "**.bias"`).
   * Absent when the tensor's own field or its layer did.
   */
  readonly chosenBy?: string;
}

/** A rule of the spec (the user's, then a `like` source's) and how many tensors it took. */
export interface RuleUse {
  /** `rules[2] "**.bias"`, as tensors' chosenBy names it. */
  readonly rule: string;
  readonly description?: string;
  /** Tensors whose initializer (or dtype, seed) this rule decided: the first rule that matched. */
  readonly taken: number;
}

/** A resolved spec: what `gen` writes. */
export interface WeightsSpec {
  readonly version: number;
  /** File-level seed (tensors may override it). */
  readonly seed: Seed;
  /** True when no seed was given and one was drawn for this run. */
  readonly seedDrawn: boolean;
  readonly dtype: Dtype;
  /** Kernel layout used for fans and layer shapes (spec field `layout`, or the `layout` override). */
  readonly layout: KernelLayout;
  readonly tensors: readonly TensorSpec[];
  /** The spec's description, if it has one (a `like` source writes one). */
  readonly description?: string;
  /** The rules, in order, with their counts; absent when the spec has none. */
  readonly rules?: readonly RuleUse[];
  /**
   * Draw every tensor as this framework's own seeded initializer does (spec field `compat`,
   * docs/compat/), instead of init-weights' stream. Absent: the stream (docs/stream.md).
   */
  readonly compat?: CompatModeName;
}
