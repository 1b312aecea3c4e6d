/*
 * Rounding once (DESIGN.md section 2): float16, bfloat16 and float32 output equal the float64
 * output of the same seed and name rounded once to nearest-even, checked against numpy's own casts
 * and independent oracles; plus crafted edge values through float64ToFloat16Bits and
 * float64ToBfloat16Bits.
 *
 * About ml_dtypes (see py/rounding.py for the details and the source lines): its float64 ->
 * bfloat16 cast goes through float32, so it rounds twice (ml_dtypes 0.6.0: 1 + 2^-8 + 2^-30 gives
 * 0x3F80, where one rounding gives 0x3F81). It is a valid oracle only for values float32 holds
 * exactly; elsewhere the bfloat16 oracle is round-to-odd to float32 then nearest-even to bfloat16
 * (bit arithmetic in numpy), itself checked against exact rational arithmetic on the crafted values.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bfloat16BitsToNumber, float16BitsToNumber, float64ToBfloat16Bits, float64ToFloat16Bits } from '../../src/dtype/round.js';
import { generate, resolveSpec, type Dtype } from '../../src/index.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { PY_DIR, tempDir, writeFloat64LE } from './support.js';

const ROUNDING = join(PY_DIR, 'rounding.py');

// ---------------------------------------------------------------------------------------------
// Crafted values

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

/** The next double up (toward +inf) or down; from ±0 it steps to the smallest subnormal. */
function nextDouble(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * 2 ** -1074;
  f64[0] = x;
  u64[0] = (x > 0) === (dir > 0) ? u64[0]! + 1n : u64[0]! - 1n;
  return f64[0];
}

/** A labelled value, and for the double-rounding traps the format whose result two roundings get wrong. */
interface Crafted {
  readonly label: string;
  readonly x: number;
  readonly trap?: 'float16' | 'bfloat16';
}

/** Deterministic 32-bit generator for the random parts (xorshift32; the seed is arbitrary). */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A random double with a random sign, a random 52-bit mantissa and an exponent in [emin, emax]. */
function randomDouble(next: () => number, emin: number, emax: number): number {
  const e = emin + (next() % (emax - emin + 1));
  const hi = BigInt(next() & 0xfffff);
  const lo = BigInt(next());
  const sign = BigInt(next() & 1);
  u64[0] = (sign << 63n) | (BigInt(e + 1023) << 52n) | (hi << 32n) | lo;
  return f64[0]!;
}

