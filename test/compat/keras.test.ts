/*
 * `keras` compat mode against Keras 3.15 with the TensorFlow backend (TF 2.21, CPU): every float32
 * value bit-identical, for every supported initializer, sizes below and above 16 and not multiples of
 * 16 (TF's groups are 4 values), seeds 0, negative and past Keras's modulus 2^31 - 2, > 10^6 values in
 * all; the article's model built with tf.keras.layers.Dense; and the ported glibc logf/sincosf against
 * glibc itself on the inputs TF's Box-Muller gives them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boxMuller, uint32ToFloat } from '../../src/compat/keras/box-muller.js';
import { kerasSeed } from '../../src/compat/keras/draw.js';
import { logf, sincosf } from '../../src/compat/keras/libm32.js';
import { Philox, statelessPhilox } from '../../src/compat/keras/philox.js';
import { compatChunks, compatError, compatValues } from '../../src/compat/stream.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { PY_DIR, tempDir } from '../interop/support.js';
import { bitsOf, mismatches, readBin, tensor } from './cases.js';

const f32 = (name: string, type: string, params: Record<string, number | string>, shape: number[], seed: number) => tensor(name, type, params, shape, 'float32', seed);

const CASES = [
  f32('normal_big', 'normal', { mean: 0.1, stddev: 0.37 }, [1024, 317], 42),
  f32('normal_15', 'normal', { mean: 0, stddev: 0.05 }, [15], 1),
  f32('normal_17_seed0', 'normal', { mean: 0, stddev: 1 }, [17], 0),
  f32('normal_1', 'normal', { mean: -1, stddev: 2 }, [1], 3),
  f32('normal_odd', 'normal', { mean: 0, stddev: 1 }, [3, 5, 7], 5),
  f32('normal_seed_past_modulus', 'normal', { mean: 0, stddev: 1 }, [100_003], 2 ** 40 + 7),
  f32('normal_seed_negative', 'normal', { mean: 0, stddev: 1 }, [33], -3),
  f32('normal_seed_modulus', 'normal', { mean: 0, stddev: 1 }, [19], 2147483646),
  f32('uniform_small', 'uniform', { minval: -0.3, maxval: 0.7 }, [7, 13], 0),
  f32('uniform_big', 'uniform', { minval: -0.05, maxval: 0.05 }, [200_001], 2 ** 32 - 1),
  f32('trunc_big', 'truncated_normal', { mean: 0, stddev: 1 }, [250_001], 12345),
  f32('trunc_33', 'truncated_normal', { mean: 0.5, stddev: 0.02 }, [33], 99),
  f32('trunc_2', 'truncated_normal', { mean: 0, stddev: 1 }, [2], 3),
  f32('glorot_normal', 'glorot_normal', {}, [784, 128], 42),
  f32('glorot_uniform', 'glorot_uniform', {}, [128, 64], 42),
  f32('he_normal', 'he_normal', {}, [3, 3, 64, 33], 7),
  f32('he_uniform', 'he_uniform', {}, [1], 8),
  f32('lecun_normal', 'lecun_normal', {}, [5], 9),
  f32('lecun_uniform', 'lecun_uniform', {}, [64, 10], 10),
  f32('vs_fan_out_uniform', 'variance_scaling', { scale: 0.5, mode: 'fan_out', distribution: 'uniform' }, [31, 47], 11),
  f32('vs_untruncated', 'variance_scaling', { scale: 3, mode: 'fan_avg', distribution: 'untruncated_normal' }, [20, 30], 12),
  f32('vs_truncated_fan_in', 'variance_scaling', { scale: 1.5, mode: 'fan_in', distribution: 'truncated_normal' }, [9, 1001], 13),
  f32('zeros', 'zeros', {}, [3, 4], 1),
];

/** The article's model: Dense 784-128-64-10, kernel_initializer=RandomNormal(0.0, 0.05, seed=42) each. */
const UNITS = [784, 128, 64, 10];
const MODEL = UNITS.slice(1).map((u, i) => f32(`dense_${i}/kernel`, 'normal', { mean: 0, stddev: 0.05 }, [UNITS[i]!, u], 42));

/** Every LIBM_STRIDE-th 23-bit mantissa is checked against glibc (an exhaustive C run found 0 mismatches in 2^23). */
const LIBM_STRIDE = 61;

