import { calculateGain } from './gain.js';

/** The distribution a scaled initializer draws from, with its computed spread. */
export type Spread =
  | { readonly distribution: 'truncated_normal'; readonly stddev: number }
  | { readonly distribution: 'normal'; readonly stddev: number }
  | { readonly distribution: 'uniform'; readonly limit: number };

/** 0.87962566103423978: std of N(0, 1) truncated to ±2 (Keras and JAX divide the stddev by it). */
export const TRUNCATED_STD_2 = 0.87962566103423978;

export const VARIANCE_MODES = ['fan_in', 'fan_out', 'fan_avg'] as const;
export const VARIANCE_DISTRIBUTIONS = ['truncated_normal', 'untruncated_normal', 'uniform'] as const;

/**
 * Keras's VarianceScaling (keras/src/initializers/random_initializers.py), same arithmetic:
 * s = scale / max(1, n) with n = fan_in, fan_out or (fan_in + fan_out) / 2; truncated: stddev =
 * sqrt(s) / 0.8796...; untruncated: stddev = sqrt(s); uniform: limit = sqrt(3 s).
 */
export function kerasSpread(scale: number, mode: string, distribution: string, fanIn: number, fanOut: number): Spread {
  const n = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2.0;
  const s = scale / Math.max(1.0, n);
  if (distribution === 'truncated_normal') return { distribution: 'truncated_normal', stddev: Math.sqrt(s) / TRUNCATED_STD_2 };
  if (distribution === 'untruncated_normal') return { distribution: 'normal', stddev: Math.sqrt(s) };
  return { distribution: 'uniform', limit: Math.sqrt(3.0 * s) };
}

/**
 * torch.nn.init.xavier_normal_ / xavier_uniform_, same arithmetic: std = gain * sqrt(2 / (fan_in +
 * fan_out)); uniform bound = sqrt(3) * std. (max(1, .) only matters for zero-element tensors.)
 */
export function xavierSpread(gain: number, uniform: boolean, fanIn: number, fanOut: number): Spread {
  const std = gain * Math.sqrt(2.0 / Math.max(1, fanIn + fanOut));
  return uniform ? { distribution: 'uniform', limit: Math.sqrt(3.0) * std } : { distribution: 'normal', stddev: std };
}

/**
 * torch.nn.init.kaiming_normal_ / kaiming_uniform_, same arithmetic: gain = calculate_gain(
 * nonlinearity, a); std = gain / sqrt(fan); uniform bound = sqrt(3) * std.
 */
export function kaimingSpread(a: number, mode: string, nonlinearity: string, uniform: boolean, fanIn: number, fanOut: number): Spread {
  const fan = Math.max(1, mode === 'fan_out' ? fanOut : fanIn);
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan);
  return uniform ? { distribution: 'uniform', limit: Math.sqrt(3.0) * std } : { distribution: 'normal', stddev: std };
}
