import type { Tychei } from './tychei.js';

/**
 * Fill out[start, end) with minval + (maxval - minval) * u in float64, u = `g.nextDouble()` (one
 * per element, two generator outputs, a double in [0, 1)). Storing into a Float32Array rounds once.
 */
export function fillUniform(g: Tychei, out: Float64Array | Float32Array, start: number, end: number, minval: number, maxval: number): void {
  const width = maxval - minval;
  for (let i = start; i < end; i++) out[i] = minval + width * g.nextDouble();
}
