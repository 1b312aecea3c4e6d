import { specError } from '../errors.js';
import { fieldPath } from './path.js';

/** A JSON object (not an array, not null). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Refuse fields of `obj` not in `allowed`, naming the first one (`path` is the object's path). */
export function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw specError(fieldPath(path, k), `is not a known field (known: ${allowed.join(', ')})`, obj[k]);
  }
}
