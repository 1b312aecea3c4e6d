import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FormatOptions } from '../../src/formats/types.js';
import { generate } from '../../src/generate/generate.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { checkOutput, type CheckProblem } from '../../src/verify/check.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec, WeightsSpec } from '../../src/weights-spec/types.js';
import { tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const TENSORS = [
  { name: 'enc/kernel', shape: [40, 25], initializer: 'glorot_uniform' },
  { name: 'enc/bias', shape: [25], initializer: { type: 'normal', stddev: 0.1 } },
  { name: 'dec/kernel', shape: [25, 8], initializer: 'normal' },
];
const spec = (seed: number, n = 3, extra = false): WeightsSpec =>
  resolveSpec({ seed, tensors: [...TENSORS.slice(0, n), ...(extra ? [{ name: 'added', shape: [5], initializer: 'normal' }] : [])] });

/** Every output layout: one file of each format, a directory of .npy + manifest, shards + index. */
const LAYOUTS: { name: string; output: string; tensors: number; formatOptions?: FormatOptions; format?: string }[] = [
  { name: 'one .npy file', output: 'w.npy', tensors: 1 },
  { name: 'a directory of .npy files + manifest.json', output: 'w/', tensors: 3 },
  { name: 'safetensors shards + index', output: 'ckpt/', tensors: 3, formatOptions: { maxShardSize: 2000 } },
  { name: 'one safetensors file', output: 'w.safetensors', tensors: 3 },
  { name: 'npz', output: 'w.npz', tensors: 3 },
  { name: 'tar', output: 'w.tar', tensors: 3 },
  { name: 'an Arrow file', output: 'w.arrow', tensors: 1 },
  { name: 'an Arrow stream file', output: 'w.arrows', tensors: 1, format: 'arrow-stream' },
];

function tensorBytes(t: TensorSpec): Buffer {
  return Buffer.concat([...tensorChunks(t)]);
}

/** Files below a path (itself, when it is a file). */
function filesOf(path: string): string[] {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { recursive: true, encoding: 'utf8' }).map((f) => join(path, f)).filter((f) => statSync(f).isFile());
}

/** Flip the low byte of element `index` of tensor `t` wherever it sits on disk; returns that file. */
function flipElement(path: string, t: TensorSpec, index: number): string {
  const needle = tensorBytes(t).subarray(index * 4, index * 4 + 16);
  for (const f of filesOf(path)) {
    const bytes = readFileSync(f);
    const at = bytes.indexOf(needle);
    if (at < 0) continue;
    expect(bytes.lastIndexOf(needle), 'the needle is unique').toBe(at);
    bytes[at]! ^= 1;
    writeFileSync(f, bytes);
    return f;
  }
  throw new Error(`tensor ${t.name} not found in ${path}`);
}

