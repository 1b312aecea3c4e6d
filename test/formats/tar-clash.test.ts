import { readdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';

/**
 * A tar's members extract to the same paths as the directory output, so names that clash on disk
 * (`a` -> a.npy, `a.npy/b` -> a.npy/b.npy) are refused for tar too, before anything is written.
 */
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const specOf = (...names: string[]) => JSON.stringify({ version: 1, seed: 1, tensors: names.map((name, i) => ({ name, shape: [2, i + 1], initializer: 'ones' })) });

function writeSpec(...names: string[]): string {
  writeFileSync(tmp.path('spec.json'), specOf(...names));
  return tmp.path('spec.json');
}

describe('tar output refuses tensor names that clash when extracted', () => {
  it('refuses `a` and `a.npy/b` for a .tar file with exit 2, one line, and no file', async () => {
    const spec = writeSpec('a', 'a.npy/b');
    const r = await runCli(['gen', '--spec', spec, '-o', tmp.path('x.tar')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`init-weights: ${tmp.path('x.tar')}: the tensor names clash when the tar is extracted: "a.npy/b.npy" needs "a.npy" to be a directory; rename a tensor, or write a format that keeps the names inside the file (like weights.safetensors)\n`);
    expect(readdirSync(tmp.dir)).toEqual(['spec.json']);
  });

  it('refuses the same spec as a tar stream on stdout, writing no byte', async () => {
    const r = await runCli(['gen', '--spec', '-', '-o', '-', '--format', 'tar'], { stdin: specOf('a', 'a.npy/b') });
    expect([r.code, r.stdout.length]).toEqual([2, 0]);
    expect(r.stderr).toMatch(/^init-weights: stdout: the tensor names clash when the tar is extracted: "a\.npy\/b\.npy" needs "a\.npy"/);
  });

  it('refuses a member under manifest.json, which the tar also holds', async () => {
    const r = await runCli(['gen', '--spec', writeSpec('manifest.json/x', 'y'), '-o', tmp.path('x.tar')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"manifest\.json\/x\.npy" needs "manifest\.json" to be a directory/);
    expect(readdirSync(tmp.dir)).toEqual(['spec.json']);
  });

  it('refuses the clash for the directory output with its own wording (unchanged)', async () => {
    const r = await runCli(['gen', '--spec', writeSpec('a', 'a.npy/b'), '-o', `${tmp.path('d')}/`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/: the tensor names clash on disk: "a\.npy\/b\.npy" needs "a\.npy" to be a directory; rename a tensor, or write one file holding every tensor/);
    expect(readdirSync(tmp.dir)).toEqual(['spec.json']);
  });
});

describeInterop('a tar without clashes extracts with Python tarfile', (python) => {
  it('writes `a` and `a/b` (a.npy beside a/b.npy), which extractall restores and numpy loads', async () => {
    const out = tmp.path('x.tar');
    const r = await runCli(['gen', '--spec', writeSpec('a', 'a/b'), '-o', out, '-q']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const code = `
import json, os, sys, tarfile, numpy as np
src, dest = sys.argv[1], sys.argv[2]
with tarfile.open(src) as tf:
    kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    tf.extractall(dest, **kw)
files = sorted(os.path.relpath(os.path.join(d, f), dest) for d, _, fs in os.walk(dest) for f in fs)
arrays = {p: np.load(os.path.join(dest, p)).tolist() for p in files if p.endswith(".npy")}
print(json.dumps({"files": files, "arrays": arrays}))
`;
    const got = await runPythonJson<{ files: string[]; arrays: Record<string, number[][]> }>(python, { code }, [out, tmp.path('x')]);
    expect(got.files).toEqual(['a.npy', 'a/b.npy', 'manifest.json']);
    expect(got.arrays).toEqual({ 'a.npy': [[1], [1]], 'a/b.npy': [[1, 1], [1, 1]] });
  });
});
