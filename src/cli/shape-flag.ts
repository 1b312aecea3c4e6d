import { MAX_RANK, shapeSize } from '../weights-spec/shape.js';
import { flagError } from './flags.js';

/** Parse the `--shape` flag: `784,128`, `784x128`, `5` or `` (a 0-d scalar is written `()`). */
export function parseShapeFlag(text: string): number[] {
  const t = text.trim();
  if (t === '' || t === '()' || t === '[]') return [];
  const inner = t.replace(/^[([]\s*/, '').replace(/\s*[)\]]$/, '');
  const parts = inner.split(/\s*[,x×]\s*/).filter((p, i, all) => !(p === '' && i === all.length - 1));
  const dims = parts.map((p) => {
    if (!/^\d+$/.test(p)) {
      throw flagError('--shape', 'must be non-negative integers separated by "," or "x", like 784,128', text);
    }
    return Number(p);
  });
  if (dims.length > MAX_RANK) throw flagError('--shape', `must have at most ${MAX_RANK} dimensions`, text);
  for (const d of dims) {
    if (!Number.isSafeInteger(d)) throw flagError('--shape', 'each dimension must be below 2^53', text);
  }
  try {
    shapeSize(dims);
  } catch {
    throw flagError('--shape', 'must have at most 2^53 - 1 elements in all (counting non-zero dimensions)', text);
  }
  return dims;
}
