import { fillNormal4, simdKernelAvailable, type Normal4Dtype } from '../rng/normal4.js';
import { BLOCK_SIZE, blockGenerator } from '../rng/stream.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { findInitializer } from './table.js';
import { zeroRowsInBlock } from './zero-rows.js';

/**
 * Values of block `block` of a tensor, in float64 or straight into a Float32Array (one rounding),
 * for every initializer, positional ones (orthogonal, identity) included. Returns the block's element
 * count. This is what the stream's `fillBlock` should call.
 */
export function fillInitializerBlock(tensor: TensorSpec, block: number, out: Float64Array | Float32Array): number {
  const def = findInitializer(tensor.initializer.type);
  if (def === undefined) throw new Error(`internal: unknown initializer ${tensor.initializer.type}`);
  const count = Math.min(BLOCK_SIZE, tensor.size - block * BLOCK_SIZE);
  const g = def.random && !def.positional ? blockGenerator(tensor.seed, tensor.name, block) : undefined;
  def.fill(tensor.initializer.params, g, out, 0, count, { tensor, block });
  if (tensor.zeroRows !== undefined) zeroRowsInBlock(tensor.zeroRows, tensor.size / tensor.shape[0]!, block * BLOCK_SIZE, count, out);
  return count;
}

/** Dtypes the SIMD kernel rounds to itself. */
const SIMD_DTYPES: ReadonlySet<string> = new Set<Normal4Dtype>(['float64', 'float32', 'bfloat16', 'float16']);

/**
 * The four whole blocks block .. block + 3 of a tensor at once, through the SIMD kernel, when its
 * initializer is a plain normal draw of a float dtype and the kernel is available; else undefined
 * (draw them block by block). The same values as four fillInitializerBlock calls rounded to the
 * dtype (16-bit floats as their bits), in a view that is valid until the next call on this thread.
 */
export function fillInitializerBlocks4(tensor: TensorSpec, block: number): Float32Array | Float64Array | Uint16Array | undefined {
  if ((block + 4) * BLOCK_SIZE > tensor.size || !SIMD_DTYPES.has(tensor.dtype) || !simdKernelAvailable()) return undefined;
  const normal = findInitializer(tensor.initializer.type)?.normal?.(tensor.initializer.params);
  if (normal === undefined) return undefined;
  const gens = [0, 1, 2, 3].map((l) => blockGenerator(tensor.seed, tensor.name, block + l));
  const out = fillNormal4(gens, BLOCK_SIZE, normal.mean, normal.stddev, tensor.dtype as Normal4Dtype);
  if (tensor.zeroRows !== undefined) {
    // Zeroed rows hold +0, whose bits are 0 in every float format.
    for (let l = 0; l < 4; l++) {
      const start = (block + l) * BLOCK_SIZE;
      zeroRowsInBlock(tensor.zeroRows, tensor.size / tensor.shape[0]!, start, BLOCK_SIZE, out.subarray(l * BLOCK_SIZE, (l + 1) * BLOCK_SIZE));
    }
  }
  return out;
}

/** All of a tensor's values in float64 (before rounding to its dtype): for tests and small tensors. */
export function initializerValues(tensor: TensorSpec): Float64Array {
  const out = new Float64Array(tensor.size);
  for (let b = 0; b * BLOCK_SIZE < tensor.size; b++) {
    fillInitializerBlock(tensor, b, out.subarray(b * BLOCK_SIZE, Math.min(tensor.size, (b + 1) * BLOCK_SIZE)));
  }
  return out;
}
