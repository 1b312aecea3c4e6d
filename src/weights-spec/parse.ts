import { escapeText, InitWeightsError, show, specError, usageError } from '../errors.js';
import { COMPAT_MODE_NAMES, compatError, isCompatMode } from '../compat/stream.js';
import type { CompatModeName } from '../compat/types.js';
import { isKernelLayout, KERNEL_LAYOUTS, type KernelLayout } from '../init/fans.js';
import { DTYPE_NAMES, isDtype, type Dtype } from '../dtype/table.js';
import { drawSeed, normalizeSeed, type Seed } from '../rng/seed.js';
import { checkShape, shapeSize } from './shape.js';
import { checkKeys, isObject } from './fields.js';
import { specEntries, type Entries } from './entries.js';
import { checkOverflow, resolveInitializer } from './initializer.js';
import { findJsonError, lineColumn } from './json-position.js';
import { MAX_SPEC_DEPTH, scanJson } from './json-scan.js';
import { parseObjectLazily } from './lazy-json.js';
import { SpecInterner } from './intern.js';
import { checkName, nameKey } from './name.js';
import { ruleUses } from './expand/chosen.js';
import { expandSpec, type ExpandResult } from './expand/expand.js';
import { MAX_TENSORS, SPEC_VERSION, type InitializerSpec, type TensorSpec, type WeightsSpec } from './types.js';
import { checkZeroRows } from './zero-rows.js';

export { resolveInitializer } from './initializer.js';
export { checkName } from './name.js';
export { printableSpec, specToJson } from './printable.js';

/** Values given outside the spec (CLI flags) that replace its file-level fields. */
export interface SpecOverrides {
  readonly seed?: Seed;
  readonly dtype?: Dtype;
  readonly layout?: KernelLayout;
  /** Draw as this framework does (the CLI's compat flag); replaces the spec's `compat`. */
  readonly compat?: CompatModeName;
}

const TOP_KEYS = ['version', 'description', 'seed', 'dtype', 'layout', 'compat', 'layers', 'tensors'];

/**
 * Parse spec JSON text; syntax errors report line and column. Before JSON.parse a linear scan bounds
 * the nesting (MAX_SPEC_DEPTH) and finds keys given twice in one object, which JSON.parse would
 * silently resolve to the last; both are refused. The `tensors` list stays text, an entry parsed
 * when read (lazy-json.ts): no tree of the whole spec is built.
 */
export function parseSpecText(text: string, source = 'spec', overrides: SpecOverrides = {}): WeightsSpec {
  return resolveSpec(parseSpecJson(text, source), overrides);
}

/** The JSON of a spec text, parsed with parseSpecText's checks, not yet resolved (loadSpec merges it first). */
export function parseSpecJson(text: string, source = 'spec'): unknown {
  let raw: unknown;
  // A UTF-8 byte order mark (some editors write one) is not part of the JSON.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const where = escapeText(source);
  const scan = scanJson(text);
  if (scan.tooDeepAt !== undefined) {
    const at = lineColumn(text, scan.tooDeepAt);
    const rule = `must nest objects and lists at most ${MAX_SPEC_DEPTH} levels deep`;
    throw new InitWeightsError('E_SPEC', `${where}: ${rule} (level ${MAX_SPEC_DEPTH + 1} opens at line ${at.line}, column ${at.column})`, {
      detail: { field: '(top level)', rule, value: MAX_SPEC_DEPTH + 1 },
    });
  }
  try {
    raw = parseObjectLazily(text, 'tensors') ?? JSON.parse(text);
  } catch (err) {
    throw new InitWeightsError('E_SPEC', `${where}: not valid JSON: ${describeJsonError(err, text)}`);
  }
  if (scan.duplicate !== undefined) {
    const at = lineColumn(text, scan.duplicate.pos);
    throw specError(scan.duplicate.path, `is given twice in one object (again at line ${at.line}, column ${at.column}); each field may appear once`, scan.duplicate.key);
  }
  return raw;
}

