/*
 * numpy's float64 standard normal (random_standard_normal in
 * numpy/random/src/distributions/distributions.c): a 256-layer ziggurat on one 64-bit word per try,
 * numpy's own tables, tail by Marsaglia's exponential method, wedge by exp(-x^2/2).
 */
import type { Pcg64 } from './pcg64.js';
import { FI, KI, WI } from './ziggurat-tables.js';

/** ziggurat_nor_r = 3.6541528853610087963519472518 and its inverse, as the doubles C parses them to. */
const NOR_R = 3.654152885361009;
const NOR_INV_R = 0.2736612373297583;

/** One N(0, 1) draw, exactly as numpy's Generator.standard_normal (float64) draws it. */
export function standardNormal(g: Pcg64): number {
  for (;;) {
    g.next64();
    const lo = g.lo;
    const idx = lo & 0xff;
    // rabs = bits 9..60 of the word: 23 bits from the low half, 29 from the high half
    const rabs = (g.hi & 0x1fffffff) * 8388608 + (lo >>> 9);
    let x = rabs * WI[idx]!;
    if ((lo & 0x100) !== 0) x = -x;
    if (rabs < KI[idx]!) return x;
    if (idx === 0) {
      // bit 8 of rabs is bit 17 of the word
      const negative = (lo & 0x20000) !== 0;
      for (;;) {
        const xx = -NOR_INV_R * Math.log1p(-g.nextDouble());
        const yy = -Math.log1p(-g.nextDouble());
        if (yy + yy > xx * xx) return negative ? -(NOR_R + xx) : NOR_R + xx;
      }
    }
    if ((FI[idx - 1]! - FI[idx]!) * g.nextDouble() + FI[idx]! < Math.exp(-0.5 * x * x)) return x;
  }
}
