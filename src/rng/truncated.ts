import type { Tychei } from './tychei.js';
import { fillNormal } from './ziggurat.js';

/** Scratch for batches of standard normal draws (one block at most). */
let scratch = new Float64Array(0);

/**
 * Fill out[start, end) with mean + stddev * z, z drawn from the block's standard normal stream and
 * redrawn until lo <= z <= hi (bounds in standard units). Each element takes the next draws of the
 * same stream `normal` uses, so a rejected draw shifts the elements after it.
 *
 * The draws are made in batches with `fillNormal` (same draws as `standardNormal`, ~1.6x faster):
 * each batch draws exactly as many values as are still missing, so no draw is made beyond the last
 * one needed and the generator ends where a one-at-a-time loop would leave it.
 */
export function fillTruncatedNormal(
  g: Tychei,
  out: Float64Array | Float32Array,
  start: number,
  end: number,
  mean: number,
  stddev: number,
  lo: number,
  hi: number,
): void {
  let i = start;
  while (i < end) {
    const want = end - i;
    if (scratch.length < want) scratch = new Float64Array(Math.max(want, 1024));
    fillNormal(g, scratch, 0, want, 0, 1);
    for (let k = 0; k < want; k++) {
      const z = scratch[k]!;
      if (z >= lo && z <= hi) out[i++] = mean + stddev * z;
    }
  }
}
