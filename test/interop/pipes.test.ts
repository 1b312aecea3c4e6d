/*
 * The real bin (`node bin/init-weights.js`) piped into Python through a real OS pipe, read with the
 * recipes of RECIPES.md, run exactly as written there with the checks appended after them.
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinSpec, generate, resolveSpec, tensorValues, type Dtype, type WeightsSpec } from '../../src/index.js';
import { describeInterop, PythonError, runPythonFull } from '../helpers/python.js';
import { checkBuilt, recipe, recipeNames, spawnConsumer, startBin, tempDir, writeFloat64LE } from './support.js';

/** Check code appended to a recipe reads this: the values each tensor must hold. */
interface Expected {
  readonly tensors: Record<string, { shape: readonly number[]; dtype: Dtype; values: string }>;
}

/** What the appended checks print, as the last line of stdout. */
interface Seen {
  names: string[];
  tensors: Record<string, { shape: number[]; dtype: string; values_equal: boolean }>;
  manifest?: { tool: string; seed: unknown; streamVersion: number; files: { tensor: string; path: string; dtype: string; shape: number[]; bytes: number; sha256: string }[] };
  rest?: number;
}

/** Appended to every recipe: compare `arrays` (or `arr`) with the expected values, print JSON. */
const CHECKS = String.raw`
import json as _json
import numpy as _np

with open(sys.argv[-1]) as _f:
    _exp = _json.load(_f)
_arrays = arrays if "arrays" in dir() else {next(iter(_exp["tensors"])): arr}
_out = {"names": list(_arrays), "tensors": {}}
for _name, _a in _arrays.items():
    _want = _np.fromfile(_exp["tensors"][_name]["values"], dtype="<f8")
    _got = _a.astype(_np.float64).reshape(-1)
    _out["tensors"][_name] = {
        "shape": list(_a.shape),
        "dtype": str(_a.dtype),
        "values_equal": bool(_got.shape == _want.shape and _np.array_equal(_got.view(_np.uint64), _want.view(_np.uint64))),
    }
if "manifest" in dir():
    _out["manifest"] = manifest
if "arr" in dir() and "arrays" not in dir():
    _out["rest"] = len(sys.stdin.buffer.read())  # bytes after the array: there must be none
print(_json.dumps(_out))
`;

/** The library's own view of a spec: its values in raw float64 files, for the checks to compare. */
async function expectedFor(spec: WeightsSpec, dir: string, tag: string): Promise<string> {
  const tensors: Expected['tensors'] = {};
  await Promise.all(spec.tensors.map(async (t, i) => {
    const values = join(dir, `${tag}-${i}.f64`);
    await writeFloat64LE(values, tensorValues(t));
    tensors[t.name] = { shape: t.shape, dtype: t.dtype, values };
  }));
  const path = join(dir, `${tag}.json`);
  await writeFile(path, JSON.stringify({ tensors } satisfies Expected));
  return path;
}

function lastLine(stdout: string): string {
  const lines = stdout.trimEnd().split('\n');
  return lines[lines.length - 1]!;
}

/** Run a recipe plus the checks with `args`, reading stdin from the bin's pipe when given. */
async function runRecipe(python: string, name: string, args: readonly string[], bin?: ReturnType<typeof startBin>) {
  const py = runPythonFull(python, { code: `${recipe(name)}\n${CHECKS}` }, args, bin === undefined ? {} : { stdin: bin.child.stdout });
  const [out, gen] = await Promise.all([py, bin?.done]);
  const seen = JSON.parse(lastLine(out.stdout)) as Seen;
  return { seen, stdout: out.stdout, pyStderr: out.stderr, gen };
}

/** What the CLI's `gen --shape S --seed N [--dtype D]` resolves to (name "weights", normal defaults). */
function shapeSpec(shape: number[], seed: number, dtype?: Dtype): WeightsSpec {
  return resolveSpec({ tensors: [{ name: 'weights', shape, initializer: { type: 'normal' } }] }, { seed, ...(dtype ? { dtype } : {}) });
}

/** What `gen --seed N [--dtype D]` without --shape or --spec resolves to: the built-in MLP. */
function builtinMlp(seed: number, dtype?: Dtype): WeightsSpec {
  return resolveSpec(builtinSpec({ type: 'normal' }), { seed, ...(dtype ? { dtype } : {}) });
}

