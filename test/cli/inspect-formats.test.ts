import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { runInspectCli } from '../inspect/helpers.js';

/*
 * inspect reads what gen writes, in every format, and finds the provenance each format carries
 * (manifest.json, safetensors __metadata__, Arrow schema metadata) to check the declared
 * initializer.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Report {
  format: string;
  provenance: { seed: unknown } | null;
  tensors: { name: string; shape: number[]; count: number; fit: { declared: { description: string; matches: boolean | null } | null } }[];
}

async function gen(args: string[]): Promise<void> {
  const r = await runCli(['gen', ...args, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
}

async function report(args: string[], stdin?: Uint8Array): Promise<Report> {
  const r = await runInspectCli(['inspect', ...args, '--json'], stdin === undefined ? {} : { stdin });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Report;
}

describe('inspect on every format gen writes', () => {
  it('safetensors: the declared initializer of each tensor is checked from __metadata__', async () => {
    const path = tmp.path('mlp.safetensors');
    await gen(['--seed', '42', '--format', 'safetensors', '-o', path]);
    const r = await report([path]);
    expect(r.provenance?.seed).toBe(42);
    expect(r.tensors.map((t) => [t.name, t.fit.declared?.description, t.fit.declared?.matches])).toEqual([
      ['dense/kernel', 'normal(mean=0, stddev=0.05)', true],
      ['dense/bias', 'zeros', true],
      ['dense_1/kernel', 'normal(mean=0, stddev=0.05)', true],
      ['dense_1/bias', 'zeros', true],
      ['dense_2/kernel', 'normal(mean=0, stddev=0.05)', true],
      ['dense_2/bias', 'zeros', true],
    ]);
  });

  it('Arrow file whose schema is only in the footer: read from the file, with provenance', async () => {
    const path = tmp.path('w.arrow');
    await gen(['--shape', '50,4,3', '--seed', '1', '--format', 'arrow', '-o', path]);
    const r = await report([path]);
    expect(r.format).toBe('arrow-file');
    expect(r.tensors[0]).toMatchObject({ name: 'weights', shape: [50, 4, 3], count: 600 });
    expect(r.tensors[0]!.fit.declared?.matches).toBe(true);
  });

  it('npz with deflated members streamed through a pipe', async () => {
    const path = tmp.path('c.npz');
    await gen(['--seed', '3', '--format', 'npz', '--compress', '-o', path]);
    const r = await report(['-'], readFileSync(path));
    expect(r.format).toBe('npz');
    expect(r.tensors.map((t) => t.count)).toEqual([100352, 128, 8192, 64, 640, 10]);
  });

  it('a directory of safetensors shards, through its manifest', async () => {
    const dir = tmp.path('shards/');
    await gen(['--seed', '4', '--format', 'safetensors', '--max-shard-size', '200KB', '-o', dir]);
    const r = await report([dir]);
    expect(r.format).toBe('directory');
    expect(r.tensors).toHaveLength(6);
    expect(r.tensors.every((t) => t.fit.declared?.matches === true)).toBe(true);
  });

  it('checks variance-scaling and uniform initializers from their recorded fans', async () => {
    for (const init of ['glorot_uniform', 'he_normal', 'truncated_normal', 'uniform']) {
      const path = tmp.path(`${init}.safetensors`);
      await gen(['--shape', '300,200', '--init', init, '--seed', '1', '--format', 'safetensors', '-o', path]);
      const r = await report([path]);
      expect(r.tensors[0]!.fit.declared, init).toMatchObject({ matches: true });
    }
  });

  it('says it has no check for orthogonal rather than guessing', async () => {
    const path = tmp.path('orth.safetensors');
    await gen(['--shape', '30,20', '--init', 'orthogonal', '--seed', '1', '--format', 'safetensors', '-o', path]);
    const r = await report([path]);
    expect(r.tensors[0]!.fit.declared?.matches).toBeNull();
  });
});
