import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entryBytes, planShards, shardName } from '../../src/formats/safetensors/header.js';
import { generate } from '../../src/generate/generate.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { verify } from '../../src/verify/verify.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import type { TensorSpec } from '../../src/weights-spec/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** 20 tensors of growing size (and one float16), so shards hold different counts. */
const spec = resolveSpec({
  seed: 3,
  tensors: Array.from({ length: 20 }, (_, i) => ({ name: `l${i}/w`, shape: [8, 4 + i], initializer: 'he_normal', ...(i === 7 ? { dtype: 'float16' } : {}) })),
});
const LIMIT = 2000;
const parts = planShards(spec.tensors, LIMIT);
const names = (ts: readonly TensorSpec[]) => ts.map((t) => t.name);
const shardPath = (i: number) => tmp.path(`ck/${shardName(i, parts.length)}`);
const write = () => generate({ spec, output: tmp.path('ck/'), formatOptions: { maxShardSize: LIMIT } });

/** A safetensors file holding `tensors` (their stream bytes) with the metadata of `like`. */
function writeSafetensors(path: string, like: string, tensors: readonly TensorSpec[]): void {
  const src = readFileSync(like);
  const meta = (JSON.parse(src.subarray(8, 8 + Number(src.readBigUInt64LE(0))).toString('utf8')) as Record<string, unknown>).__metadata__;
  const header: Record<string, unknown> = { __metadata__: meta };
  let at = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype === 'float16' ? 'F16' : 'F32', shape: t.shape, data_offsets: [at, at + entryBytes(t)] };
    at += entryBytes(t);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  writeFileSync(path, Buffer.concat([len, Buffer.from(json), ...tensors.flatMap((t) => [...tensorChunks(t)])]));
}

describe('verify on one shard file of a split safetensors checkpoint', () => {
  it('the fixture splits into several shards', () => {
    expect(parts.length).toBeGreaterThanOrEqual(4);
  });

  it('passes on every shard, comparing exactly the tensors the plan puts in it', async () => {
    await write();
    for (let i = 0; i < parts.length; i++) {
      const r = await verify(shardPath(i));
      expect(r.ok).toBe(true);
      expect(r.tensors.map((t) => `${t.tensor}:${t.status}`)).toEqual(names(parts[i]!).map((n) => `${n}:match`));
    }
  });

  it('fails naming the tensor when one value of the shard differs', async () => {
    await write();
    const t = parts[1]![1]!;
    const needle = Buffer.concat([...tensorChunks(t)]).subarray(8, 24);
    const bytes = readFileSync(shardPath(1));
    bytes[bytes.indexOf(needle)]! ^= 0x40;
    writeFileSync(shardPath(1), bytes);
    const r = await verify(shardPath(1));
    expect(r.ok).toBe(false);
    expect(r.tensors.filter((x) => x.status !== 'match')).toEqual([expect.objectContaining({ tensor: t.name, status: 'differs', index: 2 })]);
  });

  it('fails naming a tensor the plan puts in another shard, and one the shard lacks', async () => {
    await write();
    const stray = parts[2]![0]!;
    writeSafetensors(shardPath(0), shardPath(0), [...parts[0]!, stray]);
    const extra = await verify(shardPath(0));
    expect(extra.ok).toBe(false);
    expect(extra.tensors.filter((x) => x.status !== 'match')).toEqual([{ tensor: stray.name, status: 'extra' }]);
    const lost = parts[1]!.at(-1)!;
    writeSafetensors(shardPath(1), shardPath(1), parts[1]!.slice(0, -1));
    const missing = await verify(shardPath(1));
    expect(missing.tensors.filter((x) => x.status !== 'match')).toEqual([{ tensor: lost.name, status: 'missing' }]);
  });

  it('through the CLI: exit 0 for a shard, exit 1 for a bad one or one renamed (no longer a shard: the rest is missing)', async () => {
    await write();
    const ok = await runCli(['verify', shardPath(2)]);
    expect([ok.code, ok.stderr]).toEqual([0, '']);
    expect(ok.stdout.toString()).toContain(`all ${parts[2]!.length} tensors match`);
    writeSafetensors(shardPath(2), shardPath(2), [...parts[2]!, parts[0]![0]!]);
    const bad = await runCli(['verify', shardPath(2), '--json']);
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout.toString()).tensors).toContainEqual({ tensor: parts[0]![0]!.name, status: 'extra' });
    copyFileSync(shardPath(1), tmp.path('part.safetensors'));
    const renamed = await runCli(['verify', tmp.path('part.safetensors'), '--json']);
    expect(renamed.code).toBe(1);
    const missing = (JSON.parse(renamed.stdout.toString()) as { tensors: { status: string }[] }).tensors.filter((t) => t.status === 'missing');
    expect(missing).toHaveLength(20 - parts[1]!.length);
  });

  it('a whole checkpoint named as a shard (model-00001-of-00001, or of-00003 holding everything) needs no index', async () => {
    mkdirSync(tmp.path('one'));
    await generate({ spec, output: tmp.path('one/model-00001-of-00001.safetensors') });
    expect((await verify(tmp.path('one/model-00001-of-00001.safetensors'))).ok).toBe(true);
    copyFileSync(tmp.path('one/model-00001-of-00001.safetensors'), tmp.path('one/model-00001-of-00003.safetensors'));
    expect((await verify(tmp.path('one/model-00001-of-00003.safetensors'))).ok).toBe(true);
  });

  it('a shard without its index beside it: one line saying so, exit 2', async () => {
    await write();
    rmSync(tmp.path('ck/model.safetensors.index.json'));
    const r = await runCli(['verify', shardPath(0)]);
    expect(r.code).toBe(2);
    expect(r.stderr.toString()).toMatch(/^init-weights: .*model-00001-of-\d{5}\.safetensors: one shard of a split checkpoint: which tensors it holds is in model\.safetensors\.index\.json beside it, which cannot be read \(.*\); or verify the checkpoint directory\n$/);
  });
});
