import { expandRepeats } from '../expand/repeat.js';
import { checkDefaults, checkRules, type Rule } from '../expand/rules.js';
import type { LikeSpec, LikeTensor } from './conventions.js';
import { isObject } from './read.js';

/*
 * A user's spec laid over a `like` source (pure). Precedence, highest first: the user's explicit
 * tensors (by name, field by field), the user's rules, an initializer given with the request (or
 * the user's defaults.initializer), the source's law (its rules), the source's dtypes. A dtype the
 * user gives for the file (dtype, defaults.dtype, or an override) replaces the source's dtypes; a
 * layout the user gives replaces the source's (torch for transformers configs and safetensors).
 */

/** What the request adds beyond the user's spec. */
export interface MergeOptions {
  /** An initializer for every tensor the user's rules do not decide, in place of the source's law. */
  readonly initializer?: unknown;
  /** The request overrides the file dtype (the `dtype` override): the source's per-tensor dtypes give way. */
  readonly dtypeOverride?: boolean;
}

/** The catch-all rule that puts a request's (or defaults') initializer above the source's law. */
function catchAll(initializer: unknown, description: string): Record<string, unknown> {
  return { match: '**', initializer, optional: true, description };
}

/** The source's tensor without its dtype when a user dtype (file-level, or the first user rule matching it) decides. */
function sourceTensor(t: LikeTensor, fileDtype: boolean, rules: readonly Rule[]): LikeTensor {
  if (t.dtype === undefined) return t;
  const first = rules.find((r) => r.matches(t.name));
  if (!fileDtype && first?.fields.dtype === undefined) return t;
  return t.zero_rows === undefined ? { name: t.name, shape: t.shape } : { name: t.name, shape: t.shape, zero_rows: t.zero_rows };
}

/**
 * The raw spec (additive v1 fields, repeat blocks of the user's tensors expanded) that expandSpec
 * and resolveSpec read. `user` is the user's parsed spec without its `like` field.
 */
export function mergeLike(user: Record<string, unknown>, source: LikeSpec, options: MergeOptions = {}): Record<string, unknown> {
  const { rules: rawRules, defaults: rawDefaults, tensors: rawTensors, ...top } = user;
  const rules = checkRules(rawRules);
  const { initializer: defaultInit, ...defaults } = checkDefaults(rawDefaults);
  const fileDtype = options.dtypeOverride === true || user.dtype !== undefined || defaults.dtype !== undefined;
  const mine = expandRepeats(rawTensors, undefined).tensors.map((e) => e.item);
  const byName = new Map<string, Record<string, unknown>>();
  for (const t of mine) if (isObject(t) && typeof t.name === 'string') byName.set(t.name, t);
  const sourceNames = new Set(source.tensors.map((t) => t.name));
  const tensors: unknown[] = source.tensors.map((t) => ({ ...sourceTensor(t, fileDtype, rules), ...byName.get(t.name) }));
  for (const t of mine) if (!(isObject(t) && typeof t.name === 'string' && sourceNames.has(t.name))) tensors.push(t);
  const init = options.initializer ?? defaultInit;
  const added = init === undefined ? [] : [catchAll(init, options.initializer !== undefined ? 'the initializer given with the request' : 'defaults.initializer')];
  return {
    description: source.description,
    ...(source.dtype !== undefined && !fileDtype ? { dtype: source.dtype } : {}),
    // The source's layout, unless the user's spec gives one (`top` holds it then) or declares
    // layers, which it wrote for the default layout's vocabulary.
    ...(source.layout !== undefined && user.layers === undefined ? { layout: source.layout } : {}),
    ...top,
    ...(Object.keys(defaults).length > 0 ? { defaults } : {}),
    rules: [...(Array.isArray(rawRules) ? rawRules : []), ...added, ...source.rules],
    tensors,
  };
}
