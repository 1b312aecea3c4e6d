import { InitWeightsError, specError } from '../errors.js';
import { findInitializer, INITIALIZER_NAMES, paramProblem } from '../init/table.js';
import { DTYPE_NAMES, isDtype, type Dtype } from './dtype.js';
import { drawSeed, normalizeSeed, type Seed } from './seed.js';
import { checkShape, shapeSize } from './shape.js';
import { findJsonError } from './json-position.js';
import { SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './types.js';

/** Values given outside the spec (CLI flags) that replace its file-level fields. */
export interface SpecOverrides {
  readonly seed?: Seed;
  readonly dtype?: Dtype;
}

const TOP_KEYS = ['version', 'description', 'seed', 'dtype', 'tensors'];
const TENSOR_KEYS = ['name', 'shape', 'initializer', 'dtype', 'seed'];

/** Parse spec JSON text; syntax errors report line and column. */
export function parseSpecText(text: string, source = 'spec', overrides: SpecOverrides = {}): WeightsSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InitWeightsError('E_SPEC', `${source}: not valid JSON: ${describeJsonError(err, text)}`);
  }
  return resolveSpec(raw, overrides);
}

function describeJsonError(err: unknown, text: string): string {
  if (text.trim() === '') return 'the file is empty';
  const found = findJsonError(text);
  if (found === undefined) return err instanceof Error ? err.message : String(err);
  const before = text.slice(0, found.pos);
  const line = before.split('\n').length;
  const col = found.pos - before.lastIndexOf('\n');
  const at = found.pos < text.length ? `found ${JSON.stringify(text[found.pos])}` : 'found the end of the text';
  return `expected ${found.expected}, ${at} at line ${line}, column ${col}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw specError(path === '' ? k : `${path}.${k}`, `is not a known field (known: ${allowed.join(', ')})`, obj[k]);
    }
  }
}

function checkSeed(value: unknown, path: string): Seed {
  const s = normalizeSeed(value);
  if (s === undefined) throw specError(path, 'must be an integer below 2^53 in magnitude or a non-empty string', value);
  return s;
}

function checkDtype(value: unknown, path: string): Dtype {
  if (!isDtype(value)) throw specError(path, `must be one of ${DTYPE_NAMES.join(', ')}`, value);
  return value;
}

/** Check a tensor name: it becomes a file path, so no empty, `.` or `..` segments and no control characters. */
export function checkName(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw specError(path, 'must be a non-empty string', value);
  if (value.length > 255) throw specError(path, 'must be at most 255 characters', value);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(value)) {
    throw specError(path, 'must not contain control characters or backslashes', value);
  }
  for (const seg of value.split('/')) {
    if (seg === '' || seg === '.' || seg === '..') {
      throw specError(path, 'must be "/"-separated parts, none empty, "." or ".." (like dense_1/kernel)', value);
    }
  }
  return value;
}

/** Resolve an initializer given as a name or as { "type": name, ...params }. */
export function resolveInitializer(value: unknown, path: string): InitializerSpec {
  const obj: Record<string, unknown> = typeof value === 'string' ? { type: value } : isObject(value) ? value : {};
  if (typeof value !== 'string' && !isObject(value)) {
    throw specError(path, 'must be an initializer name or an object like {"type": "normal", "stddev": 0.05}', value);
  }
  const type = obj.type;
  const def = typeof type === 'string' ? findInitializer(type) : undefined;
  if (def === undefined) {
    throw specError(typeof value === 'string' ? path : `${path}.type`, `must be one of ${INITIALIZER_NAMES.join(', ')}`, type);
  }
  checkKeys(obj, ['type', ...def.params.map((p) => p.name)], path);
  const params: Record<string, number> = {};
  for (const p of def.params) {
    const v = obj[p.name] ?? p.default;
    const at = `${path}.${p.name}`;
    if (v === undefined) throw specError(at, `is required by ${def.name}`, v);
    const problem = paramProblem(p, v);
    if (problem !== undefined) throw specError(at, problem, v);
    params[p.name] = v as number;
  }
  return { type: def.name, params };
}

/**
 * Check a parsed spec object and resolve every tensor's dtype, seed and initializer.
 * Tensor fields win over file-level fields; overrides replace the file-level fields.
 */
export function resolveSpec(raw: unknown, overrides: SpecOverrides = {}): WeightsSpec {
  if (!isObject(raw)) throw specError('(top level)', 'must be an object with a "tensors" list', raw);
  checkKeys(raw, TOP_KEYS, '');
  const version = raw.version ?? SPEC_VERSION;
  if (version !== SPEC_VERSION) {
    throw specError('version', `must be ${SPEC_VERSION} (the schema this version of init-weights reads)`, version);
  }
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw specError('description', 'must be a string', raw.description);
  }
  const fileDtype = overrides.dtype ?? (raw.dtype === undefined ? 'float32' : checkDtype(raw.dtype, 'dtype'));
  const givenSeed = overrides.seed ?? (raw.seed === undefined ? undefined : checkSeed(raw.seed, 'seed'));
  const fileSeed = givenSeed ?? drawSeed();
  if (!Array.isArray(raw.tensors)) throw specError('tensors', 'must be a list of tensors', raw.tensors);
  if (raw.tensors.length === 0) throw specError('tensors', 'must list at least one tensor', raw.tensors);
  const seen = new Map<string, number>();
  const tensors: TensorSpec[] = raw.tensors.map((t: unknown, i: number) => {
    const path = `tensors[${i}]`;
    if (!isObject(t)) throw specError(path, 'must be an object with name, shape and initializer', t);
    checkKeys(t, TENSOR_KEYS, path);
    const name = checkName(t.name, `${path}.name`);
    const prior = seen.get(name);
    if (prior !== undefined) throw specError(`${path}.name`, `must be unique (tensors[${prior}] has it too)`, name);
    seen.set(name, i);
    const shape = checkShape(t.shape, `${path}.shape`);
    if (t.initializer === undefined) {
      throw specError(`${path}.initializer`, 'is required (for example "zeros" or {"type": "normal", "stddev": 0.05})', undefined);
    }
    const initializer = resolveInitializer(t.initializer, `${path}.initializer`);
    const dtype = t.dtype === undefined ? fileDtype : checkDtype(t.dtype, `${path}.dtype`);
    const seed = t.seed === undefined ? fileSeed : checkSeed(t.seed, `${path}.seed`);
    return { name, shape, size: shapeSize(shape, `${path}.shape`), dtype, seed, initializer };
  });
  return { version: SPEC_VERSION, seed: fileSeed, seedDrawn: givenSeed === undefined, dtype: fileDtype, tensors };
}

/** The spec as JSON-ready data (resolved: every default written out), for manifests and metadata. */
export function specToJson(spec: WeightsSpec): Record<string, unknown> {
  return {
    version: spec.version,
    seed: spec.seed,
    dtype: spec.dtype,
    tensors: spec.tensors.map((t) => ({
      name: t.name,
      shape: t.shape,
      initializer: { type: t.initializer.type, ...t.initializer.params },
      dtype: t.dtype,
      seed: t.seed,
    })),
  };
}

