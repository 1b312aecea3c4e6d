import { specError } from '../../errors.js';
import type { KernelLayout } from '../../init/fans.js';

/*
 * What a layer type is (one row of a framework's vocabulary) and the field readers the rows share.
 * Rows live in keras.ts and torch.ts; expandLayers (../layers.ts) runs them.
 */

export type Raw = Record<string, unknown>;

/** One tensor a layer holds, before naming. */
export interface LayerParam {
  /** The tensor's own name inside the layer: `kernel`, `weight`, `running_var`. */
  readonly name: string;
  readonly shape: readonly number[];
  /** The layer field that overrides its initializer (absent: none may, e.g. a step counter). */
  readonly field?: string;
  /** The framework's default initializer. */
  readonly init: unknown;
  /** A dtype the framework fixes whatever the layer's or file's dtype (torch's int64 counter). */
  readonly dtype?: string;
  /** Rows along the first dimension zeroed after the initializer (an embedding's padding_idx). */
  readonly zeroRows?: readonly number[];
  /** Fans the layer knows better than the shape's layout does (a weight stored (in, out) under torch). */
  readonly fans?: { readonly fanIn: number; readonly fanOut: number };
}

/** What a layer expands to, and the width the next layer takes as its input by default. */
export interface Expansion {
  readonly params: readonly LayerParam[];
  /** Undefined when the layer gives no width to chain on. */
  readonly output: number | undefined;
}

/** One layer type of one framework's vocabulary. */
export interface LayerDef {
  readonly type: string;
  /** Keras's auto-name prefix (`dense` → dense_1 ...). */
  readonly kerasPrefix: string;
  /** Fields besides type, name, dtype and seed (the initializer override fields included). */
  readonly fields: readonly string[];
  /** The other framework's name for a field → this row's name for it (for "use X" errors). */
  readonly renamed: Readonly<Record<string, string>>;
  /**
   * The tensors, given the layer object, its path and the previous layer's output width (undefined
   * for the first layer). `layout` only matters to rows both layouts share.
   */
  expand(l: Raw, at: string, previous: number | undefined, layout: KernelLayout): Expansion;
}

/** An integer field >= `min` (1 unless told). */
export function intField(l: Raw, field: string, at: string, min = 1): number {
  const v = l[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw specError(`${at}.${field}`, min === 1 ? 'must be a positive integer' : `must be an integer >= ${min}`, v);
  }
  return v;
}

/** A true/false field with a default. */
export function flag(l: Raw, field: string, at: string, byDefault: boolean): boolean {
  const v = l[field] ?? byDefault;
  if (typeof v !== 'boolean') throw specError(`${at}.${field}`, 'must be true or false', v);
  return v;
}

/** A list of positive integers, or one (given as a bare integer: `rank` copies, or a list of one when rank is undefined). */
export function intList(l: Raw, field: string, at: string, rank?: number): number[] {
  const v = l[field];
  const path = `${at}.${field}`;
  if (typeof v === 'number') return Array.from({ length: rank ?? 1 }, () => intField(l, field, at));
  const what = rank === undefined ? 'a non-empty list of them' : `a list of ${rank}`;
  if (!Array.isArray(v) || (rank === undefined ? v.length === 0 || v.length > 8 : v.length !== rank)) {
    throw specError(path, `must be a positive integer or ${what}`, v);
  }
  return v.map((k: unknown, i: number) => {
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1) throw specError(`${path}[${i}]`, 'must be a positive integer', k);
    return k;
  });
}

/** The layer's input width: its own field, else the previous layer's output. */
export function inputWidth(l: Raw, field: string, at: string, previous: number | undefined): number {
  if (l[field] !== undefined) return intField(l, field, at);
  if (previous === undefined) throw specError(`${at}.${field}`, 'is required (no earlier layer gives the input width)', undefined);
  return previous;
}

/** A tensor whose initializer the layer field `field` overrides. */
export const param = (name: string, shape: readonly number[], field: string, init: unknown): LayerParam => ({ name, shape, field, init });

export const product = (dims: readonly number[]): number => dims.reduce((p, d) => p * d, 1);
