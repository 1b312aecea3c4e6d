import { specError } from '../errors.js';

/** Largest rank accepted (numpy's own limit is 64; 32 keeps headers small). */
export const MAX_RANK = 32;

/**
 * Check a shape given as a JSON array: every dimension a non-negative safe integer, at most
 * MAX_RANK of them, and the element count no larger than 2^53 - 1 so that every index is exact.
 * Throws a spec error naming `path` (for example `tensors[0].shape`).
 */
export function checkShape(value: unknown, path: string): number[] {
  if (!Array.isArray(value)) throw specError(path, 'must be an array of dimensions such as [784, 128]', value);
  if (value.length > MAX_RANK) throw specError(path, `must have at most ${MAX_RANK} dimensions`, value.length);
  const dims: number[] = [];
  value.forEach((d: unknown, i: number) => {
    if (typeof d !== 'number' || !Number.isFinite(d) || !Number.isInteger(d) || d < 0 || !Number.isSafeInteger(d)) {
      throw specError(`${path}[${i}]`, 'must be a non-negative integer', d);
    }
    dims.push(d);
  });
  shapeSize(dims, path);
  return dims;
}

/**
 * Product of the non-zero dimensions, or Infinity past 2^53 - 1. numpy refuses to load a shape whose
 * non-zero dimensions multiply past its index range even when a zero makes the array empty, so the
 * limit applies to this product, not only to the element count.
 */
function nonZeroProduct(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) {
    if (d === 0) continue;
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) return Infinity;
  }
  return n;
}

/** Element count of a shape; throws when the shape (its non-zero dimensions) passes 2^53 - 1. */
export function shapeSize(dims: readonly number[], path = 'shape'): number {
  if (nonZeroProduct(dims) === Infinity) {
    throw specError(path, 'must have at most 2^53 - 1 elements in all (counting non-zero dimensions)', `[${dims.join(', ')}]`);
  }
  return dims.includes(0) ? 0 : nonZeroProduct(dims);
}

/** `(784, 128)`, `(5,)`, `()`: Python's tuple spelling, used in messages and .npy headers. */
export function shapeTuple(dims: readonly number[]): string {
  if (dims.length === 1) return `(${dims[0]},)`;
  return `(${dims.join(', ')})`;
}
