import { writeFileSync } from 'node:fs';
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

/**
 * Write a spec of `count` small tensors (shape [2], glorot_uniform, seed 1), named
 * `layers.<i>.weight` or by `name`, to `path`: the many-tensor inputs of the memory tests.
 */
export function writeManyTensorSpec(path: string, count: number, name: (i: number) => string = (i) => `layers.${i}.weight`): void {
  writeFileSync(path, JSON.stringify({
    seed: 1,
    tensors: Array.from({ length: count }, (_, i) => ({ name: name(i), shape: [2], initializer: 'glorot_uniform' })),
  }));
}
