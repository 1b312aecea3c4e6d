import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import { inspect } from '../../src/inspect/inspect.js';
import { tempDir } from '../helpers/cli.js';
import { mulberry32 as rng } from '../helpers/rng.js';
import { fixture, pipeOf } from '../inspect/helpers.js';
import { mutate } from './mutate.js';

/*
 * Fuzz each reader in-process: files of one format, mutated and truncated by a seeded mutator, go
 * through the library's inspect, half as files and half as pipes. Each must end in a report or one
 * InitWeightsError E_READ: one line, naming the input, exit code 1. A budget of cases, not of time:
 * FUZZ_CASES (per reader, default 250) and FUZZ_SEED replay a run; a failure names seed and case.
 */

const CASES = Number(process.env.FUZZ_CASES ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Seed files of each reader (fixtures made by numpy, safetensors, pyarrow and gen). */
const TARGETS: Record<string, string[]> = {
  npy: ['normal_f32.npy', 'special_f16.npy', 'bigendian_fortran_f8.npy', 'scalar.npy', 'bf16.npy'],
  npz: ['stored.npz', 'deflated.npz', 'descriptor_stored.npz', 'descriptor_deflated.npz'],
  safetensors: ['model.safetensors', 'bf16.safetensors'],
  'arrow file': ['tensors.arrow'],
  'arrow stream': ['tensors.arrows'],
  tar: ['gen_small.tar'],
};

type Outcome = { ok: true } | { ok: false; err: unknown };

/** Inspect once; the outcome, never a throw (so each case asserts what it reached). */
async function attempt(input: string, stdin?: Uint8Array): Promise<Outcome> {
  return inspect({ input, ...(stdin === undefined ? {} : { stdin: pipeOf(stdin, 997) }) }).then(
    (r) => {
      JSON.stringify(r);
      return { ok: true } as const;
    },
    (err: unknown) => ({ ok: false, err }) as const,
  );
}

/** An error must be the one clean kind: E_READ (or a usage error), one line, naming the input. */
function checkError(err: unknown, name: string, what: string): void {
  expect(err, what).toBeInstanceOf(InitWeightsError);
  const e = err as InitWeightsError;
  expect(e.exitCode, `${what}: ${e.message}`).toBe(1);
  expect(/[\n\r]/.test(e.message) || e.message.includes('\u001b'), `${what}: ${e.message}`).toBe(false);
  expect(e.message.startsWith(name), `${what}: ${e.message}`).toBe(true);
}

describe('fuzzing each reader in-process (count-budgeted, seeded)', () => {
  for (const [target, files] of Object.entries(TARGETS)) {
    // No time limit: a slow machine takes longer, it does not fail (timeout 0 = none).
    it(`${target}: ${CASES} mutated inputs each end in a report or one clear error (seed ${SEED})`, { timeout: 0 }, async () => {
      const seeds = files.map((f) => readFileSync(fixture(f)));
      const r = rng(SEED ^ target.length);
      const counts = { ok: 0, error: 0 };
      const dir = tmp.path(target.replace(' ', '-'));
      mkdirSync(dir);
      for (let i = 0; i < CASES; i++) {
        const bytes = mutate(seeds[i % seeds.length]!, r);
        const viaPipe = i % 2 === 1;
        const path = `${dir}/case-${i}`;
        if (!viaPipe) writeFileSync(path, bytes);
        const what = `${target} case ${i} (seed ${SEED}, ${viaPipe ? 'pipe' : 'file'}, ${bytes.length} bytes)`;
        const res = await attempt(viaPipe ? '-' : path, viaPipe ? bytes : undefined);
        if (!viaPipe) rmSync(path);
        if (res.ok) counts.ok++;
        else {
          counts.error++;
          checkError(res.err, viaPipe ? 'stdin' : path, what);
        }
      }
      // Both outcomes must occur, or the mutator is not exercising the reader.
      expect(counts.ok, JSON.stringify(counts)).toBeGreaterThan(0);
      expect(counts.error, JSON.stringify(counts)).toBeGreaterThan(CASES / 10);
    });
  }

  it(`directory: ${CASES} mutated manifests and members each end in a report or one clear error`, { timeout: 0 }, async () => {
    const npy = readFileSync(fixture('normal_f32.npy'));
    const manifest = Buffer.from(JSON.stringify({ tool: 'init-weights', files: [{ tensor: 'a', path: 'a.npy' }, { tensor: 'b', path: 'sub/b.npy' }] }));
    const r = rng(SEED + 7);
    const counts = { ok: 0, error: 0 };
    for (let i = 0; i < CASES; i++) {
      const dir = tmp.path(`dir-${i}`);
      mkdirSync(`${dir}/sub`, { recursive: true });
      const which = i % 3;
      writeFileSync(`${dir}/manifest.json`, which === 0 ? mutate(manifest, r) : manifest);
      writeFileSync(`${dir}/a.npy`, which === 1 ? mutate(npy, r) : npy);
      writeFileSync(`${dir}/sub/b.npy`, which === 2 ? mutate(npy, r) : npy);
      const res = await attempt(dir);
      rmSync(dir, { recursive: true });
      if (res.ok) counts.ok++;
      else {
        counts.error++;
        checkError(res.err, dir, `directory case ${i} (seed ${SEED})`);
      }
    }
    expect(counts.ok, JSON.stringify(counts)).toBeGreaterThan(0);
    expect(counts.error, JSON.stringify(counts)).toBeGreaterThan(CASES / 10);
  });
});
