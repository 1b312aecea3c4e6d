import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InitWeightsError } from '../../src/errors.js';
import type { FormatOptions } from '../../src/formats/types.js';
import { generate } from '../../src/generate/generate.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const spec = (seed: number, n = 3) => resolveSpec({
  seed,
  tensors: [
    { name: 'model.embed.weight', shape: [50, 16], initializer: 'normal' },
    { name: 'model.norm.weight', shape: [16], initializer: 'ones' },
    { name: 'lm_head.weight', shape: [50, 16], initializer: 'glorot_uniform' },
  ].slice(0, n),
});

/** Every file below a path (the path itself when it is a file) with its bytes, inode and mtime. */
function snapshot(path: string): Map<string, { bytes: Buffer; ino: number; mtimeMs: number }> {
  const files = statSync(path).isFile() ? [path] : readdirSync(path, { recursive: true, encoding: 'utf8' }).map((f) => join(path, f));
  const out = new Map<string, { bytes: Buffer; ino: number; mtimeMs: number }>();
  for (const f of files) {
    const st = statSync(f);
    if (st.isFile()) out.set(f, { bytes: readFileSync(f), ino: st.ino, mtimeMs: st.mtimeMs });
  }
  return out;
}

/** Put every file's mtime in 2001, so that a rewrite cannot hide within the clock's resolution. */
function age(path: string): void {
  for (const f of snapshot(path).keys()) utimesSync(f, new Date('2001-01-01'), new Date('2001-01-01'));
}

const LAYOUTS: { name: string; output: string; tensors: number; formatOptions?: FormatOptions }[] = [
  { name: 'one .npy file', output: 'w.npy', tensors: 1 },
  { name: 'a directory of .npy files', output: 'w/', tensors: 3 },
  { name: 'safetensors shards + index', output: 'ckpt/', tensors: 3, formatOptions: { maxShardSize: 4000 } },
  { name: 'one safetensors file', output: 'w.safetensors', tensors: 3 },
  { name: 'npz', output: 'w.npz', tensors: 3 },
  { name: 'tar', output: 'w.tar', tensors: 3 },
  { name: 'an Arrow file', output: 'w.arrow', tensors: 1 },
];

describe.each(LAYOUTS)('gen again onto $name', (layout) => {
  const out = () => tmp.path(layout.output);
  const gen = (seed: number, force = false) => generate({ spec: spec(seed, layout.tensors), output: out(), force, formatOptions: layout.formatOptions ?? {} });
  const target = () => out().replace(/\/$/, '');

  it('with identical bytes leaves every file untouched (mtime, inode), with or without force', async () => {
    await gen(1);
    age(target());
    const before = snapshot(target());
    for (const force of [false, true]) {
      const r = await gen(1, force);
      expect(r.unchanged).toBe(true);
      expect(snapshot(target())).toEqual(before);
    }
  });

  it('with other bytes is refused without force (nothing changes), and replaced with it', async () => {
    await gen(1);
    const before = snapshot(target());
    const err = await gen(2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InitWeightsError);
    expect([(err as InitWeightsError).exitCode, (err as Error).message]).toEqual([2, expect.stringMatching(/: already exists; pass force to replace it$/)]);
    expect(snapshot(target())).toEqual(before);
    const r = await gen(2, true);
    expect(r.unchanged).toBe(false);
    expect(snapshot(target())).not.toEqual(before);
    expect((await gen(2)).unchanged).toBe(true);
  });
});

describe('writing shards into a directory that holds other files (a Hugging Face checkpoint)', () => {
  const others = { 'config.json': '{"model_type": "llama"}\n', 'tokenizer.json': '{"version": "1.0"}\n', 'README.md': '# my model\n' };
  const setup = () => {
    for (const [f, text] of Object.entries(others)) writeFileSync(join(tmp.dir, f), text);
  };
  const theirs = () => Object.fromEntries(Object.keys(others).map((f) => [f, readFileSync(join(tmp.dir, f), 'utf8')]));
  const specText = JSON.stringify({ tensors: spec(1).tensors.map((t) => ({ name: t.name, shape: t.shape, initializer: { type: t.initializer.type, ...t.initializer.params } })) });
  const run = (seed: number, shard: string, ...flags: string[]) => runCli(['gen', '--spec', '-', '--seed', String(seed), '--max-shard-size', shard, '-o', `${tmp.dir}/`, ...flags], { stdin: specText });

  it('writes the shards, index and manifest beside them and keeps them byte-identical, with and without --force', async () => {
    setup();
    for (const f of Object.keys(others)) utimesSync(join(tmp.dir, f), new Date('2001-01-01'), new Date('2001-01-01'));
    const kept = [...snapshot(tmp.dir)].filter(([f]) => Object.keys(others).some((o) => f.endsWith(o)));
    const first = await run(1, '3KB', '--quiet');
    expect([first.code, first.stderr]).toEqual([0, '']);
    expect(readdirSync(tmp.dir).sort()).toEqual(['README.md', 'config.json', 'manifest.json', 'model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors', 'model.safetensors.index.json', 'tokenizer.json']);
    const refused = await run(2, '3KB');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`init-weights: ${join(tmp.dir, 'model-00001-of-00003.safetensors')}: already exists; pass --force to replace it\n`);
    // With --force and shards of another size: the old shards go, the new ones come, the rest stays.
    const forced = await run(2, '4KB', '--quiet', '--force');
    expect([forced.code, forced.stderr]).toEqual([0, '']);
    expect(readdirSync(tmp.dir).sort()).toEqual(['README.md', 'config.json', 'manifest.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json', 'tokenizer.json']);
    expect(theirs()).toEqual(others);
    expect([...snapshot(tmp.dir)].filter(([f]) => Object.keys(others).some((o) => f.endsWith(o)))).toEqual(kept);
    const check = await run(2, '4KB', '--check');
    expect([check.code, check.stderr]).toEqual([0, `init-weights: check: ${tmp.dir} matches (4 files)\n`]);
  });
});
