import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DTYPES, type Dtype } from '../../src/dtype/table.js';
import { InitWeightsError } from '../../src/errors.js';
import { initializerValues } from '../../src/init/fill.js';
import { findInitializer, INITIALIZERS, NORMAL_Z_MAX } from '../../src/init/table.js';
import { ZIGGURAT_R } from '../../src/rng/ziggurat.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

/*
 * Issue 9, defect 12: one overflow rule for every initializer, by dtype. Each row declares the
 * largest |value| it can produce (`reach`); a dtype whose largest finite value is below it is refused.
 */

const resolve = (initializer: unknown, dtype: Dtype = 'float32', shape: number[] = [4, 3]) =>
  resolveSpec({ seed: 7, dtype, tensors: [{ name: 'w', shape, initializer }] }).tensors[0]!;

function refusal(initializer: unknown, dtype: Dtype = 'float32'): InitWeightsError {
  expect.hasAssertions();
  try {
    resolve(initializer, dtype);
  } catch (err) {
    expect(err).toBeInstanceOf(InitWeightsError);
    const e = err as InitWeightsError;
    expect(e.exitCode).toBe(2);
    expect(e.detail.field).toBe('tensors[0].initializer');
    expect(e.detail.rule).toContain(`past the largest finite ${dtype} (${DTYPES[dtype].max}), which would be written as infinity`);
    return e;
  }
  throw new Error('expected a refusal');
}

describe('the normal bound NORMAL_Z_MAX', () => {
  it('is R plus the largest tail step the 53-bit uniform allows: sqrt(2 * 53 ln 2)', () => {
    // The tail's y = -log1p(-u) is largest at u = 1 - 2^-53, the largest nextDouble().
    expect(-Math.log1p(-(1 - 2 ** -53))).toBeCloseTo(53 * Math.LN2, 10);
    expect(NORMAL_Z_MAX).toBeCloseTo(ZIGGURAT_R + Math.sqrt(2 * 53 * Math.LN2), 12);
    expect(NORMAL_Z_MAX).toBeCloseTo(12.2258, 3);
  });
});

describe('refusing what would be written as infinity', () => {
  it('refuses truncated_normal(mean 1e39) in float32 (the issue\'s repro) and accepts it in float64', () => {
    refusal({ type: 'truncated_normal', mean: 1e39, stddev: 1 });
    expect(resolve({ type: 'truncated_normal', mean: 1e39, stddev: 1 }, 'float64').initializer.params.mean).toBe(1e39);
  });

  it('bounds truncated_normal by mean ± 2 stddev, or by [a, b] when given', () => {
    const f16 = DTYPES.float16.max;
    expect(resolve({ type: 'truncated_normal', mean: f16 - 2, stddev: 0.999 }, 'float16').dtype).toBe('float16');
    refusal({ type: 'truncated_normal', mean: f16 - 2, stddev: 1.001 }, 'float16');
    refusal({ type: 'truncated_normal', mean: 0, stddev: 1e5, a: -7e4, b: 1 }, 'float16');
  });

  it('bounds normal by |mean| + NORMAL_Z_MAX stddev and says so', () => {
    const edge = DTYPES.float16.max / NORMAL_Z_MAX;
    expect(resolve({ type: 'normal', stddev: edge * 0.999 }, 'float16').dtype).toBe('float16');
    const e = refusal({ type: 'normal', stddev: edge * 1.001 }, 'float16');
    expect(e.message).toMatch(/\(normal draws reach \|mean\| \+ 12\.23 stddev\), got \{"type":"normal","mean":0,"stddev":5363\.\d+\}$/);
    refusal({ type: 'normal', mean: -1e39, stddev: 0 });
    refusal({ type: 'normal', mean: 0, stddev: 2e38 }, 'bfloat16');
  });

  it('applies the same rule to scaled, constant and positional rows', () => {
    refusal({ type: 'xavier_uniform', gain: 1e300 });
    refusal({ type: 'xavier_normal', gain: -1e38 });
    refusal({ type: 'constant', value: -7e4 }, 'float16');
    refusal({ type: 'identity', gain: 1e39 });
    refusal({ type: 'orthogonal', gain: -1e5 }, 'float16');
    refusal({ type: 'uniform', minval: -1e39, maxval: 0 });
  });

  it('keeps refusing a uniform span past float64 (any dtype), naming the initializer', () => {
    const e = (() => {
      try {
        resolve({ type: 'uniform', minval: -1e308, maxval: 1e308 }, 'float64');
      } catch (err) {
        return err as InitWeightsError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.message).toMatch(/^spec tensors\[0\]\.initializer: has maxval - minval past the largest float64, got \{"type":"uniform"/);
  });

  it('is refused through the CLI with exit 2 and no file written', async () => {
    const tmp = tempDir();
    try {
      const out = tmp.path('w.npy');
      const r = await runCli(['gen', '--shape', '4', '--init', 'truncated_normal', '--mean', '1e39', '--stddev', '1', '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/written as infinity/);
      expect(existsSync(out)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('every row\'s reach bounds its values', () => {
  // Parameters that make each row spread wide; n values of a seeded tensor never pass its reach.
  const wide: Record<string, Record<string, number>> = {
    normal: { mean: -3, stddev: 2 }, uniform: { minval: -5, maxval: 7 }, truncated_normal: { mean: 1, stddev: 3 },
    constant: { value: -9 }, xavier_normal: { gain: 4 }, identity: { gain: -2 }, orthogonal: { gain: 3 },
  };
  for (const def of INITIALIZERS) {
    it(`${def.name}`, () => {
      // A 2x1 orthogonal matrix is a unit vector: one entry is at least 1/sqrt(2) in magnitude.
      const shape = def.name === 'identity' ? [64, 64] : def.name === 'orthogonal' ? [2, 1] : [20_000];
      const t = resolve({ type: def.name, ...(def.name === 'constant' ? { value: 1 } : {}), ...wide[def.name] }, 'float64', shape);
      const reach = findInitializer(def.name)!.reach(t.initializer.params).magnitude;
      const values = initializerValues(t);
      let top = 0;
      for (const v of values) top = Math.max(top, Math.abs(v));
      expect(top).toBeLessThanOrEqual(reach);
      // The bound is not vacuous: values come within a factor of the reach (normal's is far in the tail).
      expect(top).toBeGreaterThanOrEqual(reach / (def.name === 'normal' || def.spread?.(t.initializer.params).distribution === 'normal' ? 4 : 1.5));
    });
  }
});
