import { describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { parseSpecText, resolveSpec } from '../../src/weights-spec/parse.js';
import { mulberry32 } from '../helpers/rng.js';

/*
 * Fuzz the spec parser in-process: seeded mutations of valid specs, budgeted by count (no clock).
 * Every outcome is a resolved spec or an InitWeightsError with exit code 2 and one line free of raw
 * control characters; never another exception. SPEC_FUZZ_RUNS (default 2000) and SPEC_FUZZ_SEED
 * change the run; a failure names the seed and the case to replay.
 */

const RUNS = Number(process.env.SPEC_FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.SPEC_FUZZ_SEED ?? 20261129);

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/u;

const SEEDS: readonly unknown[] = [
  { version: 1, seed: 42, dtype: 'float16', tensors: [{ name: 'dense/kernel', shape: [784, 128], initializer: { type: 'normal', stddev: 0.05 } }, { name: 'dense/bias', shape: [128], initializer: 'zeros', dtype: 'float32', seed: 'b' }] },
  { seed: 'text', layout: 'torch', layers: [{ type: 'dense', units: 4, input_dim: 3 }, { type: 'conv2d', filters: 2, kernel_size: [3, 3] }, { type: 'batch_norm' }] },
  { layers: [{ type: 'embedding', input_dim: 10, output_dim: 4, name: 'emb' }], tensors: [{ name: 'q', shape: [3, 3], initializer: { type: 'orthogonal', gain: 2 } }] },
  { tensors: [{ name: 'u', shape: [], initializer: { type: 'truncated_normal', mean: 1, stddev: 2, a: 0, b: 3 } }, { name: 'i', shape: [2, 5], initializer: 'identity' }] },
  { dtype: 'bfloat16', tensors: [{ name: 'k', shape: [0, 7], initializer: { type: 'variance_scaling', scale: 2, mode: 'fan_avg', distribution: 'uniform' } }] },
];

/** Text planted by the mutator: JSON punctuation, hostile strings and numbers, deep nesting. */
const PLANTS = [
  '[', ']', '{', '}', ',', ':', '"', '\\', '\\u', 'null', 'true', '-', '1e999', '-0', '0.5', '9007199254740993', '1e-400',
  '"\\ud800"', '"a\\udc00"', '"\\u0000"', '"\\u001b[2J"', '"\\u202e"', '\u0085', '\u2066', '\u001b]0;x\u0007', '\n', '\ufeff',
  '"name"', '"shape"', '"initializer"', '"tensors"', '"layers"', '"version"', '"seed"', '"dtype"', '"type"', '"stddev"', '"mean"',
  '"normal"', '"orthogonal"', '"dense"', '"float16"', '"a/../b"', '"x".repeat', '['.repeat(70), '{"a":'.repeat(70), '[1e308,-1e308]',
];

/** One seeded mutation of the text: delete, duplicate, plant, swap a character, or splice a span. */
function mutate(text: string, r: () => number): string {
  const pick = (n: number): number => Math.floor(r() * n);
  let out = text;
  for (let k = 0, rounds = 1 + pick(4); k < rounds; k++) {
    const at = pick(out.length + 1);
    switch (pick(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + pick(12));
        break;
      case 1: {
        const from = pick(out.length + 1);
        out = out.slice(0, at) + out.slice(from, from + 1 + pick(40)) + out.slice(at);
        break;
      }
      case 2:
        out = out.slice(0, at) + PLANTS[pick(PLANTS.length)]! + out.slice(at);
        break;
      case 3:
        out = out.slice(0, at) + String.fromCharCode(pick(0x80) + (r() < 0.2 ? 0xd780 : 0)) + out.slice(at + 1);
        break;
      default:
        out = out.slice(0, at) + PLANTS[pick(PLANTS.length)]! + out.slice(at + 1 + pick(8));
    }
  }
  return out;
}

/** JSON values planted by the value-level mutator: wrong types, edge numbers, hostile names and initializers. */
const VALUES: readonly unknown[] = [
  null, -1, 0, 2.5, 1e308, -1e39, 2 ** 53, true, '', 'a\ud800', 'x\u202ey', 'a/../b', 'w', [], {}, [[1]], [3, -1], [1e9, 1e9],
  'normal', 'zeros', 'orthogonal', 'dense', { type: 'normal', stddev: 1e38 }, { type: 'truncated_normal', mean: 1e39 }, { type: 'identity', gain: 7e4 },
];

/** One seeded change of one value somewhere in the spec (a field, an element or a whole list). */
function mutateValue(spec: unknown, r: () => number): string {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  const slots: [Record<string, unknown> | unknown[], string | number][] = [];
  const todo: unknown[] = [copy];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== 'object' || v === null) continue;
    const entries: [string | number, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    for (const [k, x] of entries) {
      slots.push([v as Record<string, unknown>, k]);
      todo.push(x);
    }
  }
  const [owner, key] = slots[Math.floor(r() * slots.length)]!;
  (owner as Record<string | number, unknown>)[key] = VALUES[Math.floor(r() * VALUES.length)];
  return JSON.stringify(copy);
}