function craftedValues(): Crafted[] {
  const v: Crafted[] = [];
  const add = (label: string, x: number, trap?: Crafted['trap']): void => {
    v.push(trap === undefined ? { label, x } : { label, x, trap });
  };
  add('+0', 0);
  add('-0', -0);
  add('1', 1);
  add('-1', -1);
  add('+inf', Infinity);
  add('-inf', -Infinity);
  add('NaN', NaN);
  add('smallest double subnormal', 2 ** -1074);
  add('-smallest double subnormal', -(2 ** -1074));
  add('largest double', Number.MAX_VALUE);
  add('-largest double', -Number.MAX_VALUE);

  // float16: 11 significant bits, normal exponents -14..15, subnormal step 2^-24, max 65504.
  add('f16 max', 65504);
  add('f16 just below max + half ulp', 65519.99999999999);
  add('f16 max + half ulp: tie, to even = overflow', 65520);
  add('-(f16 max + half ulp)', -65520);
  add('f16 just above the overflow tie', nextDouble(65520, 1));
  add('65536', 65536);
  add('1e10', 1e10);
  add('f16 smallest normal', 2 ** -14);
  add('f16 largest subnormal', 2 ** -14 - 2 ** -24);
  add('f16 tie between largest subnormal and smallest normal', 2 ** -14 - 2 ** -25);
  add('f16 smallest subnormal', 2 ** -24);
  add('-f16 smallest subnormal', -(2 ** -24));
  add('f16 half the smallest subnormal: tie, to zero', 2 ** -25);
  add('-(f16 half the smallest subnormal): -0', -(2 ** -25));
  add('f16 just above half the smallest subnormal', nextDouble(2 ** -25, 1));
  add('f16 1.5 subnormal steps: tie, to 2', 3 * 2 ** -25);
  add('f16 2.5 subnormal steps: tie, to 2', 5 * 2 ** -25);
  add('f16 underflow to 0', 2 ** -26);
  add('f16 tie 1 + 2^-11, to even 1', 1 + 2 ** -11);
  add('f16 tie 1 + 3*2^-11, to even up', 1 + 3 * 2 ** -11);
  add('f16 just above the tie 1 + 2^-11', nextDouble(1 + 2 ** -11, 1));
  add('f16 just below the tie 1 + 3*2^-11', nextDouble(1 + 3 * 2 ** -11, -1));
  add('f16 trap: 1 + 2^-11 + 2^-40 rounds up once, down twice', 1 + 2 ** -11 + 2 ** -40, 'float16');
  add('f16 trap: -(1 + 2^-11 + 2^-40)', -(1 + 2 ** -11 + 2 ** -40), 'float16');
  add('f16 trap: 1 + 3*2^-11 - 2^-40 rounds down once, up twice', 1 + 3 * 2 ** -11 - 2 ** -40, 'float16');
  add('f16 trap in the subnormals: 2^-25 + 2^-60', 2 ** -25 + 2 ** -60, 'float16');
  add('f16 trap at overflow: 65520 - 2^-20 stays at max once, overflows twice', 65520 - 2 ** -20, 'float16');

  // bfloat16: 8 significant bits, float32's exponent range, subnormal step 2^-133.
  const bfMax = (2 - 2 ** -7) * 2 ** 127;
  const bfOverflowTie = (2 - 2 ** -8) * 2 ** 127;
  add('bf16 max', bfMax);
  add('bf16 max + half ulp: tie, to even = overflow', bfOverflowTie);
  add('-(bf16 max + half ulp)', -bfOverflowTie);
  add('bf16 just below the overflow tie', nextDouble(bfOverflowTie, -1));
  add('float32 max: overflows bf16', 3.4028234663852886e38);
  add('1e39: beyond float32', 1e39);
  add('1e300', 1e300);
  add('bf16 smallest normal', 2 ** -126);
  add('bf16 tie between largest subnormal and smallest normal', 2 ** -126 - 2 ** -134);
  add('bf16 smallest subnormal', 2 ** -133);
  add('bf16 half the smallest subnormal: tie, to zero', 2 ** -134);
  add('-(bf16 half the smallest subnormal): -0', -(2 ** -134));
  add('bf16 just above half the smallest subnormal', nextDouble(2 ** -134, 1));
  add('bf16 1.5 subnormal steps: tie, to 2', 3 * 2 ** -134);
  add('below float32 subnormals', 1e-46);
  add('bf16 tie 1 + 2^-8, to even 1', 1 + 2 ** -8);
  add('bf16 tie 1 + 3*2^-8, to even up', 1 + 3 * 2 ** -8);
  add('bf16 trap: 1 + 2^-8 + 2^-30 rounds up once, down twice', 1 + 2 ** -8 + 2 ** -30, 'bfloat16');
  add('bf16 trap: -(1 + 2^-8 + 2^-30)', -(1 + 2 ** -8 + 2 ** -30), 'bfloat16');
  add('bf16 trap: 1 + 3*2^-8 - 2^-30 rounds down once, up twice', 1 + 3 * 2 ** -8 - 2 ** -30, 'bfloat16');
  add('bf16 trap: 0.05 * (1 + 2^-8 + 2^-40)', 0.05 * (1 + 2 ** -8 + 2 ** -40));
  add('bf16 trap in the subnormals: 2^-134 + 2^-160', 2 ** -134 + 2 ** -160, 'bfloat16');
  add('bf16 trap at overflow: overflow tie - 2^90', bfOverflowTie - 2 ** 90, 'bfloat16');

  // Midpoints of random neighbours in each format, and their neighbours: ties and near-ties.
  const next = xorshift(0x5eed);
  for (const [fmt, toNumber, maxBits] of [
    ['f16', float16BitsToNumber, 0x7bff],
    ['bf16', bfloat16BitsToNumber, 0x7f7f],
  ] as const) {
    for (let k = 0; k < 300; k++) {
      const bits = next() % maxBits;
      const sign = next() & 1 ? -1 : 1;
      const mid = sign * ((toNumber(bits) + toNumber(bits + 1)) / 2);
      add(`${fmt} midpoint above ${bits.toString(16)}`, mid);
      add(`${fmt} just above the midpoint above ${bits.toString(16)}`, nextDouble(mid, 1));
      add(`${fmt} just below the midpoint above ${bits.toString(16)}`, nextDouble(mid, -1));
      add(`${fmt} midpoint above ${bits.toString(16)}, 2^-30 relative off`, mid * (1 + (next() & 1 ? 1 : -1) * 2 ** -30));
    }
  }
  // Random doubles over each format's range and a little beyond.
  for (let k = 0; k < 3000; k++) add('random double, f16 range', randomDouble(next, -27, 17));
  for (let k = 0; k < 3000; k++) add('random double, bf16 range', randomDouble(next, -136, 129));
  return v;
}

