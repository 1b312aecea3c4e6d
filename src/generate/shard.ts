import { DTYPES } from '../dtype/table.js';
import { InitWeightsError, usageError } from '../errors.js';
import type { ManifestFile } from '../formats/directory/manifest.js';
import type { SplitPart, WriteContext } from '../formats/types.js';
import type { Sink } from '../io/sink.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { emitParts } from './emit.js';
import type { PlannedPaths } from './paths.js';
import type { Layout, OutputPlan } from './plan.js';

/*
 * `shard`: run k of n writes only its share of a directory output's files. The split is a pure
 * function of the plan (so hosts agree without talking): the files, in plan order, are sorted by
 * their data bytes, largest first (ties keep plan order), and each goes to the shard with the
 * fewest bytes so far (ties: the lowest index). Shard 0 also writes the index and manifest.json,
 * whose entries then carry sizes but no sha256 (the other shards' bytes are not hashed here).
 */

/** Shard `index` of `count` (0-based). */
export interface ShardChoice {
  readonly index: number;
  readonly count: number;
}

/** What one shard run covers: its files of the plan (the index and manifest counted for shard 0). */
export interface ShardShare extends ShardChoice {
  /** Files this shard writes (or checks). */
  readonly files: number;
  /** Files of the whole output (parts, index, manifest). */
  readonly of: number;
}

/** Refuse a shard request that cannot apply: bad numbers, or an output that is one file or a stream. */
export function checkShard(shard: ShardChoice, layout: Layout): void {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1) throw usageError('shard', 'the shard count must be a whole number of at least 1', count);
  if (!Number.isSafeInteger(index) || index < 0 || index >= count) throw usageError('shard', `the shard index must be a whole number from 0 to ${count - 1}`, index);
  if (layout !== 'directory') {
    throw new InitWeightsError('E_USAGE', (name) => `${name('shard')}: splits the files of a directory output (.npy files, or safetensors shards with ${name('maxShardSize')}); this output is ${layout === 'stream' ? 'a stream' : 'one file'}: give a directory (like ${name('output')} weights/)`, {
      detail: { field: 'shard', rule: 'a directory output', value: layout },
    });
  }
}

/** Data bytes of a part: the weight the split balances (headers are a rounding error). */
function dataBytes(tensors: readonly TensorSpec[]): number {
  let n = 0;
  for (const t of tensors) n += t.size * DTYPES[t.dtype].bytes;
  return n;
}

/** The shard of each part, in plan order (pure: greedy by bytes, largest first, onto the lightest shard). */
export function assignShards(parts: readonly SplitPart[], count: number): number[] {
  const weights = parts.map((p) => dataBytes(p.tensors));
  const order = parts.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const load = new Array<number>(count).fill(0);
  const owner = new Array<number>(parts.length).fill(0);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    owner[i] = best;
    load[best]! += weights[i]!;
  }
  return owner;
}

/** The parts shard `shard.index` writes, and its share of the whole output. */
export function shardParts(paths: PlannedPaths, plan: OutputPlan, shard: ShardChoice): { parts: SplitPart[]; share: ShardShare } {
  const owner = assignShards(paths.parts, shard.count);
  const parts = paths.parts.filter((_, i) => owner[i] === shard.index);
  const small = plan.split?.index !== undefined ? 2 : 1; // the index, then manifest.json
  const share = { ...shard, files: parts.length + (shard.index === 0 ? small : 0), of: paths.parts.length + small };
  return { parts, share };
}

/** Counts bytes and throws them away. */
class CountSink implements Sink {
  private bytes = 0;
  async write(chunk: Uint8Array): Promise<void> {
    this.bytes += chunk.byteLength;
  }
  async close(): Promise<{ sha256: undefined; bytes: number }> {
    return { sha256: undefined, bytes: this.bytes };
  }
  async abort(): Promise<void> {}
}

/** One zeroed MiB, lent out in slices: sizes need the writers' framing, not the values. */
const ZEROS = Buffer.alloc(2 ** 20);

async function* zeroChunks(t: TensorSpec): AsyncGenerator<Uint8Array> {
  for (let left = t.size * DTYPES[t.dtype].bytes; left > 0; left -= ZEROS.length) yield ZEROS.subarray(0, Math.min(left, ZEROS.length));
}

/**
 * The manifest entries of every part, with sizes and no sha256, without generating any value:
 * the ordinary writers run over zeros into a counting sink (so the sizes are the writers' own).
 */
export async function sizedEntries(paths: PlannedPaths, plan: OutputPlan, ctx: WriteContext): Promise<ManifestFile[]> {
  const counting: WriteContext = { ...ctx, chunks: zeroChunks, progress: () => undefined };
  return emitParts(paths, plan, counting, async () => new CountSink());
}

/** A manifest's content, sha256 and shard count set aside: what a single run and a sharded run share. */
function normalized(manifest: Buffer): string | undefined {
  try {
    const m = JSON.parse(manifest.toString('utf8')) as Record<string, unknown>;
    if (typeof m !== 'object' || m === null || !Array.isArray(m.files)) return undefined;
    const rest: Record<string, unknown> = { ...m };
    delete rest.shard;
    rest.files = (m.files as unknown[]).map((f) => {
      if (typeof f !== 'object' || f === null) return f;
      const entry: Record<string, unknown> = { ...f };
      delete entry.sha256;
      return entry;
    });
    return JSON.stringify(rest);
  } catch {
    return undefined;
  }
}

/**
 * Whether two manifest.json files describe the same output (same provenance, files and sizes),
 * one or both written by a sharded run (which lists no sha256).
 */
export function manifestsAgree(a: Buffer, b: Buffer): boolean {
  const x = normalized(a);
  return x !== undefined && x === normalized(b);
}

/** Whether a manifest.json was written by a sharded run (it has a "shard" member). */
export function isShardManifest(manifest: Buffer): boolean {
  try {
    const m = JSON.parse(manifest.toString('utf8')) as unknown;
    return typeof m === 'object' && m !== null && 'shard' in m;
  } catch {
    return false;
  }
}