describe.each(LAYOUTS)('gen --check on $name', (layout) => {
  const out = () => tmp.path(layout.output);
  const target = () => out().replace(/\/$/, '');
  const opts = (s: WeightsSpec) => ({ spec: s, output: out(), formatOptions: layout.formatOptions ?? {}, ...(layout.format ? { format: layout.format } : {}) });
  const write = async (s: WeightsSpec) => generate({ ...opts(s), hash: true });

  it('passes on fresh output and writes nothing', async () => {
    await write(spec(1, layout.tensors));
    const before = filesOf(target()).map((f) => [f, statSync(f).mtimeMs, readFileSync(f)] as const);
    const r = await checkOutput(opts(spec(1, layout.tensors)));
    expect(r.problems).toEqual([]);
    expect(r.files.length).toBeGreaterThan(0);
    expect(filesOf(target()).map((f) => [f, statSync(f).mtimeMs, readFileSync(f)] as const)).toEqual(before);
  });

  it('names the tensor and element when one byte of its data is flipped', async () => {
    const s = spec(1, layout.tensors);
    await write(s);
    const t = s.tensors[s.tensors.length - 1]!;
    const file = flipElement(target(), t, 7);
    const r = await checkOutput(opts(s));
    const v = [...tensorBytes(t).subarray(28, 32)];
    // Only that file: a directory's manifest is compared with the regenerated one, which it still matches.
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0] as Extract<CheckProblem, { kind: 'differs' }>;
    expect([p.path, p.kind, p.tensors.length]).toEqual([file, 'differs', 1]);
    expect(p.tensors[0]).toMatchObject({ tensor: t.name, status: 'differs', index: 7 });
    const expected = Buffer.from(v).readFloatLE(0);
    v[0]! ^= 1;
    expect(p.tensors[0]).toMatchObject({ expected, found: Buffer.from(v).readFloatLE(0) });
  });

  it('reports a deleted file as missing', async () => {
    const s = spec(1, layout.tensors);
    await write(s);
    const gone = filesOf(target()).find((f) => !f.endsWith('.json'))!;
    rmSync(gone);
    const r = await checkOutput(opts(s));
    expect(r.problems).toContainEqual({ path: gone, kind: 'missing' });
  });

  it('fails when the seed changed, at element 0 of the first tensor', async () => {
    await write(spec(1, layout.tensors));
    const r = await checkOutput(opts(spec(2, layout.tensors)));
    const first = r.problems.find((p): p is Extract<CheckProblem, { kind: 'differs' }> => p.kind === 'differs' && p.tensors.length > 0);
    expect(first?.tensors[0]).toMatchObject({ tensor: 'enc/kernel', status: 'differs', index: 0 });
  });

  // One-tensor formats cannot hold a second tensor: adding one is a usage error there, tested elsewhere.
  if (layout.tensors > 1) it('fails when a tensor was added to the spec, naming it', async () => {
    await write(spec(1));
    const r = await checkOutput(opts(spec(1, 3, true)));
    const named = r.problems.flatMap((p) => (p.kind === 'differs' ? p.tensors.map((t) => `${t.tensor}:${t.status}`) : [`${p.path}:${p.kind}`]));
    expect(named.some((n) => n === 'added:missing' || /added\.npy:missing$/.test(n))).toBe(true);
    expect(named.filter((n) => n.startsWith('enc/') || n.startsWith('dec/'))).toEqual([]);
  });
});

describe('gen --check, the rest', () => {
  it('reports a weights file the spec no longer writes as extra, and ignores files that are not weights', async () => {
    await generate({ spec: spec(1, 3, true), output: tmp.path('w/') });
    writeFileSync(tmp.path('w/README.md'), 'notes');
    const r = await checkOutput({ spec: spec(1), output: tmp.path('w/') });
    expect(r.problems).toContainEqual({ path: tmp.path('w/added.npy'), kind: 'extra' });
    expect(r.problems.some((p) => p.path.endsWith('README.md'))).toBe(false);
  });

  it('reports a missing output as missing', async () => {
    expect((await checkOutput({ spec: spec(1), output: tmp.path('none.safetensors') })).problems).toEqual([{ path: tmp.path('none.safetensors'), kind: 'missing' }]);
  });

  it('finds a byte changed in a header (not in any tensor) and says the data match', async () => {
    await generate({ spec: spec(1), output: tmp.path('w.safetensors') });
    const bytes = readFileSync(tmp.path('w.safetensors'));
    const at = bytes.indexOf('"toolVersion"') + 1;
    bytes[at] = 'T'.charCodeAt(0);
    writeFileSync(tmp.path('w.safetensors'), bytes);
    const r = await checkOutput({ spec: spec(1), output: tmp.path('w.safetensors') });
    expect(r.problems).toEqual([{ path: tmp.path('w.safetensors'), kind: 'differs', offset: at, tensors: [] }]);
  });

  it('finds a truncated file and a file with bytes appended', async () => {
    await generate({ spec: spec(1), output: tmp.path('w.npz') });
    const bytes = readFileSync(tmp.path('w.npz'));
    writeFileSync(tmp.path('w.npz'), Buffer.concat([bytes, Buffer.from('x')]));
    expect((await checkOutput({ spec: spec(1), output: tmp.path('w.npz') })).problems).toMatchObject([{ kind: 'differs', offset: bytes.length }]);
    writeFileSync(tmp.path('w.npz'), bytes.subarray(0, 1000));
    expect((await checkOutput({ spec: spec(1), output: tmp.path('w.npz') })).problems).toMatchObject([{ kind: 'differs', offset: 1000 }]);
  });

  it('refuses stdout as the output to check', async () => {
    await expect(checkOutput({ spec: spec(1, 1), output: '-' })).rejects.toMatchObject({ exitCode: 2, detail: { field: 'output' } });
  });
});
