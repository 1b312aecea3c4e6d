/*
 * Integer and bool elements: float64 values (exact integers, checked when the spec was resolved:
 * see src/init/overflow.ts) to the dtype's bytes, and bytes back to numbers. Values are written in
 * the host's order, as the float path does (chunks.ts swaps on a big-endian host), and read as
 * little-endian.
 */
import { DTYPES, type IntegerDtype } from './table.js';

/**
 * Write `values` (integers in the dtype's range) into `out`, which holds exactly
 * values.length * width bytes at an offset aligned to the width. bool writes 1 for any non-zero.
 */
export function writeIntegers(values: Float64Array, out: Uint8Array, dtype: IntegerDtype): void {
  const n = values.length;
  if (out.byteLength !== n * DTYPES[dtype].bytes) throw new RangeError(`internal: ${n} ${dtype} values need ${n * DTYPES[dtype].bytes} bytes, got ${out.byteLength}`);
  if (dtype === 'int64') {
    const view = new BigInt64Array(out.buffer, out.byteOffset, n);
    // Runs of one value (a constant) convert once: BigInt() per element is the slow part.
    let last = NaN;
    let big = 0n;
    for (let i = 0; i < n; i++) {
      const x = values[i]!;
      if (x !== last) {
        big = BigInt(x);
        last = x;
      }
      view[i] = big;
    }
  } else if (dtype === 'int32') {
    new Int32Array(out.buffer, out.byteOffset, n).set(values);
  } else if (dtype === 'uint8') {
    out.set(values);
  } else {
    for (let i = 0; i < n; i++) out[i] = values[i] !== 0 ? 1 : 0;
  }
}

/** Element `i` of little-endian integer data as a number (int64 past 2^53 rounds to the nearest float64). */
export function readIntegerLE(dv: DataView, i: number, dtype: IntegerDtype): number {
  switch (dtype) {
    case 'int64': return Number(dv.getBigInt64(i * 8, true));
    case 'int32': return dv.getInt32(i * 4, true);
    case 'uint8': return dv.getUint8(i);
    case 'bool': return dv.getUint8(i) !== 0 ? 1 : 0;
  }
}
