import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import type { Dtype } from '../../src/dtype/table.js';
import type { Seed } from '../../src/rng/seed.js';

/** One resolved tensor for tests. */
export function tensor(
  name: string,
  shape: number[],
  options: { seed?: Seed; dtype?: Dtype; mean?: number; stddev?: number; initializer?: unknown } = {},
): TensorSpec {
  const initializer = options.initializer ?? { type: 'normal', mean: options.mean ?? 0, stddev: options.stddev ?? 0.05 };
  const spec = resolveSpec({ seed: options.seed ?? 42, dtype: options.dtype ?? 'float32', tensors: [{ name, shape, initializer }] });
  return spec.tensors[0]!;
}
