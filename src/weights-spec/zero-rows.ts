import { specError } from '../errors.js';

/**
 * Most rows one tensor may zero. Padding rows are one or a few per embedding; the list is copied
 * to every worker with the tensor, so it stays small.
 */
export const MAX_ZERO_ROWS = 65_536;

/**
 * Check a tensor's `zero_rows`: a list of distinct integers, each a row index along the first
 * dimension (0 <= row < shape[0]), in any order. Returns them sorted ascending, or undefined for
 * an absent or empty list (so the tensor's stream is unchanged).
 */
export function checkZeroRows(value: unknown, path: string, shape: readonly number[]): readonly number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw specError(path, 'must be a list of row indices along the first dimension, such as [0]', value);
  if (value.length > MAX_ZERO_ROWS) throw specError(path, `must list at most ${MAX_ZERO_ROWS} rows`, value.length);
  if (value.length === 0) return undefined;
  if (shape.length === 0) throw specError(path, 'needs a tensor with at least one dimension (rows run along the first)', value);
  const rows = shape[0]!;
  if (rows === 0) throw specError(path, 'needs rows to zero, but shape[0] is 0', value);
  value.forEach((r: unknown, i: number) => {
    if (typeof r !== 'number' || !Number.isSafeInteger(r) || r < 0 || r >= rows) {
      throw specError(`${path}[${i}]`, `must be an integer row index from 0 to ${rows - 1} (shape[0] is ${rows})`, r);
    }
  });
  const sorted = (value as number[]).slice().sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw specError(path, 'must not list a row twice', sorted[i]);
  }
  return sorted;
}
