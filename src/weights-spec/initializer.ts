import { specError } from '../errors.js';
import type { KernelLayout } from '../init/fans.js';
import { deriveParam, findInitializer, INITIALIZER_NAMES, overflowProblem, paramProblem } from '../init/table.js';
import { DTYPES, type Dtype } from '../dtype/table.js';
import { checkKeys, isObject } from './fields.js';
import type { InitializerSpec } from './types.js';

/**
 * Resolve an initializer given as a name or as { "type": name, ...params } for a tensor of `shape`:
 * defaults filled in, fans (and orthogonal's layout) derived from the shape and `layout` unless
 * given, and the rules across parameters checked. Errors name `path` and the parameter.
 */
export function resolveInitializer(value: unknown, path: string, shape: readonly number[] = [], layout: KernelLayout = 'keras'): InitializerSpec {
  if (typeof value !== 'string' && !isObject(value)) {
    throw specError(path, 'must be an initializer name or an object like {"type": "normal", "stddev": 0.05}', value);
  }
  const obj: Record<string, unknown> = typeof value === 'string' ? { type: value } : value;
  const type = obj.type;
  const def = typeof type === 'string' ? findInitializer(type) : undefined;
  if (def === undefined) {
    throw specError(typeof value === 'string' ? path : `${path}.type`, `must be one of ${INITIALIZER_NAMES.join(', ')}`, type);
  }
  checkKeys(obj, ['type', ...def.params.map((p) => p.name)], path);
  const params: Record<string, number | string> = {};
  for (const p of def.params) {
    const at = `${path}.${p.name}`;
    let v = obj[p.name];
    if (v === undefined) {
      if (p.presence === 'optional') continue;
      if (p.presence === 'required') throw specError(at, `is required by ${def.name}`, v);
      v = p.presence === 'derived' ? deriveParam(p.name, shape, layout) : p.default;
    }
    const problem = paramProblem(p, v);
    if (problem !== undefined) throw specError(at, problem, v);
    params[p.name] = v as number | string;
  }
  const broken = def.check?.(params, shape);
  if (broken !== undefined) throw specError(broken.param === '' ? path : `${path}.${broken.param}`, broken.rule, broken.value);
  return { type: def.name, params };
}

/** Refuse an initializer that can write infinity in `dtype` (the rule is in src/init/overflow.ts). */
export function checkOverflow(initializer: InitializerSpec, dtype: Dtype, path: string, tensor?: string): void {
  const def = findInitializer(initializer.type);
  const problem = def === undefined ? undefined : overflowProblem(def, initializer.params, dtype, DTYPES[dtype].max, tensor);
  if (problem !== undefined) throw specError(path, problem, { type: initializer.type, ...initializer.params });
}