function describeJsonError(err: unknown, text: string): string {
  if (text.trim() === '') return 'the file is empty';
  const found = findJsonError(text);
  if (found === undefined) return escapeText(err instanceof Error ? err.message : String(err));
  const { line, column } = lineColumn(text, found.pos);
  const at = found.pos < text.length ? `found ${show(text[found.pos])}` : 'found the end of the text';
  return `expected ${found.expected}, ${at} at line ${line}, column ${column}`;
}

function checkSeed(value: unknown, path: string): Seed {
  // A lone surrogate encodes to U+FFFD: two different seed strings would give the same stream.
  const s = typeof value === 'string' && /\p{Cs}/u.test(value) ? undefined : normalizeSeed(value);
  if (s === undefined) throw specError(path, 'must be an integer below 2^53 in magnitude or a non-empty, well-formed string', value);
  return s;
}

function checkLayout(value: unknown, path: string): KernelLayout {
  if (!isKernelLayout(value)) throw specError(path, `must be one of ${KERNEL_LAYOUTS.join(', ')}`, value);
  return value;
}

function checkCompat(value: unknown, path: string): CompatModeName {
  if (!isCompatMode(value)) throw specError(path, `must be one of ${COMPAT_MODE_NAMES.join(', ')} (the framework whose own seeded initializers to reproduce; docs/compat/)`, value);
  return value;
}

/**
 * The first tensor the compat mode cannot draw, as an error at the field the user wrote (the spec
 * path of the tensor's seed, dtype or initializer), or at `compat` when a request set the mode.
 */
function compatProblem(mode: CompatModeName, tensors: readonly TensorSpec[], entries: Entries, fromRequest: boolean): InitWeightsError | undefined {
  const err = compatError(mode, tensors);
  const m = err === undefined ? null : /^tensors\[(\d+)\]\.(.+)$/.exec(err.detail.field ?? '');
  if (err === undefined || m === null) return err;
  const i = Number(m[1]);
  const [field, rule, value] = [m[2]!, err.detail.rule ?? '', err.detail.value];
  if (fromRequest) return usageError('compat', `tensor ${escapeText(JSON.stringify(tensors[i]!.name))} ${field.replace('.params.', '.')}: ${rule}`, value);
  const e = entries.at(i);
  const param = /^initializer\.params\.(.+)$/.exec(field);
  const path = field === 'seed' ? (e.seed === undefined ? 'seed' : e.seedPath)
    : field === 'dtype' ? (e.dtype === undefined ? 'dtype' : e.dtypePath)
      : field === 'shape' ? e.shapePath
        : param !== null ? `${e.initPath}.${param[1]}` : `${e.initPath}${field === 'initializer.type' ? '' : `.${field}`}`;
  return specError(path, `${rule} (tensor ${escapeText(JSON.stringify(tensors[i]!.name))})`, value);
}

function checkDtype(value: unknown, path: string): Dtype {
  if (!isDtype(value)) throw specError(path, `must be one of ${DTYPE_NAMES.join(', ')}`, value);
  return value;
}

/** A TensorSpec, its fields in the order they always had; the optional ones only when set. */
function resolvedTensor(name: string, shape: readonly number[], size: number, dtype: Dtype, seed: Seed, initializer: InitializerSpec, zeroRows: readonly number[] | undefined, chosenBy: string | undefined): TensorSpec {
  if (zeroRows === undefined && chosenBy === undefined) return { name, shape, size, dtype, seed, initializer };
  const t: { -readonly [K in keyof TensorSpec]: TensorSpec[K] } = { name, shape, size, dtype, seed, initializer };
  if (zeroRows !== undefined) t.zeroRows = zeroRows;
  if (chosenBy !== undefined) t.chosenBy = chosenBy;
  return t;
}

/**
 * Check a parsed spec object and resolve every tensor's dtype, seed and initializer. `defaults`,
 * `rules` and `repeat` blocks are expanded first (expandSpec; a spec without them is read as it
 * always was). Tensors come from `layers` (expanded with the layout's framework defaults) then
 * `tensors`. Tensor (and layer) fields win over rules, rules over defaults and file-level fields;
 * overrides replace the file-level fields. A `like` field needs files: loadSpec reads it.
 */
