/*
 * A known pitfall of per-tensor seeding (Keras, tfjs): two tensors with the same seed start from the
 * same generator state, so their values share a prefix (or are transforms of the same uniforms).
 * Our own stream avoids it by mixing the tensor name into the seed; compat modes must reproduce it,
 * so the summary should say so.
 */
import { isConstantInitializer } from './constant.js';
import type { CompatModeName, CompatTensor } from './types.js';

/**
 * Names of the random tensors that share a seed with another one, grouped by seed, in spec order.
 * Empty for torch, whose one generator continues from tensor to tensor.
 */
export function sharedSeedGroups(mode: CompatModeName, tensors: readonly CompatTensor[]): string[][] {
  if (mode === 'torch') return [];
  const bySeed = new Map<string, string[]>();
  for (const t of tensors) {
    if (isConstantInitializer(t.initializer.type) || t.shape.includes(0)) continue;
    const key = JSON.stringify(t.seed);
    bySeed.set(key, [...(bySeed.get(key) ?? []), t.name]);
  }
  return [...bySeed.values()].filter((names) => names.length > 1);
}
