import { DTYPE_NAMES, isDtype } from '../../dtype/table.js';
import { MAX_RANK } from '../shape.js';
import { DEFAULT_RULES, type LikeSpec, type LikeTensor } from './conventions.js';
import { isObject, likeError } from './read.js';

/*
 * A shape dump: `{name: [shape...]}` (what `{k: list(v.shape) for k, v in sd.items()}` prints) or
 * `{name: {"shape": [...], "dtype": "..."}}`. Torch dtype spellings ("torch.float16") are accepted.
 */

function dumpShape(v: unknown, path: string, name: string): number[] {
  const at = `entry ${JSON.stringify(name.slice(0, 80))}`;
  if (!Array.isArray(v)) throw likeError(path, `${at}: shape must be a list of dimensions`, v);
  if (v.length > MAX_RANK) throw likeError(path, `${at}: shape must have at most ${MAX_RANK} dimensions`, v.length);
  for (const d of v) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw likeError(path, `${at}: each dimension must be a non-negative integer`, d);
  }
  return v as number[];
}

/** Whether JSON looks like a shape dump: an object whose values are all lists or {shape} objects. */
export function isShapeDump(json: unknown): json is Record<string, unknown> {
  if (!isObject(json)) return false;
  const values = Object.values(json);
  return values.length > 0 && values.every((v) => Array.isArray(v) || (isObject(v) && Array.isArray(v.shape)));
}

/** A `like` spec from a shape dump, with the default convention as rules. */
export function specFromShapeDump(json: Record<string, unknown>, path: string): LikeSpec {
  const tensors: LikeTensor[] = Object.entries(json).map(([name, v]) => {
    if (Array.isArray(v)) return { name, shape: dumpShape(v, path, name) };
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (k !== 'shape' && k !== 'dtype') throw likeError(path, `entry ${JSON.stringify(name.slice(0, 80))}: "${k}" is not a known field (known: shape, dtype)`);
    }
    const shape = dumpShape(o.shape, path, name);
    if (o.dtype === undefined) return { name, shape };
    const dtype = typeof o.dtype === 'string' ? o.dtype.replace(/^torch\./, '') : o.dtype;
    if (!isDtype(dtype)) throw likeError(path, `entry ${JSON.stringify(name.slice(0, 80))}: dtype must be one of ${DTYPE_NAMES.join(', ')}`, o.dtype);
    return { name, shape, dtype };
  });
  return { description: `shapes from ${path}`, tensors, rules: [...DEFAULT_RULES] };
}
