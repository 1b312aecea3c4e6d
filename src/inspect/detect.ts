import { NPY_MAGIC } from '../formats/npy/reader.js';
import { isTarHeader } from '../formats/tar/reader.js';
import type { InputFormat } from './types.js';

/** Bytes detection looks at: a tar header's magic sits at 257. */
export const DETECT_BYTES = 512;

/** The format of an input from its first bytes (pure), or undefined when none matches. */
export function detectFormat(head: Uint8Array): Exclude<InputFormat, 'directory'> | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (b.length >= 6 && b.subarray(0, 6).equals(NPY_MAGIC)) return 'npy';
  if (b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6))) return 'npz';
  if (b.length >= 6 && b.subarray(0, 6).toString('latin1') === 'ARROW1') return 'arrow-file';
  if (b.length >= 8 && b.readUInt32LE(0) === 0xffffffff) return 'arrow-stream';
  if (isTarHeader(b)) return 'tar';
  // safetensors: a little-endian u64 header length, then a JSON object.
  if (b.length >= 9 && b.readBigUInt64LE(0) < 100_000_000n && b[8] === 0x7b) return 'safetensors';
  return undefined;
}