const MLP_SHAPES: Record<string, number[]> = {
  'dense/kernel': [784, 128],
  'dense/bias': [128],
  'dense_1/kernel': [128, 64],
  'dense_1/bias': [64],
  'dense_2/kernel': [64, 10],
  'dense_2/bias': [10],
};

describe('RECIPES.md', () => {
  it('has exactly the recipes these tests run', () => {
    expect(recipeNames()).toEqual(['npy-pipe', 'tar-stream', 'directory']);
  });
});

describeInterop('the bin piped into Python, read with the README recipes', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    checkBuilt();
    const tmp = await tempDir('pipes');
    dir = tmp.dir;
    remove = tmp.remove;
  });
  afterAll(async () => {
    await remove();
  });

  describe('one tensor: gen --shape 3,4 --seed 7 -o - | python (recipe npy-pipe)', () => {
    it.each([undefined, 'float16', 'bfloat16', 'float64'] as const)('dtype %s: read_array on a .read-only wrapper gets the tensor, and nothing is left over', async (dtype) => {
      const args = ['gen', '--shape', '3,4', '--seed', '7', ...(dtype ? ['--dtype', dtype] : []), '-o', '-'];
      const expected = await expectedFor(shapeSpec([3, 4], 7, dtype), dir, `npy-${dtype ?? 'default'}`);
      const { seen, stdout, pyStderr, gen } = await runRecipe(python, 'npy-pipe', [expected], startBin(args));
      expect(gen!.code, gen!.stderr).toBe(0);
      expect(gen!.stderr, 'the summary goes to stderr').toMatch(/wrote stdout \(npy/);
      expect(pyStderr, 'Python printed no warnings').toBe('');
      expect(stdout.split('\n')[0], "the recipe's own print").toBe(`${dtype ?? 'float32'} (3, 4)`);
      expect(seen.tensors.weights).toEqual({ shape: [3, 4], dtype: dtype ?? 'float32', values_equal: true });
      expect(seen.rest, 'bytes after the array').toBe(0);
    });

    it('np.load(sys.stdin.buffer), the obvious way, fails on a pipe: the reason for the recipe', async () => {
      const bin = startBin(['gen', '--shape', '3,4', '--seed', '7', '-q', '-o', '-']);
      const py = runPythonFull(python, { code: 'import sys, numpy as np\nnp.load(sys.stdin.buffer)' }, [], { stdin: bin.child.stdout });
      const failure = await py.then(() => undefined, (e: unknown) => e);
      await bin.done;
      // If numpy ever learns to read pipes, this fails: the README can then offer np.load too.
      expect(failure).toBeInstanceOf(PythonError);
      expect((failure as PythonError).stderr).toMatch(/seek|not seekable|file position/i);
    });
  });

  describe('several tensors: gen --seed 7 -o - | python (recipe tar-stream)', () => {
    it.each([undefined, 'bfloat16'] as const)('dtype %s: tarfile mode "r|" gets every tensor of the built-in MLP, then manifest.json', async (dtype) => {
      const spec = builtinMlp(7, dtype);
      const expected = await expectedFor(spec, dir, `tar-${dtype ?? 'default'}`);
      const args = ['gen', '--seed', '7', ...(dtype ? ['--dtype', dtype] : []), '-o', '-'];
      const { seen, pyStderr, gen } = await runRecipe(python, 'tar-stream', [expected], startBin(args));
      expect(gen!.code, gen!.stderr).toBe(0);
      expect(pyStderr).toBe('');
      expect(seen.names, 'members in spec order').toEqual(spec.tensors.map((t) => t.name));
      expect(Object.fromEntries(Object.entries(seen.tensors).map(([k, v]) => [k, v.shape]))).toEqual(MLP_SHAPES);
      for (const t of spec.tensors) {
        expect(seen.tensors[t.name], t.name).toEqual({ shape: [...t.shape], dtype: t.dtype, values_equal: true });
      }
      const m = seen.manifest!;
      expect(m.tool).toBe('init-weights');
      expect(m.seed).toBe(7);
      expect(m.files.map((f) => [f.tensor, f.path, f.dtype, f.shape])).toEqual(
        spec.tensors.map((t) => [t.name, `${t.name}.npy`, t.dtype, [...t.shape]]),
      );
      // The members are the files of the directory layout: same bytes, same sha256.
      const out = join(dir, `tar-vs-dir-${dtype ?? 'default'}`);
      await generate({ spec, output: `${out}/` });
      const dirManifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { files: unknown };
      expect(m.files).toEqual(dirManifest.files);
    });
  });

  describe('a directory: gen --seed 7 -o DIR/, then python (recipe directory)', () => {
    let weights = '';

    beforeAll(async () => {
      weights = join(dir, 'weights');
      const gen = await startBin(['gen', '--seed', '7', '-o', `${weights}/`]).done;
      expect(gen.code, gen.stderr).toBe(0);
    });

    it('loads every file manifest.json lists, each matching its sha256', async () => {
      const spec = builtinMlp(7);
      const expected = await expectedFor(spec, dir, 'dir');
      const { seen, pyStderr } = await runRecipe(python, 'directory', [weights, expected]);
      expect(pyStderr).toBe('');
      expect(seen.names).toEqual(spec.tensors.map((t) => t.name));
      for (const t of spec.tensors) {
        expect(seen.tensors[t.name], t.name).toEqual({ shape: [...t.shape], dtype: t.dtype, values_equal: true });
      }
      // The recipe checked the hashes in Python; check them again here, with Node's crypto.
      const m = seen.manifest!;
      expect(m.files).toHaveLength(6);
      for (const f of m.files) {
        const bytes = await readFile(join(weights, f.path));
        expect(bytes.length, f.path).toBe(f.bytes);
        expect(createHash('sha256').update(bytes).digest('hex'), f.path).toBe(f.sha256);
      }
    });

    it("the recipe's sha256 check catches a changed file", async () => {
      const spec = builtinMlp(7);
      const expected = await expectedFor(spec, dir, 'dir-bad');
      const bad = join(dir, 'weights-bad');
      await generate({ spec, output: `${bad}/` });
      const victim = join(bad, 'dense_1', 'bias.npy');
      const bytes = await readFile(victim);
      bytes[bytes.length - 1]! ^= 1;
      await writeFile(victim, bytes);
      const failure = await runRecipe(python, 'directory', [bad, expected]).then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(PythonError);
      expect((failure as PythonError).stderr).toMatch(/bias\.npy: sha256 does not match manifest\.json/);
    });
  });

  describe('a reader that stops early: gen --shape 100000000 -o - | head -c 100', () => {
    async function headRun(extra: string[]) {
      const bin = startBin(['gen', '--shape', '100000000', ...extra, '-o', '-'], { timeoutMs: 60_000 });
      const head = spawnConsumer(bin, 'head', ['-c', '100']);
      const chunks: Buffer[] = [];
      head.stdout!.on('data', (c: Buffer) => chunks.push(c));
      const headCode = await new Promise<number | null>((resolve) => head.on('close', resolve));
      const started = Date.now();
      const gen = await bin.done;
      return { gen, headCode, out: Buffer.concat(chunks), exitAfterMs: Date.now() - started };
    }

    it('exits 0 soon after, with nothing on stderr but the drawn seed', async () => {
      const { gen, headCode, out, exitAfterMs } = await headRun([]);
      expect(headCode).toBe(0);
      expect(out.length).toBe(100);
      expect(out.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
      expect(gen.signal, 'not killed (by SIGPIPE or our timeout)').toBeNull();
      expect(gen.code).toBe(0);
      // No seed given: the drawn seed is reported (DESIGN.md section 1); nothing else.
      expect(gen.stderr).toMatch(/^init-weights: seed \d+ \(drawn; pass --seed \d+ to repeat this run\)\n$/);
      expect(exitAfterMs, 'stops generating when the reader is gone (400 MB would take seconds)').toBeLessThan(5_000);
    });

    it('with --seed given, stderr stays empty', async () => {
      const { gen, out } = await headRun(['--seed', '1']);
      expect(out.length).toBe(100);
      expect(gen.code).toBe(0);
      expect(gen.stderr).toBe('');
    });
  });
});
