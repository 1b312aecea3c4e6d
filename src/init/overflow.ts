import { DTYPES, isDtype, isIntegerDtype, type IntegerDtype } from '../dtype/table.js';
import { ZIGGURAT_R } from '../rng/ziggurat.js';
import type { InitializerDef, Reach } from './def.js';
import type { ParamValues } from './params.js';

/**
 * 12.2259...: the largest |z| the normal sampler can draw. The ziggurat's fast path stays below R;
 * its tail returns R + x with x^2 < 2y, y = -log(1 - u) <= 53 ln 2 for the 53-bit uniform u. So
 * `mean + stddev * z` never passes |mean| + NORMAL_Z_MAX * stddev: checking that bound against the
 * dtype means a normal initializer never writes infinity (it refuses only what could).
 */
export const NORMAL_Z_MAX = ZIGGURAT_R + Math.sqrt(2 * 53 * Math.LN2);

/** The reach of normal draws N(mean, stddev²) (mean 0 for the scaled initializers). */
export function normalReach(mean: number, stddev: number): Reach {
  return { magnitude: Math.abs(mean) + NORMAL_Z_MAX * stddev, note: `normal draws reach |mean| + ${NORMAL_Z_MAX.toFixed(2)} stddev` };
}

/**
 * The one overflow rule, for every initializer: refuse when some value it can produce is past the
 * dtype's largest finite value `max` (it would be written as infinity), or, for an integer or bool
 * dtype, is not exactly representable (see integerProblem; `tensor` names the tensor in its words).
 * The rule's words, or undefined.
 */
export function overflowProblem(def: InitializerDef, params: ParamValues, dtype: string, max: number, tensor?: string): string | undefined {
  if (isDtype(dtype) && isIntegerDtype(dtype)) return integerProblem(def, params, dtype, tensor);
  const r = def.reach(params);
  if (r.magnitude <= max) return undefined;
  const note = r.note === undefined ? '' : ` (${r.note})`;
  return `reaches values past the largest finite ${dtype} (${max}), which would be written as infinity${note}`;
}

/**
 * Integer and bool tensors hold exact values, so only an initializer that writes one value
 * everywhere (not random, not positional: zeros, ones, constant) fits, and only when the dtype holds
 * that value: an integer in range, or for bool 0 (false) or 1 (true). Rounding 0.5 or clamping 300
 * into uint8 would write something other than what the spec says, so those are refused too.
 */
function integerProblem(def: InitializerDef, params: ParamValues, dtype: IntegerDtype, tensor: string | undefined): string | undefined {
  const which = tensor === undefined ? `a ${dtype} tensor` : `tensor ${JSON.stringify(tensor)} of dtype ${dtype}`;
  if (def.random || def.positional === true) {
    const why = def.random ? 'random draws are not integers' : 'it writes values by position';
    return `${def.name} cannot initialize ${which}: integer and bool tensors take only zeros, ones or constant (${why}); use a float dtype`;
  }
  // Neither random nor positional: every element holds the same value, so one element tells it.
  const one = new Float64Array(1);
  def.fill(params, undefined, one, 0, 1);
  const v = one[0]!;
  const { min, max } = DTYPES[dtype];
  if (Number.isInteger(v) && v >= min && v <= max) return undefined;
  // int64's bounds past 2^53 in words: String(2 ** 63) would print rounded digits.
  const range = dtype === 'int64' ? '-2^63 to 2^63 - 1024 (the largest a JSON number holds exactly)' : `${min} to ${max}`;
  const holds = dtype === 'bool' ? 'holds only 0 (false) or 1 (true)' : `holds only integers from ${range}`;
  return `${def.name} writes ${v}, and ${which} ${holds}`;
}
