import type { FloatSketch } from './sketch.js';

/* What is read off a finished sketch: its distance to a distribution, and a histogram. */

/** Kolmogorov–Smirnov distance of binned data to a continuous CDF, with its resolution. */
export interface BinnedKs {
  /**
   * max over buckets of (ECDF after the bucket − F(high edge)) and (F(low edge) − ECDF before it):
   * the exact D of data rounded to the buckets against the model rounded the same way, and a lower
   * bound on the D of the unrounded data.
   */
  readonly d: number;
  /** How much larger the D of the unrounded data can be: the largest F(high) − F(low) of a bucket. */
  readonly resolution: number;
}

/**
 * KS distance from a sketch: `interval(key)` gives the values a bucket stands for (for float16
 * data, the rounding interval of its one value; for float32, the bucket's edges).
 */
export function binnedKs(sketch: FloatSketch, interval: (key: number) => readonly [number, number], cdf: (x: number) => number): BinnedKs {
  const n = sketch.total;
  let before = 0;
  let d = 0;
  let resolution = 0;
  // Adjacent buckets of dense data share an edge (16-bit data: every present neighbour), so the
  // CDF at a high edge is kept for the next low edge: half the evaluations, the same values.
  let lastHi = NaN;
  let lastF = NaN;
  for (let j = 0; j < sketch.keys.length; j++) {
    const [lo, hi] = interval(sketch.keys[j]!);
    const flo = lo === lastHi ? lastF : cdf(lo);
    const fhi = cdf(hi);
    lastHi = hi;
    lastF = fhi;
    const after = before + sketch.counts[j]!;
    const up = after / n - fhi;
    const down = flo - before / n;
    if (up > d) d = up;
    if (down > d) d = down;
    if (fhi - flo > resolution) resolution = fhi - flo;
    before = after;
  }
  return { d, resolution };
}

/** Counts of a histogram over [lo, hi] in `bins` equal bins, with what fell outside. */
export interface BinnedHistogram {
  readonly lo: number;
  readonly hi: number;
  readonly counts: number[];
  readonly underflow: number;
  readonly overflow: number;
}

/**
 * A histogram from a sketch: each bucket's count goes to the bin holding its representative (a
 * value within the sketch's resolution of every value in the bucket; exact for float16 data).
 * The last bin includes `hi`, as numpy.histogram does.
 */
export function sketchHistogram(sketch: FloatSketch, rep: (key: number) => number, lo: number, hi: number, bins: number): BinnedHistogram {
  const counts = new Array<number>(bins).fill(0);
  let underflow = 0;
  let overflow = 0;
  const width = hi / bins - lo / bins; // no overflow for any finite lo, hi
  for (let j = 0; j < sketch.keys.length; j++) {
    const x = rep(sketch.keys[j]!);
    const c = sketch.counts[j]!;
    if (x < lo) underflow += c;
    else if (x > hi) overflow += c;
    else {
      let pos = (x - lo) / width;
      if (!Number.isFinite(pos)) pos = x / width - lo / width; // x - lo overflowed
      const b = width > 0 ? Math.min(bins - 1, Math.floor(pos)) : Math.floor(bins / 2);
      counts[b >= 0 ? b : 0]! += c;
    }
  }
  return { lo, hi, counts, underflow, overflow };
}
