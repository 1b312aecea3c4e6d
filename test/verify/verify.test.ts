import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FormatOptions } from '../../src/formats/types.js';
import { generate } from '../../src/generate/generate.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { verify } from '../../src/verify/verify.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const spec = (n: number) => resolveSpec({
  seed: 'fixture-7',
  tensors: [
    { name: 'layer/kernel', shape: [30, 20], initializer: 'he_normal' },
    { name: 'layer/bias', shape: [20], initializer: { type: 'uniform', minval: -0.1, maxval: 0.1 } },
    { name: 'head', shape: [20, 4], initializer: 'orthogonal', dtype: 'float16' },
  ].slice(0, n),
});

/** Every layout that records provenance (a lone .npy has no room for it). */
const LAYOUTS: { name: string; output: string; tensors: number; formatOptions?: FormatOptions }[] = [
  { name: 'a directory of .npy files + manifest.json', output: 'w/', tensors: 3 },
  { name: 'safetensors shards + index', output: 'ckpt/', tensors: 3, formatOptions: { maxShardSize: 1500 } },
  { name: 'one safetensors file', output: 'w.safetensors', tensors: 3 },
  { name: 'npz (provenance in the archive comment)', output: 'w.npz', tensors: 3 },
  { name: 'compressed npz', output: 'c.npz', tensors: 3, formatOptions: { compress: true } },
  { name: 'tar', output: 'w.tar', tensors: 3 },
  { name: 'an Arrow file', output: 'w.arrow', tensors: 1 },
];

describe.each(LAYOUTS)('verify on $name', (layout) => {
  const write = () => generate({ spec: spec(layout.tensors), output: tmp.path(layout.output), formatOptions: layout.formatOptions ?? {} });

  it('passes on files written by this version, every tensor matching', async () => {
    await write();
    const r = await verify(tmp.path(layout.output));
    expect(r.ok).toBe(true);
    expect(r.tensors.map((t) => `${t.tensor}:${t.status}`).sort()).toEqual(spec(layout.tensors).tensors.map((t) => `${t.name}:match`).sort());
    expect([r.seed, r.streamVersion]).toEqual(['fixture-7', 1]);
  });
});

describe('verify on a tampered file', () => {
  it('fails naming the tensor and the element, and the others still match', async () => {
    const s = spec(3);
    await generate({ spec: s, output: tmp.path('w.safetensors') });
    const t = s.tensors[1]!;
    const needle = Buffer.concat([...tensorChunks(t)]).subarray(12, 28);
    const bytes = readFileSync(tmp.path('w.safetensors'));
    bytes[bytes.indexOf(needle)]! ^= 0x80;
    writeFileSync(tmp.path('w.safetensors'), bytes);
    const r = await verify(tmp.path('w.safetensors'));
    expect(r.ok).toBe(false);
    expect(r.tensors.map((x) => x.status)).toEqual(['match', 'differs', 'match']);
    expect(r.tensors[1]).toMatchObject({ tensor: 'layer/bias', index: 3 });
  });

  it('through the CLI: a line per tensor on stdout, exit 1; --json for machines', async () => {
    await generate({ spec: spec(3), output: tmp.path('w/') });
    const ok = await runCli(['verify', tmp.path('w/')]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout.toString()).toBe(`${tmp.path('w')}: all 3 tensors match (seed "fixture-7", stream v1, written by init-weights ${JSON.parse(readFileSync('package.json', 'utf8')).version})\n  ok    "layer/kernel"\n  ok    "layer/bias"\n  ok    "head"\n`);
    writeFileSync(tmp.path('w/head.npy'), Buffer.concat([readFileSync(tmp.path('w/head.npy')).subarray(0, 128), Buffer.alloc(160)]));
    const bad = await runCli(['verify', tmp.path('w'), '--json']);
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.stdout.toString());
    expect(j.ok).toBe(false);
    expect(j.tensors[2]).toMatchObject({ tensor: 'head', status: 'differs', index: 0, found: 0 });
  });
});

describe('verify refuses what it cannot regenerate (exit 2, one line)', () => {
  it('a file without provenance', async () => {
    await generate({ spec: spec(1), output: tmp.path('k.npy') });
    const r = await runCli(['verify', tmp.path('k.npy')]);
    expect([r.code, r.stdout.length]).toEqual([2, 0]);
    expect(r.stderr).toBe(`init-weights: ${tmp.path('k.npy')}: carries no init-weights provenance (a manifest.json, safetensors __metadata__, Arrow schema metadata or npz comment written by init-weights); check it with gen --check and its spec instead\n`);
  });

  it('a file written by a newer stream version', async () => {
    await generate({ spec: spec(2), output: tmp.path('w.safetensors') });
    const bytes = readFileSync(tmp.path('w.safetensors'));
    const at = bytes.indexOf('"streamVersion":"1"');
    expect(at).toBeGreaterThan(0);
    bytes.write('"streamVersion":"9"', at);
    writeFileSync(tmp.path('w.safetensors'), bytes);
    const r = await runCli(['verify', tmp.path('w.safetensors')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/w\.safetensors: was written with stream version 9 \(init-weights [^)]+\); this init-weights \([^)]+\) generates stream version 1: upgrade init-weights to verify it\n$/);
  });

  it('a path that does not exist is a read error (exit 1)', async () => {
    const r = await runCli(['verify', tmp.path('nothing.safetensors')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nothing\.safetensors: no such file/);
  });
});
