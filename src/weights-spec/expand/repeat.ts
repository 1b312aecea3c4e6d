import { specError } from '../../errors.js';

/*
 * `repeat` blocks: `{"repeat": 16, "as": "i", "tensors": [...], "layers": [...]}` as an item of a
 * `tensors` or `layers` list stands for its items 16 times, with `{i}` in their names replaced by
 * 0..15. Blocks nest up to MAX_REPEAT_DEPTH; the whole expansion is counted before anything is
 * built, so a hostile spec cannot make it allocate past MAX_EXPANDED_ITEMS.
 */

/** Most tensors and layers a spec may expand to. */
export const MAX_EXPANDED_ITEMS = 1_000_000;
/** Deepest nesting of repeat blocks (HF models need 1, mixtures of experts 2). */
export const MAX_REPEAT_DEPTH = 8;

const BLOCK_KEYS = ['repeat', 'as', 'tensors', 'layers'];
const VAR_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

type Raw = Record<string, unknown>;

/** One expanded item (a tensor or a layer object) and the spec path it came from. */
export interface Expanded {
  readonly item: unknown;
  /** Where it was written, with the repeat variables: `tensors[2](i=3).tensors[0]`. */
  readonly origin: string;
}

/** The items of `tensors` and `layers` after expansion, in order. */
export interface ExpandedLists {
  readonly tensors: Expanded[];
  readonly layers: Expanded[];
}

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a list item is a repeat block rather than a tensor or a layer. */
export function isRepeatBlock(v: unknown): v is Raw {
  return isObject(v) && Object.prototype.hasOwnProperty.call(v, 'repeat');
}

interface Block {
  readonly count: number;
  readonly as: string;
  readonly tensors: readonly unknown[];
  readonly layers: readonly unknown[];
}

function checkBlock(b: Raw, path: string, scope: readonly string[]): Block {
  for (const k of Object.keys(b)) {
    if (!BLOCK_KEYS.includes(k)) throw specError(`${path}.${k}`, `is not a known field of a repeat block (known: ${BLOCK_KEYS.join(', ')})`, b[k]);
  }
  const count = b.repeat;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_EXPANDED_ITEMS) {
    throw specError(`${path}.repeat`, `must be a positive integer up to ${MAX_EXPANDED_ITEMS}`, count);
  }
  const as = b.as;
  if (typeof as !== 'string' || !VAR_RE.test(as)) throw specError(`${path}.as`, 'must be a variable name such as "i" (letters, digits, _)', as);
  if (scope.includes(as)) throw specError(`${path}.as`, 'must differ from the variable of an enclosing repeat', as);
  const list = (key: 'tensors' | 'layers'): unknown[] => {
    const v = b[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw specError(`${path}.${key}`, 'must be a list', v);
    return v;
  };
  const tensors = list('tensors');
  const layers = list('layers');
  if (tensors.length + layers.length === 0) throw specError(path, 'must hold "tensors" or "layers" to repeat', b);
  return { count, as, tensors, layers };
}

/** Count what a list expands to, without building it (saturates just past the limit). */
function countList(list: readonly unknown[], path: string, scope: readonly string[]): number {
  if (scope.length > MAX_REPEAT_DEPTH) throw specError(path, `nests repeat blocks deeper than ${MAX_REPEAT_DEPTH}`, scope.length);
  let n = 0;
  list.forEach((item, i) => {
    if (!isRepeatBlock(item)) {
      n += 1;
    } else {
      const at = `${path}[${i}]`;
      const b = checkBlock(item, at, scope);
      const inner = countList(b.tensors, `${at}.tensors`, [...scope, b.as]) + countList(b.layers, `${at}.layers`, [...scope, b.as]);
      n += b.count * inner;
    }
    if (n > MAX_EXPANDED_ITEMS) throw specError(path, `expands to more than ${MAX_EXPANDED_ITEMS} tensors and layers`, n);
  });
  return n;
}

/** Replace `{var}` in a name; every variable in scope must appear, and no other may. */
function substitute(name: unknown, path: string, vars: ReadonlyMap<string, number>): unknown {
  if (typeof name !== 'string') return name; // resolveSpec reports it
  const used = new Set<string>();
  const out = name.replace(/\{([^{}]*)\}/g, (_whole, v: string) => {
    const value = vars.get(v);
    if (value === undefined) throw specError(path, `uses {${v}}, which no enclosing repeat defines (defined: ${[...vars.keys()].join(', ')})`, name);
    used.add(v);
    return String(value);
  });
  for (const v of vars.keys()) {
    if (!used.has(v)) throw specError(path, `must contain {${v}} (each repeat makes its own names)`, name);
  }
  return out;
}

function rename(item: unknown, path: string, vars: ReadonlyMap<string, number>): unknown {
  if (vars.size === 0 || !isObject(item)) return item;
  // A layer without a name is named by layer sugar (dense, dense_1, ...), unique already.
  if (item.name === undefined) return item;
  return { ...item, name: substitute(item.name, `${path}.name`, vars) };
}

/** Work item of the expansion: a list to walk, under some variable values. */
interface Frame {
  readonly list: readonly unknown[];
  readonly key: 'tensors' | 'layers';
  readonly path: string;
  readonly vars: ReadonlyMap<string, number>;
}

function walk(frame: Frame, out: ExpandedLists): void {
  frame.list.forEach((item, i) => {
    const at = `${frame.path}[${i}]`;
    if (!isRepeatBlock(item)) {
      out[frame.key].push({ item: rename(item, at, frame.vars), origin: at });
      return;
    }
    const b = checkBlock(item, at, [...frame.vars.keys()]);
    for (let k = 0; k < b.count; k++) {
      const vars = new Map(frame.vars).set(b.as, k);
      // Depth is bounded: countList, which ran first, checked it. Paths say which copy: `tensors[2](i=3).tensors[0]`.
      const copy = `${at}(${b.as}=${k})`;
      walk({ list: b.layers, key: 'layers', path: `${copy}.layers`, vars }, out);
      walk({ list: b.tensors, key: 'tensors', path: `${copy}.tensors`, vars }, out);
    }
  });
}

function checkList(v: unknown, key: string): readonly unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw specError(key, 'must be a list', v);
  return v;
}

/**
 * Expand the repeat blocks of a spec's `tensors` and `layers` lists. Items outside any block are
 * kept as they are (their names untouched, so old specs keep their meaning).
 */
export function expandRepeats(tensors: unknown, layers: unknown): ExpandedLists {
  const t = checkList(tensors, 'tensors');
  const l = checkList(layers, 'layers');
  if (countList(l, 'layers', []) + countList(t, 'tensors', []) > MAX_EXPANDED_ITEMS) {
    throw specError('tensors', `expands to more than ${MAX_EXPANDED_ITEMS} tensors and layers`, t.length + l.length);
  }
  const out: ExpandedLists = { tensors: [], layers: [] };
  walk({ list: l, key: 'layers', path: 'layers', vars: new Map() }, out);
  walk({ list: t, key: 'tensors', path: 'tensors', vars: new Map() }, out);
  return out;
}
