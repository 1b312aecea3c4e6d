import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { fixture, runInspectCli } from '../inspect/helpers.js';
import { mulberry32 as rng } from '../helpers/rng.js';
import { mutate } from './mutate.js';

/*
 * Fuzz at the CLI level, a few cases: files of every format, mutated and truncated, go through the
 * `inspect` command (in-process). Each ends in a report (exit 0), or exactly one line on stderr
 * naming the input, exit 1, and nothing on stdout. Never an internal error or a stack trace. The
 * readers themselves are fuzzed in bulk in readers.fuzz.test.ts; this checks the command's edges.
 * FUZZ_RUNS (default 200) and FUZZ_SEED (default 20261129) change the run.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function seeds(): Promise<{ name: string; bytes: Buffer }[]> {
  const files = ['normal_f32.npy', 'special_f16.npy', 'bigendian_fortran_f8.npy', 'stored.npz', 'deflated.npz', 'descriptor_stored.npz', 'descriptor_deflated.npz', 'model.safetensors', 'tensors.arrow', 'tensors.arrows'];
  const out: { name: string; bytes: Buffer }[] = files.map((f) => ({ name: f, bytes: readFileSync(fixture(f)) }));
  // A tar stream as gen writes it (members + manifest.json), small.
  const spec = JSON.stringify({ version: 1, seed: 3, tensors: [{ name: 'a/kernel', shape: [6, 5], initializer: 'normal' }, { name: 'a/bias', shape: [5], initializer: 'zeros' }] });
  writeFileSync(tmp.path('spec.json'), spec);
  const tar = await runCli(['gen', '--spec', tmp.path('spec.json'), '--format', 'tar', '-o', '-', '--quiet']);
  expect(tar.code, tar.stderr).toBe(0);
  out.push({ name: 'gen.tar', bytes: tar.stdout });
  return out;
}

describe('fuzzing inspect with mutated and truncated files of every format', () => {
  it(`${RUNS} mutated inputs each end in a report or one clear error line (seed ${SEED})`, { timeout: 0 }, async () => {
    const base = await seeds();
    const r = rng(SEED);
    const counts = { ok: 0, error: 0 };
    const dir = tmp.path('fuzz');
    mkdirSync(dir);
    for (let i = 0; i < RUNS; i++) {
      const s = base[i % base.length]!;
      const bytes = mutate(s.bytes, r);
      const viaPipe = i % 2 === 1;
      const path = `${dir}/case-${i}`;
      if (!viaPipe) writeFileSync(path, bytes);
      const what = `case ${i} (seed ${SEED}, from ${s.name}, ${viaPipe ? 'pipe' : 'file'}, ${bytes.length} bytes)`;
      const res = await runInspectCli(['inspect', viaPipe ? '-' : path, '--json'], viaPipe ? { stdin: bytes } : {});
      if (!viaPipe) rmSync(path);
      if (res.code === 0) {
        counts.ok++;
        expect(() => JSON.parse(res.stdout) as unknown, what).not.toThrow();
        continue;
      }
      counts.error++;
      expect(res.code, `${what}: ${res.stderr}`).toBe(1);
      expect(res.stdout, what).toBe('');
      const name = viaPipe ? 'stdin' : path;
      expect(res.stderr, what).toMatch(/^init-weights: [^\n]+\n$/);
      expect(res.stderr.startsWith(`init-weights: ${name}`), `${what}: ${res.stderr}`).toBe(true);
      expect(res.stderr, what).not.toMatch(/internal error|\n\s+at /);
      expect(res.stderr.includes('\u001b'), `${what}: an escape code reached the terminal`).toBe(false);
    }
    console.log(`fuzz: ${RUNS} inputs, ${counts.ok} read as valid, ${counts.error} rejected with one line`);
    // Both outcomes must occur, or the mutator is not exercising the readers.
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.error).toBeGreaterThan(RUNS / 10);
  });
});
