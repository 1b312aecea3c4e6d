import { endianness } from 'node:os';
import { fillInitializerBlock } from '../init/fill.js';
import { bfloat16BitsToNumber as bhalf, float16BitsToNumber as half, roundInto16 } from '../rng/round.js';
import { BLOCK_SIZE } from '../rng/stream.js';
import { DTYPES } from '../spec/dtype.js';
import type { TensorSpec } from '../spec/types.js';

const BIG_ENDIAN_HOST = endianness() === 'BE';

/** Default elements per chunk: 4 blocks (1 MiB of float32). */
export const DEFAULT_CHUNK_BLOCKS = 4;

/**
 * Values of block `block` of a tensor, in float64 or straight into a Float32Array (one rounding).
 * `out` holds at least the block's element count; the block's values depend only on
 * (stream version, seed, name, block) and the initializer.
 */
export function fillBlock(tensor: TensorSpec, block: number, out: Float64Array | Float32Array): number {
  return fillInitializerBlock(tensor, block, out);
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}

/**
 * Encode blocks [first, first + blocks) of a tensor as little-endian bytes of its dtype.
 * Returns a fresh buffer (callers may hold it while writing).
 */
export function encodeBlocks(tensor: TensorSpec, first: number, blocks: number): Buffer {
  const width = DTYPES[tensor.dtype].bytes;
  const startEl = first * BLOCK_SIZE;
  const count = Math.max(0, Math.min(blocks * BLOCK_SIZE, tensor.size - startEl));
  const buf = Buffer.allocUnsafeSlow(count * width);
  if (count === 0) return buf;
  const nBlocks = Math.ceil(count / BLOCK_SIZE);
  if (tensor.dtype === 'float32' || tensor.dtype === 'float64') {
    const view = tensor.dtype === 'float32'
      ? new Float32Array(buf.buffer, buf.byteOffset, count)
      : new Float64Array(buf.buffer, buf.byteOffset, count);
    for (let k = 0; k < nBlocks; k++) {
      fillBlock(tensor, first + k, view.subarray(k * BLOCK_SIZE, Math.min(count, (k + 1) * BLOCK_SIZE)));
    }
  } else {
    const words = new Uint16Array(buf.buffer, buf.byteOffset, count);
    const scratch = new Float64Array(BLOCK_SIZE);
    for (let k = 0; k < nBlocks; k++) {
      const n = fillBlock(tensor, first + k, scratch);
      roundInto16(scratch.subarray(0, n), words.subarray(k * BLOCK_SIZE, k * BLOCK_SIZE + n), tensor.dtype === 'bfloat16');
    }
  }
  if (BIG_ENDIAN_HOST && width > 1) swapBytes(buf, width);
  return buf;
}

/** Byte length of a tensor's data. */
export function tensorByteLength(tensor: TensorSpec): number {
  return tensor.size * DTYPES[tensor.dtype].bytes;
}

/**
 * The tensor's data as little-endian byte chunks of `chunkBlocks` blocks each. The bytes do not
 * depend on the chunk size.
 */
export function* tensorChunks(tensor: TensorSpec, chunkBlocks = DEFAULT_CHUNK_BLOCKS): Generator<Buffer> {
  if (!Number.isSafeInteger(chunkBlocks) || chunkBlocks < 1) throw new RangeError('chunkBlocks must be a positive integer');
  const totalBlocks = Math.ceil(tensor.size / BLOCK_SIZE);
  for (let b = 0; b < totalBlocks; b += chunkBlocks) {
    yield encodeBlocks(tensor, b, Math.min(chunkBlocks, totalBlocks - b));
  }
}

/**
 * Elements [start, start + count) of a tensor as numbers, after rounding to its dtype; any range,
 * aligned to blocks or not. For tests, checks and small tensors.
 */
export function tensorValues(tensor: TensorSpec, start = 0, count = tensor.size - start): Float64Array {
  if (start < 0 || count < 0 || start + count > tensor.size) throw new RangeError('range outside the tensor');
  const out = new Float64Array(count);
  if (count === 0) return out;
  const firstBlock = Math.floor(start / BLOCK_SIZE);
  const lastBlock = Math.floor((start + count - 1) / BLOCK_SIZE);
  const bytes = encodeBlocks(tensor, firstBlock, lastBlock - firstBlock + 1);
  const offset = start - firstBlock * BLOCK_SIZE;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) out[i] = readElement(dv, offset + i, tensor.dtype);
  return out;
}

function readElement(dv: DataView, i: number, dtype: TensorSpec['dtype']): number {
  switch (dtype) {
    case 'float32': return dv.getFloat32(i * 4, true);
    case 'float64': return dv.getFloat64(i * 8, true);
    case 'float16': return half(dv.getUint16(i * 2, true));
    case 'bfloat16': return bhalf(dv.getUint16(i * 2, true));
  }
}
