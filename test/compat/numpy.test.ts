/*
 * `numpy` compat mode against numpy itself (as Keras 3's numpy backend calls it): every value
 * bit-identical after the cast, for every supported initializer, float64, float32 and float16,
 * sizes below and above 16 and not multiples of 16, seeds 0 and past 2^32, > 10^6 values in all.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatChunks, compatError, compatValues } from '../../src/compat/stream.js';
import { Pcg64 } from '../../src/compat/numpy/pcg64.js';
import { standardNormal } from '../../src/compat/numpy/normal.js';
import { seedPool, seedWords } from '../../src/compat/numpy/seed-sequence.js';
import { DTYPES } from '../../src/dtype/table.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { PY_DIR, tempDir } from '../interop/support.js';
import { bitsOf, mismatches, readBin, tensor } from './cases.js';

const CASES = [
  tensor('normal_f32', 'normal', { mean: 0.1, stddev: 0.37 }, [1024, 317], 'float32', 42),
  tensor('normal_f64_big_seed', 'normal', { mean: -2, stddev: 3 }, [200_003], 'float64', 2 ** 40 + 7),
  tensor('normal_f16', 'normal', { mean: 0, stddev: 1 }, [10_007], 'float16', 5),
  tensor('normal_small', 'normal', { mean: 0, stddev: 0.05 }, [15], 'float32', 1),
  tensor('normal_seed0', 'normal', { mean: 0, stddev: 1 }, [17], 'float64', 0),
  tensor('uniform_f64', 'uniform', { minval: -0.3, maxval: 0.7 }, [7, 13], 'float64', 0),
  tensor('uniform_f32', 'uniform', { minval: -0.05, maxval: 0.05 }, [100_001], 'float32', 2 ** 32 - 1),
  tensor('trunc_f32', 'truncated_normal', { mean: 0, stddev: 1 }, [250_001], 'float32', 12345),
  tensor('trunc_f64', 'truncated_normal', { mean: 0.5, stddev: 0.02 }, [33], 'float64', 99),
  tensor('glorot_normal', 'glorot_normal', {}, [784, 128], 'float32', 42),
  tensor('glorot_uniform', 'glorot_uniform', {}, [128, 64], 'float32', 42),
  tensor('he_normal', 'he_normal', {}, [3, 3, 64, 33], 'float64', 7),
  tensor('he_uniform', 'he_uniform', {}, [1], 'float32', 8),
  tensor('lecun_normal', 'lecun_normal', {}, [5], 'float16', 9),
  tensor('lecun_uniform', 'lecun_uniform', {}, [64, 10], 'float32', 10),
  tensor('vs_fan_out_uniform', 'variance_scaling', { scale: 0.5, mode: 'fan_out', distribution: 'uniform' }, [31, 47], 'float32', 11),
  tensor('vs_untruncated', 'variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'untruncated_normal' }, [20, 30], 'float64', 12),
  tensor('zeros', 'zeros', {}, [3, 4], 'float32', 1),
];

describe('numpy compat building blocks', () => {
  it('seeds SeedSequence and PCG64 as numpy does (numpy 2.4 test vectors)', () => {
    expect([...seedPool(seedWords(42))]).toEqual([0x631d3606, 0x07ae90ae, 0x6fc4be28, 0x2ced5c75]);
    const g = new Pcg64(42);
    g.next64();
    expect([g.hi, g.lo]).toEqual([0xc621fbcd, 0x16d92688]);
    const d = new Pcg64(42);
    expect([d.nextDouble(), d.nextDouble(), d.nextDouble()]).toEqual([0.7739560485559633, 0.4388784397520523, 0.8585979199113825]);
    const z = new Pcg64(42);
    expect([standardNormal(z), standardNormal(z), standardNormal(z)]).toEqual([0.30471707975443135, -1.0399841062404955, 0.7504511958064572]);
  });

  it('splits a seed past 2^32 into uint32 words, least significant first', () => {
    expect(seedWords(0)).toEqual([0]);
    expect(seedWords(2 ** 40 + 7)).toEqual([7, 256]);
  });

  it('refuses what Keras-numpy does not draw, naming the field, the rule and the value', () => {
    const cases: Array<[ReturnType<typeof tensor>, string]> = [
      [tensor('k', 'xavier_uniform', { gain: 1 }, [4, 4], 'float32', 1), 'tensors[0].initializer.type'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'bfloat16', 1), 'tensors[0].dtype'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', -1), 'tensors[0].seed'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 'abc'), 'tensors[0].seed'],
      [tensor('k', 'truncated_normal', { mean: 0, stddev: 1, a: -1, b: 1 }, [4], 'float32', 1), 'tensors[0].initializer.params.a'],
      [tensor('k', 'glorot_uniform', {}, [4, 6], 'float32', 1, 'torch'), 'tensors[0].initializer.params.fan_in'],
    ];
    for (const [t, field] of cases) {
      const e = compatError('numpy', [t]);
      expect(e?.detail.field).toBe(field);
      expect(e?.exitCode).toBe(2);
      expect(e?.message).toMatch(/compat mode numpy/);
    }
    expect(compatError('numpy', [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 3)])).toBeUndefined();
  });

  it('gives the same values for any chunk size (the truncated normal streams)', () => {
    const t = tensor('t', 'truncated_normal', { mean: 0, stddev: 1 }, [1000], 'float64', 3);
    const whole = compatValues('numpy', [t])[0]!;
    const parts = new Float64Array(1000);
    let at = 0;
    for (const c of compatChunks('numpy', [t], 7)) {
      parts.set(c.values, c.start);
      at += c.values.length;
    }
    expect(at).toBe(1000);
    expect(parts).toEqual(whole);
  });
});

describeInterop('numpy compat mode, bit for bit against numpy', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let versions: { numpy: string } = { numpy: '' };

  beforeAll(async () => {
    const tmp = await tempDir('compat-numpy');
    dir = tmp.dir;
    remove = tmp.remove;
    const cases = CASES.map((t) => ({ id: t.name, type: t.initializer.type, params: t.initializer.params, shape: t.shape, dtype: t.dtype, seed: t.seed }));
    await writeFile(join(dir, 'cases.json'), JSON.stringify(cases));
    versions = await runPythonJson(python, { script: join(PY_DIR, 'compat_numpy.py') }, [join(dir, 'cases.json'), dir]);
  }, 120_000);
  afterAll(() => remove());

  it('draws more than 10^6 values in all', () => {
    const total = CASES.reduce((n, t) => n + t.shape.reduce((p, d) => p * d, 1), 0);
    expect(total).toBeGreaterThan(1_000_000);
    expect(versions.numpy).toMatch(/^2\./);
  });

  const values = () => compatValues('numpy', CASES);
  let ours: Float64Array[] | undefined;
  for (const [i, t] of CASES.entries()) {
    it(`${t.name}: ${t.initializer.type} ${t.dtype} (${t.shape.join('x')}) seed ${t.seed} equals numpy bit for bit`, async () => {
      ours ??= values();
      const theirs = await readBin(dir, t.name);
      const mine = bitsOf(ours[i]!, t.dtype);
      expect(mine.length).toBe(theirs.length);
      expect(mismatches(mine, theirs, DTYPES[t.dtype].bytes)).toEqual({ count: 0, first: -1 });
    });
  }
});
