import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generate, planOutput, type GenerateOptions } from '../../src/generate/generate.js';
import { FORMAT_NAMES } from '../../src/formats/registry.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { Dtype } from '../../src/dtype/table.js';
import type { TensorSpec, WeightsSpec } from '../../src/weights-spec/types.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { readArrow, readNpy, readSafetensors, readZip } from './read.js';

// Goldens must not move with the package version, which the provenance records.
vi.mock('../../src/version.js', () => ({ TOOL_VERSION: '0.0.0-golden' }));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iw-formats-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const dataOf = (t: TensorSpec) => Buffer.concat([...tensorChunks(t)]);

function specOf(tensors: { name: string; shape: number[]; init?: unknown }[], dtype: Dtype = 'float32', seed: number | string = 7): WeightsSpec {
  return resolveSpec({ seed, dtype, tensors: tensors.map((t) => ({ name: t.name, shape: t.shape, initializer: t.init ?? { type: 'normal', mean: 0, stddev: 0.05 } })) });
}

/** Two tensors, one not a whole number of blocks and not a multiple of the chunk size. */
const SPEC = (dtype: Dtype = 'float32') => specOf([
  { name: 'dense_1/kernel', shape: [3, 70001] },
  { name: 'dense_1/bias', shape: [5], init: { type: 'normal', mean: 1, stddev: 2 } },
], dtype);

async function gen(spec: WeightsSpec, output: string, extra: Partial<GenerateOptions> = {}) {
  return generate({ spec, output, threads: 1, ...extra });
}

/** Everything left in the test's directory, to check that failures leave nothing. */
const leftovers = () => readdirSync(dir);

describe('every format holds the same values for the same spec and seed', () => {
  for (const dtype of ['float32', 'float64', 'float16', 'bfloat16'] as const) {
    it(`${dtype}: npy, npz (stored and deflated), safetensors (one file and shards), Arrow file and stream, all equal to the stream's bytes`, async () => {
      const spec = SPEC(dtype);
      const expected = new Map(spec.tensors.map((t) => [t.name, dataOf(t)]));
      const seen: string[] = [];
      const check = (where: string, name: string, data: Buffer) => {
        expect(data.equals(expected.get(name)!), `${where}: ${name}`).toBe(true);
        seen.push(where);
      };

      await gen(spec, join(dir, 'npy/'));
      for (const t of spec.tensors) check('npy', t.name, readNpy(readFileSync(join(dir, 'npy', `${t.name}.npy`))).data);

      await gen(spec, join(dir, 'w.npz'));
      await gen(spec, join(dir, 'c.npz'), { formatOptions: { compress: true } });
      for (const f of ['w.npz', 'c.npz']) {
        const zip = readZip(readFileSync(join(dir, f)));
        expect([...zip.keys()]).toEqual(['dense_1/kernel.npy', 'dense_1/bias.npy']);
        for (const t of spec.tensors) check(f, t.name, readNpy(zip.get(`${t.name}.npy`)!).data);
      }

      await gen(spec, join(dir, 'w.safetensors'));
      for (const [name, t] of readSafetensors(readFileSync(join(dir, 'w.safetensors'))).tensors) check('safetensors', name, t.data);

      await gen(spec, join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 } });
      for (const f of ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']) {
        for (const [name, t] of readSafetensors(readFileSync(join(dir, 'ckpt', f))).tensors) check(f, name, t.data);
      }

      if (dtype !== 'bfloat16') {
        await gen(spec, join(dir, 'arrow/'), { format: 'arrow' });
        await gen(spec, join(dir, 'streams/'), { format: 'arrow-stream' });
        for (const t of spec.tensors) {
          check('arrow', t.name, (await readArrow(readFileSync(join(dir, 'arrow', `${t.name}.arrow`)))).data);
          check('arrow-stream', t.name, (await readArrow(readFileSync(join(dir, 'streams', `${t.name}.arrows`)))).data);
        }
      }
      expect(seen.length).toBe(dtype === 'bfloat16' ? 10 : 14);
    });
  }
});

