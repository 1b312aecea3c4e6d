import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToNumber,
  float16BitsToNumber,
  float64ToBfloat16Bits,
  float64ToFloat16Bits,
} from '../../src/dtype/round.js';

describe('float64 to float16, rounded once to nearest-even', () => {
  const cases: [string, number, number][] = [
    ['one', 1, 0x3c00],
    ['negative zero keeps its sign', -0, 0x8000],
    ['largest finite', 65504, 0x7bff],
    ['just below the overflow midpoint', 65519.99, 0x7bff],
    ['the overflow midpoint rounds to infinity', 65520, 0x7c00],
    ['a tie rounds to even (down)', 1 + 2 ** -11, 0x3c00],
    ['a tie rounds to even (up)', 1 + 3 * 2 ** -11, 0x3c02],
    ['just above a tie rounds up (one rounding; via float32 it would tie and go down)', 1 + 2 ** -11 + 2 ** -40, 0x3c01],
    ['smallest subnormal', 2 ** -24, 0x0001],
    ['half the smallest subnormal ties to zero', 2 ** -25, 0x0000],
    ['just above half the smallest subnormal rounds up', 2 ** -25 + 2 ** -60, 0x0001],
    ['largest subnormal', 1023 * 2 ** -24, 0x03ff],
    ['0.1', 0.1, 0x2e66],
    ['infinity', -Infinity, 0xfc00],
  ];
  for (const [label, x, bits] of cases) {
    it(`${label}: ${x} -> 0x${bits.toString(16)}`, () => {
      expect(float64ToFloat16Bits(x)).toBe(bits);
    });
  }
  it('NaN stays NaN', () => {
    expect(Number.isNaN(float16BitsToNumber(float64ToFloat16Bits(NaN)))).toBe(true);
  });
  it('every float16 value round-trips through its number', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = float16BitsToNumber(h);
      if (Number.isNaN(v)) continue;
      expect(float64ToFloat16Bits(v)).toBe(h);
    }
  });
  it('midpoints between neighbours round to the even one', () => {
    for (let h = 0x0001; h < 0x7bff; h += 37) {
      const mid = (float16BitsToNumber(h) + float16BitsToNumber(h + 1)) / 2;
      expect(float64ToFloat16Bits(mid)).toBe(h % 2 === 0 ? h : h + 1);
    }
  });
});

describe('float64 to bfloat16, rounded once to nearest-even', () => {
  it('handles the usual values', () => {
    expect(float64ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float64ToBfloat16Bits(-2.5)).toBe(0xc020);
    expect(float64ToBfloat16Bits(0.1)).toBe(0x3dcd);
    expect(float64ToBfloat16Bits(3.4e38)).toBe(0x7f80); // above the overflow midpoint
    expect(float64ToBfloat16Bits(1e-40)).toBe(0x0001); // subnormal
  });
  it('rounds once: a value just above a bfloat16 tie rounds up even when float32 would land on the tie', () => {
    const x = 1 + 2 ** -8 + 2 ** -40; // float32 rounds this to 1 + 2^-8, a tie for bfloat16
    expect(Math.fround(x)).toBe(1 + 2 ** -8);
    expect(float64ToBfloat16Bits(x)).toBe(0x3f81);
    expect(float64ToBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
  });
  it('every bfloat16 value round-trips through its number', () => {
    for (let h = 0; h < 0x10000; h++) {
      const v = bfloat16BitsToNumber(h);
      if (Number.isNaN(v)) continue;
      expect(float64ToBfloat16Bits(v)).toBe(h);
    }
  });
});

describe('the fast bulk rounding', () => {
  it('equals the one-value functions on values across every range, ties and near-ties included', async () => {
    const { roundInto16 } = await import('../../src/dtype/round.js');
    const { Tychei } = await import('../../src/rng/tychei.js');
    const g = Tychei.fromString('round-bulk');
    const xs: number[] = [0, -0, NaN, Infinity, -Infinity, 65504, 65519.99, 65520, 2 ** -14, 2 ** -15, 3.3895313892515355e38, 3.4e38];
    for (let i = 0; i < 200_000; i++) {
      const mag = 2 ** (Math.floor(g.nextDouble() * 300) - 150);
      xs.push((g.nextDouble() < 0.5 ? -1 : 1) * mag * (1 + g.nextDouble()));
    }
    for (let h = 0; h < 0xffff; h += 7) {
      // Exact midpoints between neighbouring 16-bit values, and a hair either side.
      for (const [toNum] of [[float16BitsToNumber], [bfloat16BitsToNumber]] as const) {
        const mid = (toNum(h) + toNum(h + 1)) / 2;
        if (Number.isFinite(mid)) xs.push(mid, mid * (1 + 2 ** -50), mid * (1 - 2 ** -50));
      }
    }
    const src = Float64Array.from(xs);
    for (const bfloat of [false, true]) {
      const dst = new Uint16Array(src.length);
      roundInto16(src, dst, bfloat);
      const one = bfloat ? float64ToBfloat16Bits : float64ToFloat16Bits;
      let mismatches = 0;
      for (let i = 0; i < src.length; i++) if (dst[i] !== one(src[i]!)) mismatches++;
      expect(mismatches).toBe(0);
    }
  });
});
