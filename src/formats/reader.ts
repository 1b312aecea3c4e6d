import { DTYPES, type ElementType } from '../dtype/table.js';
import type { ByteSource } from '../io/source.js';
import type { TensorHeader, TensorSink } from './types.js';

/** Most dimensions inspect accepts (numpy's NPY_MAXDIMS is 64). */
export const MAX_DIMS = 64;

/**
 * Element count and byte length of a shape from an untrusted header, or a reason it is unusable
 * (a negative, fractional or huge dimension; a product past 2^53 bytes).
 */
export function checkedSize(shape: readonly unknown[], dtype: ElementType): { count: number; bytes: number } | string {
  if (shape.length > MAX_DIMS) return `shape has ${shape.length} dimensions (at most ${MAX_DIMS})`;
  let count = 1;
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) return `shape ${showShape(shape)} has a dimension that is not an integer`;
    if (d < 0) return `shape ${showShape(shape)} has a negative dimension`;
    count *= d;
    if (count > Number.MAX_SAFE_INTEGER) return `shape ${showShape(shape)} has too many elements`;
  }
  const bytes = count * DTYPES[dtype].bytes;
  if (bytes > Number.MAX_SAFE_INTEGER) return `shape ${showShape(shape)} needs more than 2^53 bytes`;
  return { count, bytes };
}

/** A shape as numpy prints it, truncated for error lines. */
export function showShape(shape: readonly unknown[]): string {
  const s = shape.length === 1 ? `(${String(shape[0])},)` : `(${shape.map(String).join(', ')})`;
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Deliver `bytes` bytes of one tensor from `src` to the sink (or skip them when it is not wanted),
 * checking that a whole number of elements arrived.
 */
export async function deliver(src: ByteSource, sink: TensorSink, header: TensorHeader, bytes: number, where: string): Promise<void> {
  if (!sink.wants(header.name)) {
    await src.skip(bytes, where);
    return;
  }
  const consumer = sink.tensor(header);
  await src.stream(bytes, where, (b) => consumer.push(b));
  await consumer.end();
}

/** Strict UTF-8 decoding of a name or header: invalid bytes are an error, not U+FFFD. */
export function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A name or string from a header, quoted and truncated for an error line. */
export function q(s: string): string {
  return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
}