describe('round trips of awkward shapes', () => {
  const SHAPES: number[][] = [[], [0], [5, 0], [0, 5], [3, 1, 2], [65537]];
  for (const shape of SHAPES) {
    it(`shape ${JSON.stringify(shape)} comes back with its shape and data from npz, safetensors and Arrow`, async () => {
      const spec = specOf([{ name: 'w', shape }]);
      const [t] = spec.tensors;
      const data = dataOf(t!);
      await gen(spec, join(dir, 'w.npz'));
      const npy = readNpy(readZip(readFileSync(join(dir, 'w.npz'))).get('w.npy')!);
      expect([npy.shape, npy.data.equals(data)]).toEqual([shape, true]);
      await gen(spec, join(dir, 'w.safetensors'));
      const st = readSafetensors(readFileSync(join(dir, 'w.safetensors'))).tensors.get('w')!;
      expect([st.shape, st.data.equals(data)]).toEqual([shape, true]);
      for (const f of ['w.arrow', 'w.arrows']) {
        await gen(spec, join(dir, f));
        const a = await readArrow(readFileSync(join(dir, f)));
        expect(JSON.parse(a.metadata.get('shape')!)).toEqual(shape);
        expect(a.data.equals(data)).toBe(true);
        expect(a.rows).toBe(shape.length === 0 ? 1 : shape[0]);
      }
    });
  }
});

describe('golden bytes of a tiny spec (stream v1; made by these writers on 2026-11-29, tool version mocked as 0.0.0-golden)', () => {
  // If one of these changes, files that users already have would no longer match: find out why first.
  // The Arrow bytes also depend on apache-arrow's flatbuffer layout (made with apache-arrow 21.2.0);
  // deflated npz is not pinned (zlib's output may change between Node versions), only its values.
  const tiny = () => specOf([{ name: 'dense/kernel', shape: [3, 2] }, { name: 'dense/bias', shape: [2], init: { type: 'zeros' } }]);
  const one = () => specOf([{ name: 'dense/kernel', shape: [3, 2] }]);
  const GOLDEN: [string, () => WeightsSpec, string, Partial<GenerateOptions>, string][] = [
    ['npz, stored', tiny, 'w.npz', {}, '21ebe0cdc4e7be5ea4204523f833dd914ed3160a9e5f2472ffce5bdddc6b6e9c'],
    ['safetensors', tiny, 'w.safetensors', {}, '34f2916d25a5f6e895d9b8bbcbe3e85d7e1e35d7e50fee83e4d406ea9eca961e'],
    ['Arrow file', one, 'w.arrow', {}, '873dbaf53ea0e226b31c070a3098c58f818abbf7b3e666be08f9c13d0793f473'],
    ['Arrow stream', one, 'w.arrows', {}, '7fc0b75f38b1e4a600d8fe7167f9c5b7816e26d7a3dbc3cee82bebc68649f716'],
  ];
  for (const [label, spec, file, extra, digest] of GOLDEN) {
    it(`${label}: ${file}`, async () => {
      await gen(spec(), join(dir, file), extra);
      expect(sha(readFileSync(join(dir, file)))).toBe(digest);
    });
  }

  it('safetensors shards: each shard and the index', async () => {
    await gen(tiny(), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 24 } });
    const files = readdirSync(join(dir, 'ckpt')).sort();
    expect(files).toEqual(['manifest.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    const digests = Object.fromEntries(files.filter((f) => f !== 'manifest.json').map((f) => [f, sha(readFileSync(join(dir, 'ckpt', f)))]));
    expect(digests).toEqual({
      'model-00001-of-00002.safetensors': 'e7e340c9ea8ae832b272c65f510fb7348d683b35ca97160d7bc6906b6c38a53c',
      'model-00002-of-00002.safetensors': '01b19c5700108738efd8951c53937d7098d27f956794d8d711c6c0b83dad803a',
      'model.safetensors.index.json': '0541ca2848d21a5e53cc677231a72900c80f7ce94322abb2c27493412e809695',
    });
  });
});