describe('keras compat building blocks', () => {
  it('runs Philox4x32-10 as Random123 specifies it (its known-answer vectors)', () => {
    expect([...new Philox([0, 0, 0, 0], [0, 0]).next()]).toEqual([0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]);
    const ones = 0xffffffff;
    expect([...new Philox([ones, ones, ones, ones], [ones, ones]).next()]).toEqual([0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]);
    expect([...new Philox([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]).next()]).toEqual([0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]);
  });

  it('carries a skip across the 128-bit counter', () => {
    const a = new Philox([0xffffffff, 0xffffffff, 5, 0], [1, 2]);
    a.skip(1);
    const b = new Philox([0, 0, 6, 0], [1, 2]);
    expect([...a.next()]).toEqual([...b.next()]);
    const c = new Philox([0, 0, 0, 0], [1, 2]);
    c.skip(256 * 1_000_003);
    expect([...c.next()]).toEqual([...new Philox([256 * 1_000_003, 0, 0, 0], [1, 2]).next()]);
  });

  it('takes the seed mod 2147483646 as Keras does, negative seeds included', () => {
    expect([kerasSeed(0), kerasSeed(42), kerasSeed(2147483646), kerasSeed(2147483647), kerasSeed(-1), kerasSeed(2 ** 40 + 7)]).toEqual([0, 42, 0, 1, 2147483645, (2 ** 40 + 7) % 2147483646]);
    expect([...statelessPhilox(42, 0).next()]).not.toEqual([...statelessPhilox(43, 0).next()]);
  });

  it('maps 23-bit mantissas to [0, 1 - 2^-23] and keeps log away from 0', () => {
    expect([uint32ToFloat(0), uint32ToFloat(0xff800000), uint32ToFloat(0x7fffff)]).toEqual([0, 0, 1 - 2 ** -23]);
    const out = new Float32Array(2);
    boxMuller(0, 0, out, 0);
    // u1 = 1e-7f, v1 = 0: sin 0 = 0, cos 0 = 1, so the pair is (0, sqrt(-2 logf(1e-7f)))
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(Math.fround(Math.sqrt(-2 * logf(Math.fround(1e-7)))));
    expect(out[1]).toBeCloseTo(5.6777, 4);
  });

  it('ports logf and sincosf to within float32 rounding of the exact functions', () => {
    for (const x of [1e-7, 0.1, 0.5, 0.70703125, 0.999, 1 - 2 ** -23].map(Math.fround)) expect(Math.abs(logf(x) - Math.log(x))).toBeLessThanOrEqual(Math.abs(Math.log(x)) * 2 ** -23);
    const sc = new Float64Array(2);
    for (const v of [0.0001, 0.5, 1.5, Math.fround(Math.PI), 4, 6.28].map(Math.fround)) {
      sincosf(v, sc);
      expect(Math.abs(sc[0]! - Math.sin(v))).toBeLessThanOrEqual(2 ** -24);
      expect(Math.abs(sc[1]! - Math.cos(v))).toBeLessThanOrEqual(2 ** -24);
    }
    expect(() => sincosf(120, sc)).toThrow(/internal/);
  });

  it('refuses what Keras-TF does not draw this way, naming the field, the rule and the value', () => {
    const cases: Array<[ReturnType<typeof tensor>, string]> = [
      [f32('k', 'xavier_uniform', { gain: 1 }, [4, 4], 1), 'tensors[0].initializer.type'],
      [f32('k', 'orthogonal', { gain: 1 }, [4, 4], 1), 'tensors[0].initializer.type'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float64', 1), 'tensors[0].dtype'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'bfloat16', 1), 'tensors[0].dtype'],
      [f32('k', 'normal', { mean: 0, stddev: 1 }, [4], 0.5), 'tensors[0].seed'],
      [tensor('k', 'normal', { mean: 0, stddev: 1 }, [4], 'float32', 'abc'), 'tensors[0].seed'],
      [f32('k', 'truncated_normal', { mean: 0, stddev: 1, a: -1, b: 1 }, [4], 1), 'tensors[0].initializer.params.a'],
      [tensor('k', 'glorot_uniform', {}, [4, 6], 'float32', 1, 'torch'), 'tensors[0].initializer.params.fan_in'],
    ];
    for (const [t, field] of cases) {
      const e = compatError('keras', [t]);
      expect(e?.detail.field).toBe(field);
      expect(e?.exitCode).toBe(2);
      expect(e?.message).toMatch(/compat mode keras/);
    }
    expect(compatError('keras', [f32('k', 'normal', { mean: 0, stddev: 1 }, [4], -7)])).toBeUndefined();
  });

  it('gives the same values for any chunk size, across group boundaries', () => {
    for (const type of ['normal', 'truncated_normal', 'uniform']) {
      const t = f32('t', type, type === 'uniform' ? { minval: -1, maxval: 1 } : { mean: 0, stddev: 1 }, [1001], 3);
      const whole = compatValues('keras', [t])[0]!;
      const parts = new Float64Array(1001);
      for (const c of compatChunks('keras', [t], 7)) parts.set(c.values, c.start);
      expect(parts).toEqual(whole);
    }
  });

  it('gives two tensors with one seed the same prefix, as Keras does (the shared-seed pitfall)', () => {
    const [a, b] = compatValues('keras', MODEL.slice(0, 2));
    expect(b).toEqual(a!.subarray(0, b!.length));
  });
});

describeInterop('keras compat mode, bit for bit against Keras 3 on TensorFlow', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let versions = { tensorflow: '', keras: '', backend: '', devices: [] as string[] };

  beforeAll(async () => {
    const tmp = await tempDir('compat-keras');
    dir = tmp.dir;
    remove = tmp.remove;
    const cases = CASES.map((t) => ({ id: t.name, type: t.initializer.type, params: t.initializer.params, shape: t.shape, seed: t.seed }));
    await writeFile(join(dir, 'cases.json'), JSON.stringify({ cases, model: { seed: 42, units: UNITS }, libm: { stride: LIBM_STRIDE } }));
    versions = await runPythonJson(python, { script: join(PY_DIR, 'compat_keras.py') }, [join(dir, 'cases.json'), dir], { timeoutMs: 300_000 });
  }, 300_000);
  afterAll(() => remove());

  it('runs Keras 3 on TensorFlow 2.x, on the CPU, and draws more than 10^6 values', () => {
    const total = CASES.reduce((n, t) => n + t.shape.reduce((p, d) => p * d, 1), 0);
    expect(total).toBeGreaterThan(1_000_000);
    expect(versions).toMatchObject({ backend: 'tensorflow', devices: ['CPU'] });
    expect(versions.tensorflow).toMatch(/^2\./);
    expect(versions.keras).toMatch(/^3\./);
  });

  const values = () => compatValues('keras', CASES);
  let ours: Float64Array[] | undefined;
  for (const [i, t] of CASES.entries()) {
    it(`${t.name}: ${t.initializer.type} (${t.shape.join('x')}) seed ${t.seed} equals Keras bit for bit`, async () => {
      ours ??= values();
      const theirs = await readBin(dir, t.name);
      const mine = bitsOf(ours[i]!, 'float32');
      expect(mine.length).toBe(theirs.length);
      expect(mismatches(mine, theirs, 4)).toEqual({ count: 0, first: -1 });
    });
  }

  it("the article's model: every Dense kernel equals tf.keras.layers.Dense with RandomNormal(0.0, 0.05, seed=42)", async () => {
    const kernels = compatValues('keras', MODEL);
    for (const [i, k] of kernels.entries()) {
      const theirs = await readBin(dir, `model_kernel_${i}`);
      expect(theirs.length).toBe(MODEL[i]!.shape[0]! * MODEL[i]!.shape[1]! * 4);
      expect(mismatches(bitsOf(k, 'float32'), theirs, 4)).toEqual({ count: 0, first: -1 });
    }
  });

  it('logf and sincosf equal glibc bit for bit on the inputs Box-Muller gives them', async () => {
    const [log, sin, cos] = await Promise.all(['log', 'sin', 'cos'].map((n) => readBin(dir, `libm_${n}`)));
    const n = Math.ceil(2 ** 23 / LIBM_STRIDE);
    const mine = { log: new Float32Array(n), sin: new Float32Array(n), cos: new Float32Array(n) };
    const eps = Math.fround(1e-7);
    const sc = new Float64Array(2);
    for (let k = 0; k < n; k++) {
      const u = uint32ToFloat(k * LIBM_STRIDE);
      mine.log[k] = logf(Math.max(u, eps));
      sincosf(Math.fround(2 * Math.PI * u), sc);
      mine.sin[k] = sc[0]!;
      mine.cos[k] = sc[1]!;
    }
    expect(mismatches(new Uint8Array(mine.log.buffer), log!, 4)).toEqual({ count: 0, first: -1 });
    expect(mismatches(new Uint8Array(mine.sin.buffer), sin!, 4)).toEqual({ count: 0, first: -1 });
    expect(mismatches(new Uint8Array(mine.cos.buffer), cos!, 4)).toEqual({ count: 0, first: -1 });
  });
});
