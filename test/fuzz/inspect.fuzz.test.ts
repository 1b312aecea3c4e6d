import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { fixture, runInspectCli } from '../inspect/helpers.js';
import { mulberry32 as rng } from '../helpers/rng.js';

/*
 * Fuzz: files of every format, mutated and truncated by a seeded mutator, go through `inspect`.
 * Each run must end within a few seconds in one of two ways: a report (exit 0), or exactly one
 * line on stderr naming the input, exit 1. Never an internal error, a stack trace or a hang.
 * FUZZ_RUNS (default 8000) and FUZZ_SEED (default 20261129) change the run; a failure prints
 * the seed and case number to replay.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 8000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const PER_CASE_MS = 5000;

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** One seeded mutation of `input`: truncate, flip bytes, plant an extreme integer, insert, delete, or splice. */
function mutate(input: Buffer, r: () => number): Buffer {
  const pick = (n: number): number => Math.floor(r() * n);
  const b = Buffer.from(input);
  const rounds = 1 + pick(3);
  let out: Buffer = b;
  for (let k = 0; k < rounds; k++) {
    const len = out.length;
    const at = pick(Math.max(1, len));
    switch (pick(6)) {
      case 0:
        out = out.subarray(0, pick(len + 1));
        break;
      case 1:
        for (let i = 0, n = 1 + pick(8); i < n && len > 0; i++) out[pick(len)] = pick(256);
        break;
      case 2: {
        const v = EXTREMES[pick(EXTREMES.length)]!;
        const width = [1, 2, 4, 8][pick(4)]!;
        if (at + width <= len) {
          if (width === 8) out.writeBigUInt64LE(BigInt(v) * (r() < 0.5 ? 1n : 0x100000000n), at);
          else out.writeUIntLE(v % 2 ** (8 * width), at, width);
        }
        break;
      }
      case 3:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256))), out.subarray(at)]);
        break;
      case 4:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(len, at + 1 + pick(64)))]);
        break;
      default: {
        const from = pick(Math.max(1, len));
        out = Buffer.concat([out.subarray(0, at), out.subarray(from, from + 1 + pick(256)), out.subarray(at)]);
      }
    }
  }
  return out;
}

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

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took over ${PER_CASE_MS} ms`)), PER_CASE_MS);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

describe('fuzzing inspect with mutated and truncated files of every format', () => {
  it(`${RUNS} mutated inputs each end in a report or one clear error line (seed ${SEED})`, async () => {
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
      const res = await withTimeout(runInspectCli(['inspect', viaPipe ? '-' : path, '--json'], viaPipe ? { stdin: bytes } : {}), what);
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
    expect(counts.ok).toBeGreaterThan(RUNS / 50);
    expect(counts.error).toBeGreaterThan(RUNS / 10);
  }, 120_000);
});