describe('metadata', () => {
  it('safetensors __metadata__ holds the provenance as strings, with format "pt"', async () => {
    const spec = SPEC();
    await gen(spec, join(dir, 'w.safetensors'));
    const { metadata } = readSafetensors(readFileSync(join(dir, 'w.safetensors')));
    expect(metadata).toMatchObject({ format: 'pt', tool: 'init-weights', toolVersion: '0.0.0-golden', streamVersion: '1', seed: '7' });
    expect(JSON.parse(metadata.spec!)).toMatchObject({ seed: 7, tensors: [{ name: 'dense_1/kernel', shape: [3, 70001] }, { name: 'dense_1/bias' }] });
  });

  it('each shard carries the same provenance, so it stands alone; the index has total_size and weight_map', async () => {
    await gen(SPEC(), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 } });
    const a = readSafetensors(readFileSync(join(dir, 'ckpt', 'model-00001-of-00002.safetensors')));
    const b = readSafetensors(readFileSync(join(dir, 'ckpt', 'model-00002-of-00002.safetensors')));
    expect(a.metadata).toEqual(b.metadata);
    expect([...a.tensors.keys(), ...b.tensors.keys()]).toEqual(['dense_1/kernel', 'dense_1/bias']);
    const index = JSON.parse(readFileSync(join(dir, 'ckpt', 'model.safetensors.index.json'), 'utf8')) as unknown;
    expect(index).toEqual({
      metadata: { total_size: 3 * 70001 * 4 + 5 * 4 },
      weight_map: { 'dense_1/kernel': 'model-00001-of-00002.safetensors', 'dense_1/bias': 'model-00002-of-00002.safetensors' },
    });
  });

  it('when everything fits in one shard, the directory holds model.safetensors alone (as Hugging Face writes it)', async () => {
    await gen(SPEC(), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 2e9 } });
    expect(readdirSync(join(dir, 'ckpt')).sort()).toEqual(['manifest.json', 'model.safetensors']);
  });

  it('Arrow schema metadata names the tensor, its shape, dtype, initializer and the provenance', async () => {
    const spec = specOf([{ name: 'k', shape: [4, 3, 2], init: { type: 'normal', mean: 0.5, stddev: 2 } }], 'float16', 'run-1');
    await gen(spec, join(dir, 'k.arrow'));
    const a = await readArrow(readFileSync(join(dir, 'k.arrow')));
    expect(Object.fromEntries(a.metadata)).toMatchObject({
      name: 'k', shape: '[4,3,2]', dtype: 'float16', initializer: '{"type":"normal","mean":0.5,"stddev":2}',
      tool: 'init-weights', toolVersion: '0.0.0-golden', streamVersion: '1', seed: 'run-1',
    });
    expect(a.fieldMetadata.get('ARROW:extension:name')).toBe('arrow.fixed_shape_tensor');
    expect(a.fieldMetadata.get('ARROW:extension:metadata')).toBe('{"shape":[3,2]}');
  });

  it('the npz archive comment is the provenance JSON', async () => {
    await gen(SPEC(), join(dir, 'w.npz'));
    const file = readFileSync(join(dir, 'w.npz'));
    const end = file.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])); // end of central directory
    const comment = file.subarray(end + 22, end + 22 + file.readUInt16LE(end + 20)).toString('utf8');
    expect(end + 22 + comment.length).toBe(file.length);
    expect(JSON.parse(comment)).toMatchObject({ tool: 'init-weights', toolVersion: '0.0.0-golden', streamVersion: 1, seed: 7 });
  });
});

describe('streams', () => {
  it('npz, safetensors and the Arrow stream write to a stream (stdout) the same bytes as to a file', async () => {
    for (const [format, file, spec] of [['npz', 'w.npz', SPEC()], ['safetensors', 'w.safetensors', SPEC()], ['arrow-stream', 'w.arrows', specOf([{ name: 'w', shape: [300, 7] }])]] as const) {
      const chunks: Buffer[] = [];
      const stdout = new Writable({ write(c: Buffer, _e, cb) { chunks.push(Buffer.from(c)); cb(); } });
      await gen(spec, '-', { format, stdout });
      await gen(spec, join(dir, file));
      expect(Buffer.concat(chunks).equals(readFileSync(join(dir, file))), format).toBe(true);
    }
  });
});

