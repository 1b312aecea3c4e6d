/*
 * .npz, safetensors (one file and Hugging Face shards) and Arrow IPC (file and stream) written by
 * the library, loaded by the libraries users load them with: numpy (np.load, python -m zipfile -t),
 * safetensors (numpy and torch front ends), torch, pyarrow and polars. Every value is compared bit
 * for bit with the stream's bytes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fillBlock } from '../../src/io/chunks.js';
import { generate, resolveSpec, tensorChunks, type Dtype, type GenerateOptions, type TensorSpec } from '../../src/index.js';
import { BLOCK_SIZE } from '../../src/rng/stream.js';
import { runPython, runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from './formats-python.js';
import { checkBuilt, PY_DIR, startBin, tempDir } from './support.js';

const DTYPES: readonly Dtype[] = ['float32', 'float64', 'float16', 'bfloat16'];
/** A real layer, a bias, a scalar, an empty tensor, odd sizes across blocks, and a million values for rounding statistics. */
const SHAPES: Record<string, number[]> = {
  'layer_1/kernel': [784, 128],
  'layer_1/bias': [5],
  scalar: [],
  empty: [0, 4],
  odd: [3, 70001],
  'many/values': [1000, 1000],
};

interface Job {
  tensors: { id: string; name: string; shape: number[]; dtype: Dtype; raw: string; f64?: string }[];
  files: { kind: string; path: string; tensors: string[] }[];
}

type Same = { shape: number[]; dtype: string; bits_equal: boolean };
interface Rounding {
  count: number;
  differs_from_torch: number;
  torch_equals_double_rounding_where_it_differs: boolean;
  ours_nearer_where_torch_differs: boolean;
  differs_from_numpy_astype: number;
  differs_from_double_rounding: number;
}
type Report = Record<string, unknown> & {
  files?: string[];
  testzip?: string | null;
  zipfile_t?: { code: number; stdout: string; stderr: string };
  comment?: Record<string, unknown>;
  metadata?: Record<string, string>;
  keys?: string[];
  numpy_front_end?: string;
  pyarrow?: Same;
  polars?: { dtype: string; height: number; bits_equal: boolean; warnings: string[] };
  type?: string;
};

async function rawFloat64(t: TensorSpec, path: string): Promise<void> {
  const out = new Float64Array(t.size);
  const scratch = new Float64Array(BLOCK_SIZE);
  for (let b = 0; b * BLOCK_SIZE < t.size; b++) {
    const n = fillBlock(t, b, scratch);
    out.set(scratch.subarray(0, n), b * BLOCK_SIZE);
  }
  await writeFile(path, new Uint8Array(out.buffer));
}

