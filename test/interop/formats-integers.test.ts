/*
 * Integer and bool tensors (int64, int32, uint8, bool) written by the library, loaded by their real
 * consumers: numpy (.npy, .npz), safetensors' numpy and torch front ends (torch.int64, torch.bool),
 * pyarrow and polars (Arrow file and stream). Every value is compared bit for bit with the stream's
 * bytes, through the same script as the float formats (py/check_formats.py).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generate, resolveSpec, tensorChunks, type GenerateOptions } from '../../src/index.js';
import { runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from './formats-python.js';
import { PY_DIR, tempDir } from './support.js';

/** torch's BatchNorm counter, ids past 2^53, bytes, a mask with zeroed rows across blocks and bytes of bits, an empty tensor. */
const TENSORS = [
  { name: 'bn/num_batches_tracked', shape: [], initializer: 'zeros', dtype: 'int64' },
  { name: 'big', shape: [2, 3], initializer: { type: 'constant', value: 2 ** 60 + 2 ** 12 }, dtype: 'int64' },
  { name: 'ids', shape: [3, 70001], initializer: { type: 'constant', value: -123456789 }, dtype: 'int32' },
  { name: 'bytes', shape: [13], initializer: { type: 'constant', value: 255 }, dtype: 'uint8' },
  { name: 'mask', shape: [10083, 13], initializer: 'ones', dtype: 'bool', zero_rows: [0, 2, 5041, 10082] },
  { name: 'flags', shape: [21], initializer: 'ones', dtype: 'bool' },
  { name: 'none', shape: [0, 4], initializer: 'ones', dtype: 'int32' },
] as const;
const TORCH: Record<string, string> = { int64: 'torch.int64', int32: 'torch.int32', uint8: 'torch.uint8', bool: 'torch.bool' };

type Same = { shape: number[]; dtype: string; bits_equal: boolean };
type Report = Record<string, unknown> & { files?: string[]; keys?: string[]; numpy_front_end?: string; pyarrow?: Same; polars?: { dtype: string; height: number; bits_equal: boolean } };

describeFormatInterop('integer and bool tensors in npy, npz, safetensors and Arrow, read by numpy, safetensors, torch, pyarrow and polars', (python) => {
  let remove: () => Promise<void> = async () => undefined;
  let dir = '';
  let reports: Record<string, Report> = {};
  const report = (p: string) => {
    const r = reports[join(dir, p)];
    if (r === undefined) throw new Error(`no report for ${p}`);
    return r;
  };
  const spec = resolveSpec({ seed: 11, tensors: TENSORS.map((t) => ({ ...t, shape: [...t.shape], ...('zero_rows' in t ? { zero_rows: [...t.zero_rows] } : {}) })) });

  beforeAll(async () => {
    const tmp = await tempDir('formats-int');
    remove = tmp.remove;
    dir = tmp.dir;
    const job: { tensors: unknown[]; files: { kind: string; path: string; tensors: string[] }[] } = { tensors: [], files: [] };
    for (const t of spec.tensors) {
      const raw = join(dir, `${t.name.replace('/', '_')}.raw`);
      await writeFile(raw, Buffer.concat([...tensorChunks(t)]));
      job.tensors.push({ id: t.name, name: t.name, shape: [...t.shape], dtype: t.dtype, raw });
    }
    const names = spec.tensors.map((t) => t.name);
    const run = (output: string, extra: Partial<GenerateOptions> = {}) => generate({ spec, output: join(dir, output), ...extra });
    await run('w.npz');
    job.files.push({ kind: 'npz', path: join(dir, 'w.npz'), tensors: names });
    await run('w.safetensors');
    job.files.push({ kind: 'safetensors', path: join(dir, 'w.safetensors'), tensors: names });
    await run('npy/', { format: 'npy' });
    await run('arrow/', { format: 'arrow' });
    await run('arrows/', { format: 'arrow-stream' });
    for (const t of spec.tensors) {
      job.files.push({ kind: 'npy', path: join(dir, `npy/${t.name}.npy`), tensors: [t.name] });
      job.files.push({ kind: 'arrow', path: join(dir, `arrow/${t.name}.arrow`), tensors: [t.name] });
      job.files.push({ kind: 'arrow-stream', path: join(dir, `arrows/${t.name}.arrows`), tensors: [t.name] });
    }
    await writeFile(join(dir, 'job.json'), JSON.stringify(job));
    reports = await runPythonJson<Record<string, Report>>(python, { script: join(PY_DIR, 'check_formats.py') }, [join(dir, 'job.json')], { timeoutMs: 300_000 });
  }, 600_000);

  afterAll(() => remove());

  it('.npy: np.load gives each tensor with numpy\'s dtype (<i8, <i4, |u1, |b1), shape and bytes', () => {
    for (const t of spec.tensors) {
      expect(report(`npy/${t.name}.npy`)[t.name], t.name).toMatchObject({ shape: [...t.shape], dtype: t.dtype, bits_equal: true });
    }
  });

  it('.npz: np.load gives each tensor with numpy\'s dtype (int64, int32, uint8, bool), shape and bytes', () => {
    const r = report('w.npz');
    expect(r.files).toEqual(spec.tensors.map((t) => t.name).sort());
    for (const t of spec.tensors) {
      expect(r[t.name], t.name).toMatchObject({ shape: [...t.shape], dtype: t.dtype, bits_equal: true });
    }
  });

  it('safetensors: torch\'s load_file gives torch.int64 / int32 / uint8 / bool bit for bit; numpy\'s front end too', () => {
    const r = report('w.safetensors');
    expect(r.numpy_front_end).toBe('ok');
    for (const t of spec.tensors) {
      expect(r[t.name], t.name).toMatchObject({ torch_dtype: TORCH[t.dtype], shape: [...t.shape], torch_bits_equal: true, numpy: { dtype: t.dtype, bits_equal: true } });
    }
  });

  for (const kind of ['arrow', 'arrow-stream'] as const) {
    it(`${kind}: pyarrow and polars read Int64, Int32, UInt8 and Boolean columns with the stream's values`, () => {
      const POLARS: Record<string, RegExp> = { int64: /Int64/, int32: /Int32/, uint8: /UInt8/, bool: /Boolean/ };
      for (const t of spec.tensors) {
        const r = report(kind === 'arrow' ? `arrow/${t.name}.arrow` : `arrows/${t.name}.arrows`);
        expect(r.pyarrow, t.name).toMatchObject({ shape: [...t.shape], dtype: t.dtype, bits_equal: true });
        expect(r.polars, t.name).toMatchObject({ bits_equal: true, height: t.shape.length === 0 ? 1 : t.shape[0] });
        expect(r.polars!.dtype, t.name).toMatch(POLARS[t.dtype]!);
      }
    });
  }
});