/** What happened to one case: 'ok', 'refused', or a description of the defect. */
function outcome(run: () => unknown): string {
  try {
    const spec = run() as { tensors?: unknown[] };
    return Array.isArray(spec.tensors) && spec.tensors.length > 0 ? 'ok' : 'a spec without tensors';
  } catch (err) {
    if (!(err instanceof InitWeightsError)) return `not an InitWeightsError: ${String(err).slice(0, 200)}`;
    if (err.exitCode !== 2) return `exit code ${err.exitCode}: ${err.message}`;
    if (RAW_CONTROL.test(err.message)) return `raw control character in ${JSON.stringify(err.message)}`;
    return 'refused';
  }
}

describe(`spec parser fuzz (${RUNS} seeded mutations, seed ${SEED})`, () => {
  it('gives a resolved spec or one clean exit-2 line for every mutated spec, and nothing else', () => {
    const r = mulberry32(SEED);
    const counts = new Map<string, number>();
    const defects: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const seed = SEEDS[i % SEEDS.length];
      // Two thirds of the cases change the text (mostly syntax), one third a value (mostly resolution).
      const text = i % 3 === 2 ? mutateValue(seed, r) : mutate(JSON.stringify(seed, null, i % 2 === 0 ? 0 : 2), r);
      const result = outcome(() => parseSpecText(text, `case-${i}.json`));
      counts.set(result, (counts.get(result) ?? 0) + 1);
      if (result !== 'ok' && result !== 'refused') defects.push(`case ${i} (seed ${SEED}): ${result}\n  input: ${JSON.stringify(text).slice(0, 300)}`);
    }
    expect(defects).toEqual([]);
    // Both outcomes occur, so the mutator neither only breaks nor only keeps the specs.
    expect(counts.get('ok') ?? 0).toBeGreaterThan(RUNS / 50);
    expect(counts.get('refused') ?? 0).toBeGreaterThan(RUNS / 2);
    expect(counts.get('ok')! + counts.get('refused')!).toBe(RUNS);
  });

  it('keeps resolveSpec safe on JavaScript values JSON cannot hold (NaN, deep nesting, sparse lists)', () => {
    let deep: unknown = [1];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const hostile: unknown[] = [NaN, Infinity, -0, deep, new Array(5), Symbol('s'), 10n, () => 1, new Date(0), Object.create(null)];
    const r = mulberry32(SEED + 1);
    const defects: string[] = [];
    for (let i = 0; i < 200; i++) {
      const spec = JSON.parse(JSON.stringify(SEEDS[i % SEEDS.length])) as Record<string, unknown>;
      const bad = hostile[Math.floor(r() * hostile.length)];
      const tensors = spec.tensors as Record<string, unknown>[] | undefined;
      const target: Record<string, unknown> = tensors !== undefined && r() < 0.7 ? tensors[0]! : spec;
      const keys = Object.keys(target);
      target[keys[Math.floor(r() * keys.length)]!] = bad;
      const result = outcome(() => resolveSpec(spec));
      if (result !== 'ok' && result !== 'refused') defects.push(`case ${i}: ${result}`);
    }
    expect(defects).toEqual([]);
  });
});