describeFormatInterop('npz, safetensors and Arrow files, read by numpy, safetensors, torch, pyarrow and polars', (python) => {
  let remove: () => Promise<void> = async () => undefined;
  let dir = '';
  let reports: Record<string, Report> = {};
  let index: { metadata: { total_size: number }; weight_map: Record<string, string> } = { metadata: { total_size: 0 }, weight_map: {} };
  const path = (p: string) => join(dir, p);
  const report = (p: string) => {
    const r = reports[path(p)];
    if (r === undefined) throw new Error(`no report for ${p}`);
    return r;
  };
  const tensorReport = <T>(p: string, name: string) => report(p)[name] as T;

  beforeAll(async () => {
    const tmp = await tempDir('formats');
    remove = tmp.remove;
    dir = tmp.dir;
    const job: Job = { tensors: [], files: [] };
    for (const dtype of DTYPES) {
      const spec = resolveSpec({
        seed: 20240611,
        dtype,
        tensors: Object.entries(SHAPES).map(([name, shape]) => ({ name, shape, initializer: { type: 'normal', mean: 0.25, stddev: 1.5 } })),
      });
      for (const t of spec.tensors) {
        const id = `${dtype}-${t.name.replace('/', '_')}`;
        await writeFile(path(`${id}.raw`), Buffer.concat([...tensorChunks(t)]));
        const wide = dtype === 'float16' || dtype === 'bfloat16';
        if (wide) await rawFloat64(t, path(`${id}.f64`));
        job.tensors.push({ id: `${dtype}:${t.name}`, name: t.name, shape: [...t.shape], dtype, raw: path(`${id}.raw`), ...(wide ? { f64: path(`${id}.f64`) } : {}) });
      }
      const names = spec.tensors.map((t) => `${dtype}:${t.name}`);
      const run = (output: string, extra: Partial<GenerateOptions> = {}) => generate({ spec, output: path(output), ...extra });
      await run(`${dtype}.npz`);
      job.files.push({ kind: 'npz', path: path(`${dtype}.npz`), tensors: names });
      await run(`${dtype}.safetensors`);
      job.files.push({ kind: 'safetensors', path: path(`${dtype}.safetensors`), tensors: names });
      if (dtype === 'float32') {
        await run('deflated.npz', { formatOptions: { compress: true } });
        job.files.push({ kind: 'npz', path: path('deflated.npz'), tensors: names });
        await run('ckpt/', { formatOptions: { maxShardSize: 1_000_000 } });
        index = JSON.parse(await readFile(path('ckpt/model.safetensors.index.json'), 'utf8')) as typeof index;
        for (const shard of new Set(Object.values(index.weight_map))) {
          const held = Object.keys(index.weight_map).filter((n) => index.weight_map[n] === shard);
          job.files.push({ kind: 'safetensors', path: path(`ckpt/${shard}`), tensors: held.map((n) => `${dtype}:${n}`) });
        }
      }
      if (dtype !== 'bfloat16') {
        await run(`${dtype}-arrow/`, { format: 'arrow' });
        await run(`${dtype}-arrows/`, { format: 'arrow-stream' });
        for (const t of spec.tensors) {
          job.files.push({ kind: 'arrow', path: path(`${dtype}-arrow/${t.name}.arrow`), tensors: [`${dtype}:${t.name}`] });
          job.files.push({ kind: 'arrow-stream', path: path(`${dtype}-arrows/${t.name}.arrows`), tensors: [`${dtype}:${t.name}`] });
        }
      }
    }
    await writeFile(path('job.json'), JSON.stringify(job));
    reports = await runPythonJson<Record<string, Report>>(python, { script: join(PY_DIR, 'check_formats.py') }, [path('job.json')], { timeoutMs: 300_000 });
  }, 600_000);

  afterAll(() => remove());

  const NAMES = Object.keys(SHAPES);

  for (const dtype of DTYPES) {
    it(`${dtype} .npz: np.load(path)[name] gives every tensor with its shape, bit for bit; python -m zipfile -t passes`, () => {
      const r = report(`${dtype}.npz`);
      expect(r.files).toEqual([...NAMES].sort());
      for (const name of NAMES) expect(tensorReport<Same>(`${dtype}.npz`, name), name).toMatchObject({ shape: SHAPES[name], bits_equal: true });
      expect(r.testzip).toBeNull();
      expect(r.zipfile_t).toEqual({ code: 0, stdout: 'Done testing', stderr: '' });
      expect(r.comment).toMatchObject({ tool: 'init-weights', seed: 20240611, streamVersion: 1 });
    });

    it(`${dtype} safetensors: torch's load_file and safe_open give every tensor bit for bit, numpy's front end too; metadata has format "pt"`, () => {
      const r = report(`${dtype}.safetensors`);
      expect(r.keys).toEqual([...NAMES].sort());
      expect(r.metadata).toMatchObject({ format: 'pt', tool: 'init-weights', seed: '20240611', streamVersion: '1' });
      // safetensors >= 0.6 hands BF16 to numpy as ml_dtypes.bfloat16 (older versions refused it).
      expect(r.numpy_front_end).toBe('ok');
      for (const name of NAMES) {
        const t = tensorReport<{ shape: number[]; torch_bits_equal: boolean; numpy: Same }>(`${dtype}.safetensors`, name);
        expect(t, name).toMatchObject({ shape: SHAPES[name], torch_bits_equal: true, numpy: { bits_equal: true } });
      }
    });

    if (dtype !== 'bfloat16') {
      for (const kind of ['arrow', 'arrow-stream'] as const) {
        it(`${dtype} ${kind}: pyarrow gives back the tensor with its shape (to_numpy_ndarray for rank >= 2), polars reads the same values`, () => {
          for (const name of NAMES) {
            const file = kind === 'arrow' ? `${dtype}-arrow/${name}.arrow` : `${dtype}-arrows/${name}.arrows`;
            const r = report(file);
            expect(r.pyarrow, name).toMatchObject({ shape: SHAPES[name], bits_equal: true });
            expect(r.polars, name).toMatchObject({ bits_equal: true, height: SHAPES[name]!.length === 0 ? 1 : SHAPES[name]![0] });
            if (SHAPES[name]!.length >= 2) expect(r.type).toMatch(/^extension<arrow\.fixed_shape_tensor\[/);
            expect(r.polars!.dtype).toMatch(dtype === 'float16' ? /Float16/ : dtype === 'float32' ? /Float32/ : /Float64/);
            // polars loads the extension as its storage (an Array column) and says so once per process.
            for (const w of r.polars!.warnings) expect(w).toMatch(/Extension type 'arrow.fixed_shape_tensor' is not registered/);
          }
        });
      }
    }
  }

  it('float16 values are the float64 values rounded once: equal to numpy astype everywhere; torch differs only where it rounds twice (through float32)', () => {
    let torchDiffers = 0;
    for (const name of NAMES) {
      const r = tensorReport<{ rounding: Rounding }>('float16.safetensors', name).rounding;
      expect(r.differs_from_numpy_astype, name).toBe(0);
      expect(r.torch_equals_double_rounding_where_it_differs, name).toBe(true);
      expect(r.ours_nearer_where_torch_differs, name).toBe(true);
      torchDiffers += r.differs_from_torch;
    }
    // Double rounding bites about 1 value in 20,000 here: the test would notice if the difference vanished unexplained.
    expect(torchDiffers).toBeGreaterThan(0);
  });

  it('bfloat16 values are rounded once; torch and ml_dtypes differ only where they round twice through float32, and ours is then the nearer value', () => {
    for (const name of NAMES) {
      const r = tensorReport<{ rounding: Rounding }>('bfloat16.safetensors', name).rounding;
      expect(r.torch_equals_double_rounding_where_it_differs, name).toBe(true);
      expect(r.ours_nearer_where_torch_differs, name).toBe(true);
      expect(r.differs_from_torch, name).toBe(r.differs_from_double_rounding);
      expect(r.differs_from_numpy_astype, name).toBe(r.differs_from_double_rounding);
    }
    expect(tensorReport<{ rounding: Rounding }>('bfloat16.safetensors', 'many/values').rounding.differs_from_double_rounding).toBeGreaterThan(0);
  });

  it('a deflated .npz (--compress) loads the same and passes python -m zipfile -t', () => {
    for (const name of NAMES) expect(tensorReport<Same>('deflated.npz', name), name).toMatchObject({ bits_equal: true });
    expect(report('deflated.npz').zipfile_t).toEqual({ code: 0, stdout: 'Done testing', stderr: '' });
  });

  it('Hugging Face shards: each shard loads alone with its own metadata, and the index maps every tensor to the shard that holds it', () => {
    const shards = [...new Set(Object.values(index.weight_map))].sort();
    expect(shards).toEqual(['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    expect(Object.keys(index.weight_map).sort()).toEqual([...NAMES].sort());
    expect(index.metadata.total_size).toBe(Object.values(SHAPES).reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1) * 4, 0));
    for (const shard of shards) {
      const r = report(`ckpt/${shard}`);
      expect(r.keys).toEqual(Object.keys(index.weight_map).filter((n) => index.weight_map[n] === shard).sort());
      expect(r.metadata).toMatchObject({ format: 'pt', tool: 'init-weights' });
      for (const name of r.keys!) expect(tensorReport<{ torch_bits_equal: boolean }>(`ckpt/${shard}`, name).torch_bits_equal, name).toBe(true);
    }
  });

  it('the bin pipes an Arrow stream into the documented one-liner: pa.ipc.open_stream(sys.stdin.buffer)', async () => {
    checkBuilt();
    const bin = startBin(['gen', '--shape', '300,7,2', '--seed', '5', '--format', 'arrow-stream', '-o', '-', '--quiet']);
    const code = 'import pyarrow as pa, sys; t = pa.ipc.open_stream(sys.stdin.buffer).read_all(); a = t.column(0).combine_chunks().to_numpy_ndarray(); print(a.shape, a.dtype, t.schema.metadata[b"seed"].decode())';
    const out = await runPython(python, { code }, [], { stdin: bin.child.stdout });
    const done = await bin.done;
    expect(done.code, done.stderr).toBe(0);
    expect(out.trim()).toBe('(300, 7, 2) float32 5');
  });
});