interface CraftedReport {
  f16_numpy: number[];
  f16_double: number[];
  f16_exact: (number | null)[];
  bf16_exact: (number | null)[];
  bf16_round_to_odd: number[];
  bf16_ml_dtypes: number[];
  bf16_double: number[];
  float32_exact: boolean[];
  versions: { numpy: string; ml_dtypes: string };
}

const isNaN16 = (bits: number, expBits: number, mantBits: number): boolean =>
  ((bits >> mantBits) & ((1 << expBits) - 1)) === (1 << expBits) - 1 && (bits & ((1 << mantBits) - 1)) !== 0;
const hex = (b: number | null | undefined): string => (b === null || b === undefined ? String(b) : `0x${b.toString(16).padStart(4, '0')}`);

/** The crafted values where `got` differs from `want`, described for a readable failure. */
function mismatches(values: readonly Crafted[], got: (i: number) => number, want: (i: number) => number | null): string[] {
  const out: string[] = [];
  values.forEach((c, i) => {
    if (got(i) !== want(i)) out.push(`${c.label} (${c.x}): library ${hex(got(i))}, oracle ${hex(want(i))}`);
  });
  return out.slice(0, 20);
}

describe('crafted values', () => {
  it('include traps where one rounding and two roundings differ, for both 16-bit formats', () => {
    const values = craftedValues();
    expect(values.filter((c) => c.trap === 'float16').length).toBeGreaterThanOrEqual(4);
    expect(values.filter((c) => c.trap === 'bfloat16').length).toBeGreaterThanOrEqual(4);
  });
});

