import { InitWeightsError, specError } from '../errors.js';
import { isKernelLayout, KERNEL_LAYOUTS, type KernelLayout } from '../init/fans.js';
import { deriveParam, findInitializer, INITIALIZER_NAMES, paramProblem } from '../init/table.js';
import { DTYPES, DTYPE_NAMES, isDtype, type Dtype } from '../dtype/table.js';
import { drawSeed, normalizeSeed, type Seed } from '../rng/seed.js';
import { checkShape, shapeSize } from './shape.js';
import { findJsonError } from './json-position.js';
import { expandLayers } from './layers.js';
import { SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './types.js';

/** Values given outside the spec (CLI flags) that replace its file-level fields. */
export interface SpecOverrides {
  readonly seed?: Seed;
  readonly dtype?: Dtype;
  readonly layout?: KernelLayout;
}

const TOP_KEYS = ['version', 'description', 'seed', 'dtype', 'layout', 'layers', 'tensors'];
const TENSOR_KEYS = ['name', 'shape', 'initializer', 'dtype', 'seed'];

/** Parse spec JSON text; syntax errors report line and column. */
export function parseSpecText(text: string, source = 'spec', overrides: SpecOverrides = {}): WeightsSpec {
  let raw: unknown;
  // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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

function checkLayout(value: unknown, path: string): KernelLayout {
  if (!isKernelLayout(value)) throw specError(path, `must be one of ${KERNEL_LAYOUTS.join(', ')}`, value);
  return value;
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
    // Each part becomes a file or directory name (plus an extension such as ".arrows").
    if (Buffer.byteLength(seg) > MAX_NAME_PART_BYTES) {
      throw specError(path, `must have "/"-separated parts of at most ${MAX_NAME_PART_BYTES} bytes (they become file names)`, value);
    }
  }
  return value;
}

/** Longest part of a tensor name, in UTF-8 bytes: file systems allow 255 per name, less an extension. */
const MAX_NAME_PART_BYTES = 200;

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

/** One tensor entry before resolution, from `tensors` or expanded from `layers`, with its error paths. */
interface Entry {
  readonly name: unknown;
  readonly namePath: string;
  readonly shape: unknown;
  readonly shapePath: string;
  readonly initializer: unknown;
  readonly initPath: string;
  readonly dtype: unknown;
  readonly dtypePath: string;
  readonly seed: unknown;
  readonly seedPath: string;
  /** Where to point when the name repeats one before it. */
  readonly where: string;
}

function tensorEntries(list: unknown): Entry[] {
  if (!Array.isArray(list)) throw specError('tensors', 'must be a list of tensors', list);
  return list.map((t: unknown, i: number) => {
    const path = `tensors[${i}]`;
    if (!isObject(t)) throw specError(path, 'must be an object with name, shape and initializer', t);
    checkKeys(t, TENSOR_KEYS, path);
    if (t.initializer === undefined) {
      throw specError(`${path}.initializer`, 'is required (for example "zeros" or {"type": "normal", "stddev": 0.05})', undefined);
    }
    return {
      name: t.name, namePath: `${path}.name`, shape: t.shape, shapePath: `${path}.shape`, initializer: t.initializer,
      initPath: `${path}.initializer`, dtype: t.dtype, dtypePath: `${path}.dtype`, seed: t.seed, seedPath: `${path}.seed`, where: path,
    };
  });
}

function layerEntries(layers: unknown, layout: KernelLayout): Entry[] {
  return expandLayers(layers, layout).map((t) => ({
    name: t.name, namePath: t.namePath, shape: [...t.shape], shapePath: t.namePath, initializer: t.initializer, initPath: t.initPath,
    dtype: t.dtype, dtypePath: t.dtypePath, seed: t.seed, seedPath: t.seedPath, where: t.namePath.replace(/\.name$/, ''),
  }));
}

/**
 * Check a parsed spec object and resolve every tensor's dtype, seed and initializer. Tensors come
 * from `layers` (expanded with the layout's framework defaults) then `tensors`. Tensor (and layer)
 * fields win over file-level fields; overrides replace the file-level fields.
 */
export function resolveSpec(raw: unknown, overrides: SpecOverrides = {}): WeightsSpec {
  if (!isObject(raw)) throw specError('(top level)', 'must be an object with a "tensors" or "layers" list', raw);
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
  const layout = overrides.layout ?? (raw.layout === undefined ? 'keras' : checkLayout(raw.layout, 'layout'));
  const fileSeed = givenSeed ?? drawSeed();
  if (raw.tensors === undefined && raw.layers === undefined) {
    throw specError('tensors', 'must be a list of tensors (or give "layers")', undefined);
  }
  const entries = [
    ...(raw.layers === undefined ? [] : layerEntries(raw.layers, layout)),
    ...(raw.tensors === undefined ? [] : tensorEntries(raw.tensors)),
  ];
  if (entries.length === 0) {
    throw specError(raw.tensors === undefined ? 'layers' : 'tensors', 'must list at least one tensor', raw.tensors ?? raw.layers);
  }
  const seen = new Map<string, string>();
  const tensors: TensorSpec[] = entries.map((e) => {
    const name = checkName(e.name, e.namePath);
    const prior = seen.get(name);
    if (prior !== undefined) throw specError(e.namePath, `must be unique (${prior} has it too)`, name);
    seen.set(name, e.where);
    const shape = checkShape(e.shape, e.shapePath);
    const initializer = resolveInitializer(e.initializer, e.initPath, shape, layout);
    const dtype = e.dtype === undefined ? fileDtype : checkDtype(e.dtype, e.dtypePath);
    const seed = e.seed === undefined ? fileSeed : checkSeed(e.seed, e.seedPath);
    const overflow = findInitializer(initializer.type)?.overflow?.(initializer.params, dtype, DTYPES[dtype].max);
    if (overflow !== undefined) throw specError(e.initPath, overflow, { type: initializer.type, ...initializer.params });
    return { name, shape, size: shapeSize(shape, e.shapePath), dtype, seed, initializer };
  });
  return { version: SPEC_VERSION, seed: fileSeed, seedDrawn: givenSeed === undefined, dtype: fileDtype, layout, tensors };
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