export function resolveSpec(raw: unknown, overrides: SpecOverrides = {}): WeightsSpec {
  if (isObject(raw) && raw.like !== undefined) {
    throw specError('like', 'is read by loadSpec, which reads files (resolveSpec reads a spec without "like")', raw.like);
  }
  const expanded = expandSpec(raw);
  return resolvePlain(expanded.spec, overrides, expanded, isObject(raw) ? raw.rules : undefined);
}

function resolvePlain(raw: unknown, overrides: SpecOverrides, expanded: ExpandResult, rules: unknown): WeightsSpec {
  if (!isObject(raw)) throw specError('(top level)', 'must be an object with a "tensors" or "layers" list', raw);
  checkKeys(raw, TOP_KEYS, '');
  // Absent means the current version; null is not a version.
  const version = raw.version === undefined ? SPEC_VERSION : raw.version;
  if (version !== SPEC_VERSION) {
    throw specError('version', `must be ${SPEC_VERSION} (the schema this version of init-weights reads)`, version);
  }
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw specError('description', 'must be a string', raw.description);
  }
  const fileDtype = overrides.dtype ?? (raw.dtype === undefined ? 'float32' : checkDtype(raw.dtype, 'dtype'));
  const givenSeed = overrides.seed ?? (raw.seed === undefined ? undefined : checkSeed(raw.seed, 'seed'));
  const layout = overrides.layout ?? (raw.layout === undefined ? 'keras' : checkLayout(raw.layout, 'layout'));
  const compat = overrides.compat ?? (raw.compat === undefined ? undefined : checkCompat(raw.compat, 'compat'));
  const fileSeed = givenSeed ?? drawSeed();
  if (raw.tensors === undefined && raw.layers === undefined) {
    throw specError('tensors', 'must be a list of tensors (or give "layers")', undefined);
  }
  const interner = new SpecInterner();
  const entries = specEntries(raw, layout, expanded, rules, interner);
  if (entries.count > MAX_TENSORS) throw specError('tensors', `must list at most ${MAX_TENSORS} tensors (with those from layers)`, entries.count);
  if (entries.count === 0) {
    throw specError(raw.tensors === undefined ? 'layers' : 'tensors', 'must list at least one tensor', raw.tensors ?? raw.layers);
  }
  // Each name's first entry, by index: its path is worked out again only for the error.
  const seen = new Map<string, number>();
  const tensors: TensorSpec[] = new Array<TensorSpec>(entries.count);
  for (let i = 0; i < entries.count; i++) {
    const e = entries.at(i);
    const name = checkName(e.name, e.namePath);
    const key = nameKey(name);
    const prior = seen.get(key);
    if (prior !== undefined) throw specError(e.namePath, `must be unique (${entries.at(prior).where} has it too)`, name);
    seen.set(key, i);
    const dims = checkShape(e.shape, e.shapePath);
    const size = shapeSize(dims, e.shapePath);
    const shape = interner.shape(dims);
    const initializer = interner.initializer(resolveInitializer(e.initializer, e.initPath, shape, layout));
    const dtype = e.dtype === undefined ? fileDtype : checkDtype(e.dtype, e.dtypePath);
    const seed = e.seed === undefined ? fileSeed : checkSeed(e.seed, e.seedPath);
    checkOverflow(initializer, dtype, e.initPath, name);
    const zeroRows = checkZeroRows(e.zeroRows, e.zeroRowsPath, shape);
    tensors[i] = resolvedTensor(name, shape, size, dtype, seed, initializer, zeroRows, e.chosenBy);
  }
  const problem = compat === undefined ? undefined : compatProblem(compat, tensors, entries, overrides.compat !== undefined);
  if (problem !== undefined) throw problem;
  const uses = ruleUses(rules, expanded.ruleCounts);
  return {
    version: SPEC_VERSION, seed: fileSeed, seedDrawn: givenSeed === undefined, dtype: fileDtype, layout, tensors,
    ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    ...(uses !== undefined ? { rules: uses } : {}),
    ...(compat !== undefined ? { compat } : {}),
  };
}
