/* Support checks shared by the compat modes: seeds, dtypes, initializer types, fans. */
import { computeFans, type KernelLayout } from '../init/fans.js';
import type { CompatProblem, CompatTensor } from './types.js';

/** The tensor's initializer type when `names` holds it, else the problem naming what the mode supports. */
export function typeProblem(mode: string, t: CompatTensor, names: readonly string[]): CompatProblem | undefined {
  if (names.includes(t.initializer.type)) return undefined;
  return { field: 'initializer.type', rule: `compat mode ${mode} supports the initializers ${names.join(', ')}`, value: t.initializer.type };
}

export function dtypeProblem(mode: string, t: CompatTensor, dtypes: readonly string[], why: string): CompatProblem | undefined {
  if (dtypes.includes(t.dtype)) return undefined;
  return { field: 'dtype', rule: `compat mode ${mode} supports ${dtypes.join(', ')} (${why})`, value: t.dtype };
}

/** An integer seed in [min, max], else the problem. */
export function integerSeedProblem(mode: string, seed: unknown, min: number, max: number, why: string): CompatProblem | undefined {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= min && seed <= max) return undefined;
  return { field: 'seed', rule: `compat mode ${mode} needs an integer seed from ${min} to ${max} (${why})`, value: seed };
}

/**
 * Variance-scaling initializers take their fans from the shape in the framework; a spec whose
 * resolved fan_in/fan_out differ (an explicit fan, another layout) has no framework counterpart.
 */
export function fansProblem(mode: string, t: CompatTensor, expected: { fanIn: number; fanOut: number }, how: string): CompatProblem | undefined {
  const p = t.initializer.params;
  if (p.fan_in !== undefined && p.fan_in !== expected.fanIn) {
    return { field: 'initializer.params.fan_in', rule: `compat mode ${mode} takes fans from the shape (${how}: fan_in ${expected.fanIn})`, value: p.fan_in };
  }
  if (p.fan_out !== undefined && p.fan_out !== expected.fanOut) {
    return { field: 'initializer.params.fan_out', rule: `compat mode ${mode} takes fans from the shape (${how}: fan_out ${expected.fanOut})`, value: p.fan_out };
  }
  return undefined;
}

export const layoutFans = (t: CompatTensor, layout: KernelLayout): { fanIn: number; fanOut: number } => computeFans(t.shape, layout);

/** Element count of a shape. */
export const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** truncated_normal with torch's absolute bounds a, b: Keras and tfjs only truncate at mean ± 2 stddev. */
export function boundsProblem(mode: string, t: CompatTensor): CompatProblem | undefined {
  const p = t.initializer.params;
  if (t.initializer.type !== 'truncated_normal' || (p.a === undefined && p.b === undefined)) return undefined;
  return { field: p.a !== undefined ? 'initializer.params.a' : 'initializer.params.b', rule: `compat mode ${mode} truncates at mean ± 2 stddev; bounds a and b are torch trunc_normal_ parameters`, value: p.a ?? p.b };
}

/** The first problem of a list of checks. */
export function firstProblem(...checks: Array<() => CompatProblem | undefined>): CompatProblem | undefined {
  for (const check of checks) {
    const p = check();
    if (p !== undefined) return p;
  }
  return undefined;
}