describe('bad requests get a clear error naming the alternatives, and write nothing', () => {
  const cases: [string, WeightsSpec, string, string | undefined, Record<string, unknown>, RegExp][] = [
    ['bfloat16 into Arrow', specOf([{ name: 'w', shape: [3] }], 'bfloat16'), 'w.arrow', undefined, {}, /format arrow cannot hold bfloat16 \(tensor w\); formats that can: npy, tar, npz, safetensors$/],
    ['several tensors into one Arrow file', SPEC(), 'w.arrow', undefined, {}, /a arrow file holds one tensor and the spec has 2; give a directory \(like output weights\/\) or a file of a format that holds several \(\.tar, \.npz, \.safetensors, \.weights\.h5\)$/],
    ['several tensors into one Arrow stream on stdout', SPEC(), '-', 'arrow-stream', {}, /arrow-stream holds one tensor and the spec has 2: to stream them all use format tar or npz or safetensors/],
    ['an unknown extension', specOf([{ name: 'w', shape: [3] }]), 'w.bin', undefined, {}, /known: \.npy, \.tar, \.npz, \.safetensors, \.arrow\/\.feather, \.arrows/],
    ['shards to a file path', SPEC(), 'w.safetensors', undefined, { maxShardSize: 1000 }, /split safetensors output is a directory of files \(model-00001-of-00002\.safetensors, model-00002-of-00002\.safetensors\); give a directory path/],
    ['shards to stdout', SPEC(), '-', 'safetensors', { maxShardSize: 1000 }, /stdout: split safetensors output is a directory/],
    ['--compress for safetensors', SPEC(), 'w.safetensors', undefined, { compress: true }, /^compress: does not apply to safetensors output \(it applies to: npz\)/],
    ['--max-shard-size for npz', SPEC(), 'w.npz', undefined, { maxShardSize: 10 }, /^maxShardSize: does not apply to npz output \(it applies to: safetensors\)/],
  ];
  for (const [label, spec, out, format, formatOptions, message] of cases) {
    it(label, async () => {
      const output = out === '-' ? '-' : join(dir, out);
      const stdout = new Writable({ write(_c, _e, cb) { throw new Error('wrote to stdout'); cb(); } });
      await expect(gen(spec, output, { ...(format ? { format } : {}), formatOptions, stdout })).rejects.toThrow(message);
      expect(() => planOutput(spec, output, format, formatOptions)).toThrow(message);
      expect(leftovers()).toEqual([]);
    });
  }

  it('lists every format by name', () => {
    expect(FORMAT_NAMES).toEqual(['npy', 'tar', 'npz', 'safetensors', 'arrow', 'arrow-stream', 'keras']);
  });
});

describe('choosing the layout of safetensors shards', () => {
  it('--max-shard-size with a directory path and no --format means a safetensors checkpoint directory', () => {
    const plan = planOutput(SPEC(), join(dir, 'ckpt/'), undefined, { maxShardSize: 1000 });
    expect([plan.format.name, plan.layout, plan.split?.parts.map((p) => p.path)]).toEqual(['safetensors', 'directory', ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']]);
  });

  it('when one shard holds everything, a .safetensors path or stdout gets that one file', () => {
    expect(planOutput(SPEC(), join(dir, 'w.safetensors'), undefined, { maxShardSize: 2e9 }).layout).toBe('file');
    expect(planOutput(SPEC(), '-', 'safetensors', { maxShardSize: 2e9 }).layout).toBe('stream');
  });
});

describe('a failure midway leaves nothing behind', () => {
  for (const [label, out, extra] of [
    ['npz', 'w.npz', {}],
    ['safetensors', 'w.safetensors', {}],
    ['safetensors shards', 'ckpt/', { formatOptions: { maxShardSize: 1000 } }],
    ['Arrow files in a directory', 'arrows/', { format: 'arrow' }],
  ] as const) {
    it(`${label}: cancelled after the first chunk, no file and no temp file remains`, async () => {
      const ac = new AbortController();
      const spec = specOf([{ name: 'a', shape: [70000] }, { name: 'b', shape: [300000] }]);
      await expect(gen(spec, join(dir, out), { ...extra, signal: ac.signal, chunkBlocks: 1, onProgress: (done) => { if (done > 100000) ac.abort(); } })).rejects.toThrow(/cancelled/);
      expect(leftovers()).toEqual([]);
    });
  }

  it('a sharded checkpoint replaces one that init-weights wrote only with --force, and refuses other directories', async () => {
    await gen(SPEC(), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 } });
    expect((await gen(SPEC(), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 } })).unchanged).toBe(true); // issue 13: same bytes, no --force needed
    await expect(gen(SPEC('float16'), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 } })).rejects.toThrow(/already exists; pass force/);
    await gen(SPEC('float16'), join(dir, 'ckpt/'), { formatOptions: { maxShardSize: 1000 }, force: true });
    expect(existsSync(join(dir, 'ckpt', 'model.safetensors.index.json'))).toBe(true);
  });
});