describeInterop('rounding float64 once, against numpy and ml_dtypes', (python) => {
  describe('float64ToFloat16Bits and float64ToBfloat16Bits on crafted edge values', () => {
    const values = craftedValues();
    const lib16 = values.map((c) => float64ToFloat16Bits(c.x));
    const libBf = values.map((c) => float64ToBfloat16Bits(c.x));
    let r: CraftedReport;
    let remove: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      const tmp = await tempDir('round');
      remove = tmp.remove;
      const file = join(tmp.dir, 'values.f64');
      await writeFloat64LE(file, values.map((c) => c.x));
      r = await runPythonJson<CraftedReport>(python, { script: ROUNDING }, ['crafted', file]);
    });
    afterAll(async () => {
      await remove();
    });

    const nanIndex = (): number => values.findIndex((c) => Number.isNaN(c.x));

    it('float16 equals numpy astype(np.float16), bit for bit (NaN: both a NaN)', () => {
      const n = nanIndex();
      expect(isNaN16(lib16[n]!, 5, 10) && isNaN16(r.f16_numpy[n]!, 5, 10), 'NaN stays NaN').toBe(true);
      const bad = mismatches(values, (i) => (i === n ? 0 : lib16[i]!), (i) => (i === n ? 0 : r.f16_numpy[i]!));
      expect(bad).toEqual([]);
    });

    it('float16 equals exact rational rounding (which numpy agrees with, too)', () => {
      const n = nanIndex();
      expect(r.f16_exact[n]).toBeNull();
      expect(mismatches(values, (i) => (i === n ? 0 : lib16[i]!), (i) => (i === n ? 0 : r.f16_exact[i]!))).toEqual([]);
      expect(mismatches(values, (i) => (i === n ? 0 : r.f16_numpy[i]!), (i) => (i === n ? 0 : r.f16_exact[i]!))).toEqual([]);
    });

    it('bfloat16 equals the round-to-odd oracle and exact rational rounding', () => {
      const n = nanIndex();
      expect(isNaN16(libBf[n]!, 8, 7), 'NaN stays NaN').toBe(true);
      expect(mismatches(values, (i) => (i === n ? 0 : libBf[i]!), (i) => (i === n ? 0 : r.bf16_round_to_odd[i]!))).toEqual([]);
      expect(mismatches(values, (i) => (i === n ? 0 : libBf[i]!), (i) => (i === n ? 0 : r.bf16_exact[i]!))).toEqual([]);
    });

    it('bfloat16 equals ml_dtypes wherever float32 holds the value exactly (no double rounding possible)', () => {
      const exact = values.map((_, i) => r.float32_exact[i]! && !Number.isNaN(values[i]!.x));
      expect(exact.filter(Boolean).length, 'values float32 holds exactly').toBeGreaterThan(100);
      expect(mismatches(values, (i) => (exact[i] ? libBf[i]! : 0), (i) => (exact[i] ? r.bf16_ml_dtypes[i]! : 0))).toEqual([]);
    });

    it('ml_dtypes disagrees only where it rounds twice, through float32', () => {
      const disagree = values.filter((_, i) => !Number.isNaN(values[i]!.x) && r.bf16_ml_dtypes[i] !== libBf[i]);
      const explained = disagree.every((c) => {
        const i = values.indexOf(c);
        return r.bf16_ml_dtypes[i] === r.bf16_double[i];
      });
      expect(explained, disagree.map((c) => c.label).join('; ')).toBe(true);
      // ml_dtypes 0.6.0 differs on 470 of these values (every trap, most near-ties).
    });

    it('the traps do tell one rounding from two: two roundings get each of them wrong', () => {
      values.forEach((c, i) => {
        if (c.trap === 'float16') expect(r.f16_double[i], c.label).not.toBe(lib16[i]);
        if (c.trap === 'bfloat16') expect(r.bf16_double[i], c.label).not.toBe(libBf[i]);
      });
    });

    it('spot checks: known bit patterns', () => {
      const at = (label: string): number => values.findIndex((c) => c.label === label);
      expect(hex(lib16[at('f16 max + half ulp: tie, to even = overflow')])).toBe('0x7c00');
      expect(hex(lib16[at('-(f16 half the smallest subnormal): -0')])).toBe('0x8000');
      expect(hex(lib16[at('f16 trap: 1 + 2^-11 + 2^-40 rounds up once, down twice')])).toBe('0x3c01');
      expect(hex(libBf[at('bf16 trap: 1 + 2^-8 + 2^-30 rounds up once, down twice')])).toBe('0x3f81');
      expect(hex(libBf[at('bf16 max + half ulp: tie, to even = overflow')])).toBe('0x7f80');
      expect(hex(libBf[at('-0')])).toBe('0x8000');
    });
  });

  describe('whole tensors: the same seed and name in float64 and in 16/32-bit dtypes', () => {
    /** Spreads chosen to reach each format's overflow and subnormal ranges as well as the usual one. */
    const CASES = [
      { id: 'normal(0, 0.05), the default', size: 1 << 20, mean: 0, stddev: 0.05 },
      { id: 'normal(0, 30000): float16 overflows', size: 200_000, mean: 0, stddev: 30_000 },
      { id: 'normal(0, 2e-5): float16 subnormals', size: 200_000, mean: 0, stddev: 2e-5 },
      { id: 'normal(0, 2e38): bfloat16 overflows', size: 200_000, mean: 0, stddev: 2e38 },
      { id: 'normal(0, 1e-38): bfloat16 subnormals', size: 200_000, mean: 0, stddev: 1e-38 },
    ] as const;

    interface TensorReport {
      count: number;
      shapes_match: boolean;
      float32_ok: boolean;
      float16_ok: boolean;
      float16_mismatches: number;
      float16_double_rounding_cases: number;
      bfloat16_ok: boolean;
      bfloat16_mismatches: number;
      bfloat16_ml_dtypes_disagrees: number;
      bfloat16_ml_dtypes_is_double_rounding: boolean;
      float16_inf: number;
      float16_subnormal: number;
      bfloat16_inf: number;
      bfloat16_subnormal: number;
    }

    let reports: Record<string, TensorReport> = {};
    let remove: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      const tmp = await tempDir('oracle');
      remove = tmp.remove;
      const jobs = await Promise.all(CASES.map(async (c, i) => {
        const job: Record<string, string> = { id: c.id };
        // Resolved as float64, then retyped: these spreads overflow the narrow dtypes on purpose,
        // which resolveSpec refuses (issue 9, defect 12), and the rounding of overflow is under test.
        const wide = resolveSpec({
          seed: 'rounding-oracle',
          dtype: 'float64',
          tensors: [{ name: 'dense/kernel', shape: [c.size], initializer: { type: 'normal', mean: c.mean, stddev: c.stddev } }],
        });
        for (const dtype of ['float64', 'float32', 'float16', 'bfloat16'] as Dtype[]) {
          const spec = { ...wide, dtype, tensors: wide.tensors.map((t) => ({ ...t, dtype })) };
          job[dtype] = join(tmp.dir, `case-${i}-${dtype}.npy`);
          await generate({ spec, output: job[dtype] });
        }
        return job;
      }));
      const file = join(tmp.dir, 'cases.json');
      await writeFile(file, JSON.stringify(jobs));
      reports = await runPythonJson<Record<string, TensorReport>>(python, { script: ROUNDING }, ['tensors', file]);
    });
    afterAll(async () => {
      await remove();
    });

    it.each(CASES)('$id: float16 == np.load(f64).astype(np.float16), bit for bit', (c) => {
      const r = reports[c.id]!;
      expect(r.count).toBe(c.size);
      expect(r.shapes_match).toBe(true);
      expect(r.float16_mismatches, 'elements that differ').toBe(0);
      expect(r.float16_ok).toBe(true);
    });

    it.each(CASES)('$id: bfloat16 == the single-rounding oracle, bit for bit', (c) => {
      const r = reports[c.id]!;
      expect(r.bfloat16_mismatches, 'elements that differ').toBe(0);
      expect(r.bfloat16_ok).toBe(true);
      expect(r.bfloat16_ml_dtypes_is_double_rounding, 'ml_dtypes = float32 then bfloat16').toBe(true);
    });

    it.each(CASES)('$id: float32 == np.load(f64).astype(np.float32)', (c) => {
      expect(reports[c.id]!.float32_ok).toBe(true);
    });

    it('the tensors reach the ranges they were chosen for', () => {
      expect(reports['normal(0, 30000): float16 overflows']!.float16_inf).toBeGreaterThan(1000);
      expect(reports['normal(0, 2e-5): float16 subnormals']!.float16_subnormal).toBeGreaterThan(1000);
      expect(reports['normal(0, 2e38): bfloat16 overflows']!.bfloat16_inf).toBeGreaterThan(1000);
      expect(reports['normal(0, 1e-38): bfloat16 subnormals']!.bfloat16_subnormal).toBeGreaterThan(1000);
    });

    it('the data holds elements where two roundings would differ, so the comparison has teeth', () => {
      const total = (k: 'float16_double_rounding_cases' | 'bfloat16_ml_dtypes_disagrees'): number =>
        Object.values(reports).reduce((s, r) => s + r[k], 0);
      expect(total('float16_double_rounding_cases'), 'float16: float64 -> float32 -> float16 differs').toBeGreaterThan(0);
      expect(total('bfloat16_ml_dtypes_disagrees'), 'bfloat16: ml_dtypes (through float32) differs').toBeGreaterThan(0);
    });
  });
});
