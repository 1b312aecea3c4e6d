/* Helpers shared by the compat tests: tensors for a mode, and bit-level comparison in a dtype. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { float64ToFloat16Bits } from '../../src/dtype/round.js';
import type { Dtype } from '../../src/dtype/table.js';
import { computeFans, type KernelLayout } from '../../src/init/fans.js';
import type { ParamValues } from '../../src/init/params.js';
import type { CompatTensor } from '../../src/compat/types.js';

/** A compat tensor with fan_in/fan_out resolved from the shape as the spec resolver does. */
export function tensor(name: string, type: string, params: ParamValues, shape: number[], dtype: Dtype, seed: number | string, layout: KernelLayout = 'keras'): CompatTensor {
  const { fanIn, fanOut } = computeFans(shape, layout);
  return { name, shape, dtype, seed, initializer: { type, params: { ...params, fan_in: fanIn, fan_out: fanOut } } };
}

/** Values rounded once to `dtype`, as the raw little-endian bits of that dtype. */
export function bitsOf(values: Float64Array, dtype: Dtype): Uint8Array {
  if (dtype === 'float64') return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  if (dtype === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float64ToFloat16Bits(values[i]!);
  return new Uint8Array(out.buffer);
}

/** How many elements of width `bytes` differ between two byte arrays, and the first that does. */
export function mismatches(a: Uint8Array, b: Uint8Array, bytes: number): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let i = 0; i < a.length; i += bytes) {
    for (let k = 0; k < bytes; k++) {
      if (a[i + k] !== b[i + k]) {
        count++;
        if (first < 0) first = i / bytes;
        break;
      }
    }
  }
  return { count, first };
}

export async function readBin(dir: string, id: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(dir, `${id}.bin`)));
}
