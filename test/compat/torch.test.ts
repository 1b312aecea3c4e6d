/*
 * `torch` compat mode against torch itself (one generator per session, tensors in order): every
 * float32 value bit-identical, for normal_ below and above 16 elements and not multiples of 16
 * (with the small path's cached value carried across tensors), uniform_, xavier_*, kaiming_*, a
 * module's state_dict, > 10^6 values in all. Valid where torch runs the AVX2/AVX-512 kernels.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compatError, compatValues } from '../../src/compat/stream.js';
import type { CompatTensor } from '../../src/compat/types.js';
import { fma32 } from '../../src/compat/torch/fma32.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';
import { PY_DIR, tempDir } from '../interop/support.js';
import { bitsOf, mismatches, readBin, tensor } from './cases.js';

const K5 = { a: Math.sqrt(5), mode: 'fan_in', nonlinearity: 'leaky_relu' };
const t = (name: string, type: string, params: Record<string, number | string>, shape: number[], seed: number): CompatTensor =>
  tensor(name, type, params, shape, 'float32', seed, 'torch');

interface Session {
  readonly id: string;
  readonly seed: number;
  readonly module?: string;
  readonly tensors: readonly CompatTensor[];
}

const SESSIONS: readonly Session[] = [
  {
    id: 'mixed', seed: 2024, tensors: [
      t('n_big', 'normal', { mean: 0, stddev: 1 }, [1000, 317], 2024),
      t('n_3', 'normal', { mean: 0, stddev: 1 }, [3], 2024),
      t('n_17', 'normal', { mean: 0.1, stddev: 0.37 }, [17], 2024),
      t('n_1', 'normal', { mean: 0, stddev: 1 }, [1], 2024),
      t('n_15', 'normal', { mean: -1, stddev: 2 }, [15], 2024),
      t('n_16', 'normal', { mean: 0, stddev: 1 }, [16], 2024),
      t('n_31', 'normal', { mean: 0, stddev: 1 }, [31], 2024),
      t('n_33', 'normal', { mean: 0, stddev: 1 }, [33], 2024),
      t('n_48', 'normal', { mean: 0, stddev: 1 }, [48], 2024),
      t('n_odd', 'normal', { mean: 0.1, stddev: 0.37 }, [300_001], 2024),
      t('u', 'uniform', { minval: -0.3, maxval: 0.7 }, [100_003], 2024),
      t('u_7', 'uniform', { minval: 0, maxval: 1 }, [7], 2024),
      t('ku', 'kaiming_uniform', K5, [64, 64], 2024),
      t('kn', 'kaiming_normal', { a: 0, mode: 'fan_out', nonlinearity: 'relu' }, [32, 16, 3, 3], 2024),
      t('xu', 'xavier_uniform', { gain: 5 / 3 }, [128, 65], 2024),
      t('xn', 'xavier_normal', { gain: 1 }, [256, 200], 2024),
      t('zeros', 'zeros', {}, [5], 2024),
      t('eye', 'identity', { gain: 1 }, [3, 5], 2024),
      t('c', 'constant', { value: 0.5 }, [2, 2], 2024),
      t('n_after', 'normal', { mean: 0, stddev: 1 }, [5], 2024),
      t('tn', 'truncated_normal', { mean: 0, stddev: 1 }, [1000, 11], 2024),
      t('tn_7', 'truncated_normal', { mean: 0.5, stddev: 1 }, [7], 2024),
      t('tn_ab', 'truncated_normal', { mean: 0, stddev: 0.02, a: -2, b: 2 }, [40_001], 2024),
      t('tn_tight', 'truncated_normal', { mean: 0, stddev: 1, a: -0.5, b: 1 }, [33], 2024),
    ],
  },
  { id: 'seed0', seed: 0, tensors: [t('n', 'normal', { mean: 0, stddev: 0.02 }, [250_007], 0), t('u', 'uniform', { minval: -1, maxval: 1 }, [20], 0)] },
  { id: 'seedmax', seed: 2 ** 32 - 1, tensors: [t('n', 'normal', { mean: 0, stddev: 1 }, [40], 2 ** 32 - 1)] },
  {
    id: 'module', seed: 7, module: 'mixed', tensors: [
      t('fc.weight', 'kaiming_uniform', K5, [32, 64], 7),
      t('fc.bias', 'uniform', { minval: -1 / Math.sqrt(64), maxval: 1 / Math.sqrt(64) }, [32], 7),
      t('conv.weight', 'kaiming_uniform', K5, [8, 3, 3, 3], 7),
      t('conv.bias', 'uniform', { minval: -1 / Math.sqrt(27), maxval: 1 / Math.sqrt(27) }, [8], 7),
      t('emb.weight', 'normal', { mean: 0, stddev: 1 }, [10, 16], 7),
      t('ln.weight', 'ones', {}, [16], 7),
      t('ln.bias', 'zeros', {}, [16], 7),
    ],
  },
];

describe('torch compat building blocks', () => {
  it('rounds a fused multiply-add once, also when the double sum lands on a float32 midpoint', () => {
    // (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: exactly halfway between two float32 values; an addend of
    // ±2^-60 vanishes in the double sum, so only the TwoSum term can say which side is right
    const a = 1 + 2 ** -12;
    expect(fma32(a, a, 2 ** -60)).toBe(1 + 2 ** -11 + 2 ** -23);
    expect(fma32(a, a, -(2 ** -60))).toBe(1 + 2 ** -11);
    expect(fma32(a, a, 0)).toBe(1 + 2 ** -11); // a true tie: to even
    expect(fma32(1.5, 2, -0.25)).toBe(2.75);
  });

  it('refuses what torch would draw differently, naming the field, the rule and the value', () => {
    const cases: Array<[CompatTensor[], string, RegExp]> = [
      [[t('w', 'normal', { mean: 0, stddev: 1 }, [4], 2 ** 32)], 'tensors[0].seed', /low 32 bits/],
      [[t('w', 'normal', { mean: 0, stddev: 1 }, [4], -1)], 'tensors[0].seed', /low 32 bits/],
      [[tensor('w', 'normal', { mean: 0, stddev: 1 }, [4], 'float64', 1, 'torch')], 'tensors[0].dtype', /glibc/],
      [[t('w', 'glorot_uniform', {}, [4, 4], 1)], 'tensors[0].initializer.type', /supports the initializers normal, uniform, truncated_normal, xavier_normal/],
      [[t('a', 'normal', { mean: 0, stddev: 1 }, [4], 1), t('b', 'normal', { mean: 0, stddev: 1 }, [4], 2)], 'tensors[1].seed', /one generator/],
      [[t('w', 'kaiming_uniform', K5, [4], 1)], 'tensors[0].shape', /at least 2 dimensions/],
      [[t('w', 'truncated_normal', { mean: 0, stddev: 1, a: 0, b: 0.5 }, [4], 1)], 'tensors[0].initializer.params.a', /more than 0\.3/],
      [[tensor('w', 'kaiming_uniform', K5, [4, 6], 'float32', 1, 'keras')], 'tensors[0].initializer.params.fan_in', /fan_in 6/],
    ];
    for (const [tensors, field, rule] of cases) {
      const e = compatError('torch', tensors);
      expect(e?.detail.field).toBe(field);
      expect(e?.exitCode).toBe(2);
      expect(e?.message).toMatch(rule);
    }
  });

  it('matches the torch 2.13 test vectors (randn(16), randn(3) small path, rand(3))', () => {
    const [big] = compatValues('torch', [t('a', 'normal', { mean: 0, stddev: 1 }, [16], 42)]);
    expect([...big!.slice(0, 4)]).toEqual([1.9269152879714966, 1.4872840642929077, 0.9007171988487244, -2.1055209636688232]);
    const [small] = compatValues('torch', [t('a', 'normal', { mean: 0, stddev: 1 }, [3], 42)]);
    expect([...small!]).toEqual([0.33669036626815796, 0.12880940735340118, 0.23446236550807953]);
    const [u] = compatValues('torch', [t('a', 'uniform', { minval: 0, maxval: 1 }, [3], 42)]);
    expect([...u!]).toEqual([0.8822692632675171, 0.9150039553642273, 0.38286375999450684]);
  });
});

describeInterop('torch compat mode, bit for bit against torch', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let found = { torch: '', capability: '' };

  beforeAll(async () => {
    const tmp = await tempDir('compat-torch');
    dir = tmp.dir;
    remove = tmp.remove;
    const json = SESSIONS.map((s) => ({ id: s.id, seed: s.seed, ...(s.module !== undefined ? { module: s.module } : {}),
      tensors: s.tensors.map((x) => ({ type: x.initializer.type, params: x.initializer.params, shape: x.shape })) }));
    await writeFile(join(dir, 'sessions.json'), JSON.stringify(json));
    found = await runPythonJson(python, { script: join(PY_DIR, 'compat_torch.py') }, [join(dir, 'sessions.json'), dir]);
  }, 120_000);
  afterAll(() => remove());

  it('runs torch with the AVX2 or AVX-512 kernels and draws more than 10^6 values', () => {
    expect(found.capability).toMatch(/^AVX(2|512)$/);
    expect(SESSIONS.flatMap((s) => s.tensors).reduce((n, x) => n + x.shape.reduce((p, d) => p * d, 1), 0)).toBeGreaterThan(1_000_000);
  });

  for (const s of SESSIONS) {
    it(`${s.id}: torch.manual_seed(${s.seed}), ${s.tensors.length} tensors in order`, async () => {
      const ours = compatValues('torch', s.tensors);
      const bad: string[] = [];
      for (const [k, x] of s.tensors.entries()) {
        const theirs = await readBin(dir, `${s.id}-${k}`);
        const m = mismatches(bitsOf(ours[k]!, 'float32'), theirs, 4);
        if (theirs.length !== x.shape.reduce((p, d) => p * d, 1) * 4 || m.count > 0) bad.push(`${x.name}: ${m.count} differ, first at ${m.first}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
