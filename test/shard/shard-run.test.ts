import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertBinRuns, tempDir } from '../helpers/cli.js';
import { describeInterop, runPython } from '../helpers/python.js';
import { filesOf, runBin, runShards, writeSpec } from './helpers.js';

/*
 * n real processes write their shards into one directory at once; the union must be the single
 * run's files byte for byte (manifest.json apart: a sharded run lists sizes, not sha256).
 */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  assertBinRuns();
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

interface Manifest {
  shard?: { count: number };
  files: { path: string; bytes: number; sha256?: string }[];
}

/** Run n shards into sharded/ and one run into single/; return both directories' files. */
async function shardedAndSingle(args: readonly string[], n: number): Promise<{ sharded: Map<string, Buffer>; single: Map<string, Buffer> }> {
  const runs = await runShards([...args, '-o', 'sharded/'], n, tmp.dir);
  for (const r of runs) expect(r.stderr).not.toMatch(/error|warning/i);
  expect(runs.map((r) => r.code)).toEqual(new Array(n).fill(0));
  const one = await runBin([...args, '-o', 'single/'], tmp.dir);
  expect(one.code).toBe(0);
  return { sharded: filesOf(tmp.path('sharded')), single: filesOf(tmp.path('single')) };
}

/** The union equals the single run: same file list, every file but the manifest byte-identical. */
function expectSameOutput(sharded: Map<string, Buffer>, single: Map<string, Buffer>, n: number): void {
  expect([...sharded.keys()]).toEqual([...single.keys()]);
  for (const [rel, bytes] of single) {
    if (rel === 'manifest.json') continue;
    expect(sharded.get(rel)!.equals(bytes), rel).toBe(true);
  }
  const got = JSON.parse(sharded.get('manifest.json')!.toString()) as Manifest;
  const want = JSON.parse(single.get('manifest.json')!.toString()) as Manifest;
  expect(got.shard).toEqual({ count: n });
  expect(want.shard).toBeUndefined();
  // Same files and sizes; sha256 only where shard 0 made the file itself (an index).
  expect(got.files.map((f) => [f.path, f.bytes])).toEqual(want.files.map((f) => [f.path, f.bytes]));
  for (const f of got.files) if (f.sha256 !== undefined) expect(f.path).toMatch(/\.index\.json$/);
}

describe('gen --shard k/n, n processes into one directory', () => {
  it('a directory of .npy files: the union of 3 shards is the single run, file for file', async () => {
    writeSpec(tmp.path('spec.json'), 11);
    const { sharded, single } = await shardedAndSingle(['gen', '--spec', 'spec.json', '-q'], 3);
    expect(single.size).toBe(12);
    expectSameOutput(sharded, single, 3);
  });

  it('every shard wrote some files, and each says which share it wrote', async () => {
    writeSpec(tmp.path('spec.json'), 11);
    const runs = await runShards(['gen', '--spec', 'spec.json', '-o', 'out/'], 3, tmp.dir);
    const shares = runs.map((r) => /shard (\d)\/3: (\d+) of 12 files/.exec(r.stderr));
    expect(shares.map((m) => Number(m?.[1]))).toEqual([0, 1, 2]);
    const counts = shares.map((m) => Number(m?.[2]));
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
  });

  it('the sharded directory verifies and checks like a single run', async () => {
    writeSpec(tmp.path('spec.json'), 11);
    await shardedAndSingle(['gen', '--spec', 'spec.json', '-q'], 3);
    expect((await runBin(['verify', 'sharded'], tmp.dir)).code).toBe(0);
    expect((await runBin(['gen', '--spec', 'spec.json', '-o', 'sharded/', '--check'], tmp.dir)).code).toBe(0);
    for (const k of [0, 1, 2]) {
      expect((await runBin(['gen', '--spec', 'spec.json', '-o', 'single/', '--check', '--shard', `${k}/3`], tmp.dir)).code).toBe(0);
    }
  });

  it('more shards than files: the extra shards write nothing and succeed', async () => {
    writeSpec(tmp.path('spec.json'), 2);
    const { sharded, single } = await shardedAndSingle(['gen', '--spec', 'spec.json', '-q'], 5);
    expectSameOutput(sharded, single, 5);
  });
});

describeInterop('gen --shard with sharded safetensors, read by safetensors', (python) => {
  const args = ['gen', '--spec', 'spec.json', '--format', 'safetensors', '--max-shard-size', '20KB', '-q'];

  it('3 processes write the model-0000k-of-0000N files and the index of a single run; safetensors loads the union', async () => {
    writeSpec(tmp.path('spec.json'), 11);
    const { sharded, single } = await shardedAndSingle(args, 3);
    const shards = [...single.keys()].filter((k) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(k));
    expect(shards.length).toBeGreaterThanOrEqual(4);
    expect(sharded.has('model.safetensors.index.json')).toBe(true);
    expectSameOutput(sharded, single, 3);
    const out = await runPython(python, {
      code: [
        'import json, sys, os',
        'from safetensors.torch import load_file',
        'd = sys.argv[1]',
        'index = json.load(open(os.path.join(d, "model.safetensors.index.json")))',
        'names = {}',
        'for f in sorted(set(index["weight_map"].values())):',
        '    for k, v in load_file(os.path.join(d, f)).items():',
        '        assert index["weight_map"][k] == f, (k, f)',
        '        names[k] = v.numel() * v.element_size()',
        'assert set(names) == set(index["weight_map"]), "the index covers every tensor"',
        'print(json.dumps({"tensors": len(names), "bytes": sum(names.values()), "total_size": index["metadata"]["total_size"]}))',
      ].join('\n'),
    }, [tmp.path('sharded')]);
    const got = JSON.parse(out) as { tensors: number; bytes: number; total_size: number };
    expect(got.tensors).toBe(11);
    expect(got.bytes).toBe(got.total_size);
  });

  it('a Hugging Face checkpoint from --like config.json, sharded, is the single run', async () => {
    const config = { model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 100, max_position_embeddings: 64, tie_word_embeddings: false, torch_dtype: 'float32' };
    writeFileSync(tmp.path('config.json'), JSON.stringify(config));
    const { sharded, single } = await shardedAndSingle(['gen', '--like', 'config.json', '--seed', '3', '--max-shard-size', '16KB', '-q'], 2);
    expect(single.has('model.safetensors.index.json')).toBe(true);
    expectSameOutput(sharded, single, 2);
    expect(JSON.parse(readFileSync(tmp.path('sharded/model.safetensors.index.json'), 'utf8')).weight_map).toBeTypeOf('object');
  });
});
