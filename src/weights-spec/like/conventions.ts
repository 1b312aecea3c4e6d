/*
 * The init laws `like` writes as rules, and the raw spec shape it returns. Rules (not per-tensor
 * initializers) so that the printed spec shows the law once and a user's own rules, placed first,
 * override it.
 */

/** One tensor from a `like` source: name, shape and (when the source says) dtype. */
export interface LikeTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype?: string;
  /** Rows transformers zeroes after init (spec field zero_rows: an Embedding's padding_idx). */
  readonly zero_rows?: readonly number[];
}

/** A raw spec (the additive v1 fields) that expandSpec and resolveSpec read. */
export interface LikeSpec {
  readonly description: string;
  readonly dtype?: string;
  /** The kernel layout the source's shapes are in (torch's `(out, in, ...)` for transformers models and their checkpoints). */
  readonly layout?: 'torch';
  readonly tensors: LikeTensor[];
  readonly rules: Record<string, unknown>[];
}

/** A row whose values must be zero after init (an Embedding's padding_idx). */
export interface ZeroRow {
  readonly tensor: string;
  readonly row: number;
}

export const ZEROS = 'zeros';
export const ONES = 'ones';

/** normal(0, stddev): torch's `init.normal_` as transformers' `_init_weights` calls it. */
export function normal(stddev: number): Record<string, unknown> {
  return { type: 'normal', mean: 0, stddev };
}

/** A rule; optional because a table's law may have no tensor of that kind in some configs. */
export function rule(match: string | string[], initializer: unknown, description: string): Record<string, unknown> {
  return { match, initializer, optional: true, description };
}

/**
 * The convention for sources without a law (checkpoint headers, shape dumps): norm weights ones,
 * biases zeros, BatchNorm's running statistics as torch starts them (mean 0, variance 1, count 0),
 * everything else normal(0, 0.02) (transformers' default initializer_range).
 */
export const DEFAULT_RULES: readonly Record<string, unknown>[] = [
  rule(['**.*norm*.weight', '**.*Norm*.weight', '**.ln_*.weight', '**.ln.weight', '**.bn*.weight'], ONES, 'norm weights: ones'),
  rule(['**.running_var', '**.moving_variance'], ONES, 'running variances: ones'),
  rule(['**.running_mean', '**.moving_mean', '**.num_batches_tracked'], ZEROS, 'running means and counts: zeros'),
  rule('**.bias', ZEROS, 'biases: zeros'),
  rule('**', normal(0.02), 'everything else: normal(0, 0.02)'),
];
