import type { Tychei } from './tychei.js';

/*
 * Standard normal sampler: the 256-layer ziggurat of Marsaglia & Tsang (2000) in the form numpy
 * uses (numpy/random/src/distributions/distributions.c, random_standard_normal), fed by 52-bit
 * integers. The tables are built at load time from the two published constants below.
 */

/** x coordinate of the base layer's right edge, R, for 256 layers (Marsaglia & Tsang 2000). */
export const ZIGGURAT_R = 3.6541528853610088;
/** Area of each layer, V, for 256 layers (Marsaglia & Tsang 2000). */
const ZIGGURAT_V = 4.92867323399e-3;
const INV_R = 1 / ZIGGURAT_R;
const TWO_52 = 4503599627370496;

const ki = new Float64Array(256);
const wi = new Float64Array(256);
const fi = new Float64Array(256);

(function buildTables(): void {
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = ZIGGURAT_V / Math.exp(-0.5 * dn * dn);
  ki[0] = (dn / q) * TWO_52;
  ki[1] = 0;
  wi[0] = q / TWO_52;
  wi[255] = dn / TWO_52;
  fi[0] = 1;
  fi[255] = Math.exp(-0.5 * dn * dn);
  for (let i = 254; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIGGURAT_V / dn + Math.exp(-0.5 * dn * dn)));
    ki[i + 1] = (dn / tn) * TWO_52;
    tn = dn;
    fi[i] = Math.exp(-0.5 * dn * dn);
    wi[i] = dn / TWO_52;
  }
})();

/** Ziggurat tables (read-only copies), for tests and the stream spec. */
export function zigguratTables(): { ki: Float64Array; wi: Float64Array; fi: Float64Array } {
  return { ki: ki.slice(), wi: wi.slice(), fi: fi.slice() };
}

/** One standard normal draw in float64. Consumes two generator outputs on the fast path. */
export function standardNormal(g: Tychei): number {
  const r1 = g.next() >>> 0;
  const r2 = g.next() >>> 0;
  const idx = r1 & 0xff;
  const rabs = (r1 >>> 12) * 4294967296 + r2; // 52 random bits
  if (rabs < ki[idx]!) return (1 - ((r1 >>> 7) & 2)) * (rabs * wi[idx]!); // ~98.5% of draws
  return slowPath(g, r1, rabs, idx);
}

/**
 * Fill out[start, end) with mean + stddev * z, z standard normal, computed in float64; storing into
 * a Float32Array rounds once to nearest-even. The same draws as `standardNormal`.
 *
 * The hot loop (`fastRun`) draws only the fast path and returns where a draw was rejected; the rare
 * draw is finished here by `slowPath`. Keeping the slow path (with its log1p/exp calls) out of the
 * loop's function stops V8 from inlining it there, which spilled the generator state to the stack
 * on every iteration: ~190 instructions per value before, ~100 after (valgrind, in-process), about
 * 2.5x the values per second. Pass the same kind of array every time where speed matters: the
 * generation path passes the output's own Float32Array for float32 (the store rounds once, no
 * second pass) and a Float64Array otherwise (src/io/chunks.ts), so in a one-dtype job the store
 * stays monomorphic.
 */
export function fillNormal(
  g: Tychei,
  out: Float64Array | Float32Array,
  start: number,
  end: number,
  mean: number,
  stddev: number,
): void {
  let i = start;
  while ((i = fastRun(g, out, i, end, mean, stddev)) < end) {
    // fastRun stopped on a rejected draw: r1 is in `rejected`, r2 is the generator's last output.
    const r1 = rejected[0]! >>> 0;
    const rabs = (r1 >>> 12) * 4294967296 + (g.a >>> 0);
    out[i++] = mean + stddev * slowPath(g, r1, rabs, r1 & 0xff);
  }
}

/** r1 of the draw fastRun stopped on (an Int32Array: a module-level `let` would be a context slot). */
const rejected = new Int32Array(1);

/**
 * The ziggurat's fast path over out[start, end): returns `end`, or the index of the first element
 * whose draw the fast path rejected (its r1 saved in `rejected`, the generator just past its r2).
 * Why it is written this way, each measured in V8 (Node 20):
 * - the generator state lives in int32 locals (`| 0` on entry, so the loop phis are int32: without
 *   it `c - d` was done in float64 and truncated), written back once on exit;
 * - the tables and mean/stddev are read into locals once (no context loads or tag checks per value);
 * - two Tyche-i steps written out in full (a two-pass inner loop measured ~35% slower);
 * - the sign from bit 8 without a branch: (r1 >>> 7) & 2 is 0 or 2, so the factor is 1 or -1
 *   (a 50/50 branch mispredicts half the time and cost ~40% of the loop's speed).
 */
function fastRun(g: Tychei, out: Float64Array | Float32Array, start: number, end: number, mean: number, stddev: number): number {
  const K = ki;
  const W = wi;
  const m = +mean;
  const s = +stddev;
  let a = g.a | 0;
  let b = g.b | 0;
  let c = g.c | 0;
  let d = g.d | 0;
  let i = start;
  for (; i < end; i++) {
    // Two Tyche-i steps (see Tychei.next): r1 then r2 = a.
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    const r1 = a;
    b = (b << 25) ^ (b >>> 7) ^ c;
    c = (c - d) | 0;
    d = (d << 24) ^ (d >>> 8) ^ a;
    a = (a - b) | 0;
    b = (b << 20) ^ (b >>> 12) ^ c;
    c = (c - d) | 0;
    d = (d << 16) ^ (c >>> 16) ^ a;
    a = (a - b) | 0;
    const idx = r1 & 0xff;
    const rabs = (r1 >>> 12) * 4294967296 + (a >>> 0); // 52 random bits
    if (rabs >= K[idx]!) {
      rejected[0] = r1;
      break;
    }
    out[i] = m + s * ((1 - ((r1 >>> 7) & 2)) * (rabs * W[idx]!));
  }
  g.a = a;
  g.b = b;
  g.c = c;
  g.d = d;
  return i;
}

/**
 * The ziggurat's rare branch for a draw (r1, rabs, idx) the fast path rejected: the exact tail
 * beyond R for the base layer, else the wedge test under the density; a rejected wedge draws anew.
 */
function slowPath(g: Tychei, r1: number, rabs: number, idx: number): number {
  const negative = (r1 & 0x100) !== 0;
  if (idx === 0) {
    for (;;) {
      const xx = -INV_R * Math.log1p(-g.nextDouble());
      const yy = -Math.log1p(-g.nextDouble());
      if (yy + yy > xx * xx) return negative ? -(ZIGGURAT_R + xx) : ZIGGURAT_R + xx;
    }
  }
  const x = rabs * wi[idx]!;
  if ((fi[idx - 1]! - fi[idx]!) * g.nextDouble() + fi[idx]! < Math.exp(-0.5 * x * x)) return negative ? -x : x;
  return standardNormal(g);
}
