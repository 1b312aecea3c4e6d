import { createHash, type Hash } from 'node:crypto';
import { opendir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { usageError } from '../errors.js';
import type { FormatDef, WriteContext } from '../formats/types.js';
import { CompareSink, DifferenceFound } from '../generate/compare-sink.js';
import { emitParts, madeBytes, madeFiles, writeAll } from '../generate/emit.js';
import { sameMade } from '../generate/into.js';
import { generationPool, writeContext, type ContextOptions } from '../generate/generate.js';
import { isOwnName } from '../generate/owned.js';
import { MANIFEST, planPaths } from '../generate/paths.js';
import { checkShard, isShardManifest, manifestsAgree, shardParts, sizedEntries, type ShardChoice } from '../generate/shard.js';
import { planOutput } from '../generate/plan.js';
import { kindOf } from '../generate/target.js';
import type { Sink } from '../io/sink.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { compareFile, expectedChunks, type ExpectedChunks, type TensorOutcome } from './tensors.js';

/*
 * A check: the ordinary writers run into comparing sinks that read what is on disk in step,
 * so every byte (headers, metadata, padding, data) is compared and nothing is written. A file that
 * differs is then read back tensor by tensor to say which tensor and element.
 */

/** One thing wrong with the output on disk. */
export type CheckProblem =
  | { readonly path: string; readonly kind: 'missing' }
  | { readonly path: string; readonly kind: 'extra' }
  /** The file's bytes differ from `offset` on; `tensors` are its tensors that differ (maybe none: a header). */
  | { readonly path: string; readonly kind: 'differs'; readonly offset: number; readonly tensors: readonly Exclude<TensorOutcome, { status: 'match' }>[] };

export interface CheckResult {
  readonly output: string;
  /** The files compared (every file the plan writes). */
  readonly files: readonly string[];
  readonly problems: readonly CheckProblem[];
}

export interface CheckOptions extends ContextOptions {
  readonly output: string;
  readonly format?: string;
  readonly threads?: number;
  /** Compare only this shard's files (and, for shard 0, the index and manifest). */
  readonly shard?: ShardChoice;
}

/** Hashes what would be written to a file that is missing (the manifest lists its sha256). */
class HashSink implements Sink {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;
  async write(chunk: Uint8Array): Promise<void> {
    this.hash.update(chunk);
    this.bytes += chunk.byteLength;
  }
  async close(): Promise<{ sha256: string; bytes: number }> {
    return { sha256: this.hash.digest('hex'), bytes: this.bytes };
  }
  async abort(): Promise<void> {}
}

/** Compare what `gen` would write for these options with what is at the output; writes nothing. */
export async function checkOutput(options: CheckOptions): Promise<CheckResult> {
  const { spec, output } = options;
  const plan = planOutput(spec, output, options.format, options.formatOptions);
  if (plan.layout === 'stream') throw usageError('output', 'must be a file or directory to check against, not stdout', output);
  if (options.shard !== undefined) checkShard(options.shard, plan.layout);
  const paths = planPaths(spec, output, plan);
  const mine = options.shard !== undefined ? shardParts(paths, plan, options.shard) : undefined;
  const pool = await generationPool(spec, options.threads);
  try {
    const ctx = writeContext(options, plan, pool, mine?.parts.flatMap((p) => p.tensors));
    const expected = expectedChunks(spec);
    const kind = await kindOf(paths.target);
    if (plan.layout === 'file') {
      const problems = kind === 'file' ? await checkFile(paths.target, plan.format, spec.tensors, ctx, expected) : [{ path: paths.target, kind: 'missing' as const }];
      return { output: paths.target, files: [paths.target], problems };
    }
    const dir = paths.target;
    if (kind !== 'directory') return { output: dir, files: [dir], problems: [{ path: dir, kind: 'missing' }] };
    const problems: CheckProblem[] = [];
    const compared: { part: { path: string; tensors: readonly TensorSpec[] }; sink: CompareSink }[] = [];
    const files = await emitParts(mine !== undefined ? { ...paths, parts: mine.parts } : paths, plan, ctx, async (part) => {
      // Parts go one at a time: the previous sink is closed, and kept only if it found a difference
      // (a sink per file, with its hash and file handle, held ~1 KB each for 100k files).
      const last = compared.at(-1);
      if (last !== undefined && last.sink.difference === undefined) compared.pop();
      const full = join(dir, part.path);
      if ((await kindOf(full)) !== 'file') {
        problems.push({ path: full, kind: 'missing' });
        return new HashSink();
      }
      const sink = await CompareSink.open(full, { stopAtFirst: false });
      compared.push({ part, sink });
      return sink;
    });
    for (const { part, sink } of compared) {
      if (sink.difference !== undefined) problems.push(await differs(join(dir, part.path), sink.difference.offset, part.tensors, expected));
    }
    const first = mine === undefined || mine.share.index === 0;
    const made = mine === undefined ? madeFiles(plan, ctx, files) : first ? madeFiles(plan, ctx, await sizedEntries(paths, plan, ctx), { count: mine.share.count }) : [];
    for (const f of made) {
      const full = join(dir, f.path);
      if ((await kindOf(full)) !== 'file') problems.push({ path: full, kind: 'missing' });
      else if (!(await sameMade(full, f))) {
        // Differs: only now are both read whole (to compare a sharded run's manifest by content).
        const found = await readFile(full);
        const want = madeBytes(f);
        if (!sameManifest(f.path, found, want)) problems.push({ path: full, kind: 'differs', offset: firstDifference(found, want), tensors: [] });
      }
    }
    const planned = new Set([...paths.parts.map((p) => p.path), ...made.map((f) => f.path)]);
    // Stray files are the business of the run that writes the manifest (a shard check sees only its own).
    if (first) for (const rel of await ownFilesIn(dir, planned)) problems.push({ path: join(dir, rel), kind: 'extra' });
    const checked = mine === undefined ? [...planned] : [...mine.parts.map((p) => p.path), ...made.map((f) => f.path)];
    return { output: dir, files: checked.map((p) => join(dir, p)), problems };
  } finally {
    await pool?.close();
  }
}

async function checkFile(path: string, format: FormatDef, tensors: readonly TensorSpec[], ctx: WriteContext, expected: ExpectedChunks): Promise<CheckProblem[]> {
  // Nothing needs the rest once it differs (no manifest lists its sha256): stop there.
  const sink = await CompareSink.open(path, { stopAtFirst: true, hash: false });
  try {
    await writeAll(sink, format, tensors, ctx);
    return [];
  } catch (err) {
    if (!(err instanceof DifferenceFound)) throw err;
    return [await differs(path, err.difference.offset, tensors, expected)];
  }
}

async function differs(path: string, offset: number, tensors: readonly TensorSpec[], expected: ExpectedChunks): Promise<CheckProblem> {
  const outcomes = await compareFile(path, path, tensors, expected);
  return { path, kind: 'differs', offset, tensors: outcomes.filter((o): o is Exclude<TensorOutcome, { status: 'match' }> => o.status !== 'match') };
}

/**
 * A manifest written by a sharded run (sizes, no sha256) matches the one a single run writes, and
 * the other way round, when both list the same provenance, files and sizes: the data files
 * themselves are compared byte for byte anyway.
 */
function sameManifest(path: string, found: Buffer, want: Buffer): boolean {
  return path === MANIFEST && (isShardManifest(found) || isShardManifest(want)) && manifestsAgree(found, want);
}

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

/**
 * Files below `dir` named as this tool names its files (weights, index) that `planned` does not
 * hold, relative, sorted; temps are skipped. Entries are taken as the walk finds them: a listing
 * of the whole tree at once held ~35 MB of entries at 100k files.
 */
async function ownFilesIn(dir: string, planned: ReadonlySet<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const e of await opendir(dir, { recursive: true })) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const rel = relative(dir, join(e.parentPath, e.name)).split(sep).join('/');
    if (isOwnName(rel) && !planned.has(rel)) out.push(rel);
  }
  return out.sort();
}
