import type { Writable } from 'node:stream';
import { existsError } from '../errors.js';
import type { FormatOptions, WriteContext } from '../formats/types.js';
import { sweepStaleTemps } from '../io/cleanup.js';
import { BufferRing, DEFAULT_CHUNK_BLOCKS, tensorChunks } from '../io/chunks.js';
import type { BlockPool } from '../io/pool.js';
import { defaultThreads } from '../io/threads.js';
import { checkManifestRoom } from '../formats/directory/manifest.js';
import { FileSink, type Sink } from '../io/sink.js';
import { StreamSink, writesToFd } from '../io/stream-sink.js';
import { STREAM_VERSION } from '../rng/stream.js';
import type { Seed } from '../rng/seed.js';
import type { TensorSpec, WeightsSpec } from '../weights-spec/types.js';
import { TOOL_VERSION } from '../version.js';
import { CompatSource } from './compat.js';
import { writeDirectory } from './commit.js';
import { madeFiles, writeAll, writtenFile, type WrittenFile } from './emit.js';
import { sameBytes, writeInto, type IntoOptions, type IntoResult } from './into.js';
import { planPaths, type PlannedPaths } from './paths.js';
import { planOutput, type Layout, type OutputPlan } from './plan.js';
import { checkShard, shardParts, sizedEntries, type ShardChoice, type ShardShare } from './shard.js';
import { checkTarget } from './target.js';

export { planOutput, defaultOutput, DEFAULT_DIR, DEFAULT_FILE, type Layout, type OutputPlan } from './plan.js';
export type { WrittenFile } from './emit.js';
export type { ShardChoice, ShardShare } from './shard.js';

/** What to generate and where. */
export interface GenerateOptions {
  readonly spec: WeightsSpec;
  /** A file or directory path, or '-' for `stdout`. */
  readonly output: string;
  /** Format name (see FORMAT_NAMES); default: from the path's extension, or npy / tar for streams. */
  readonly format?: string;
  /**
   * Replace existing files whose bytes differ (an output file, or the files of the plan inside an
   * output directory). Identical files are left alone with or without it.
   */
  readonly force?: boolean;
  /** The stream for output '-' (default process.stdout). */
  readonly stdout?: Writable;
  /**
   * Called once the output is planned and checked, before anything is written (after comparing
   * with what is already there: not at all when nothing needs writing).
   */
  readonly onReady?: (plan: OutputPlan, share?: ShardShare) => void;
  /** Called as elements are generated: (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Told what went wrong but did not fail the run (an old directory left behind, stale temps removed). */
  readonly onWarning?: (message: string) => void;
  /** Blocks per chunk; changes memory use and speed, never the bytes. */
  readonly chunkBlocks?: number;
  readonly signal?: AbortSignal;
  /**
   * Generation threads (default: every core up to 8 for large jobs, else 1). The bytes do not
   * depend on it. A compat spec runs on one thread whatever this says (its generators are sequential).
   */
  readonly threads?: number;
  /**
   * Compute the sha256 of a single-file or stream output (default true). Directory and tar
   * manifests always carry each file's sha256.
   */
  readonly hash?: boolean;
  /** Options for the formats that take them (see FormatOptions). */
  readonly formatOptions?: FormatOptions;
  /**
   * Write only this shard's files of a directory output (see shard.ts for the split); shard 0
   * also writes the index and manifest.json. Each file is committed alone, as several runs write
   * into the directory at once.
   */
  readonly shard?: ShardChoice;
}

/** What was written. `files[].path` is relative to `output` for a directory. */
export interface GenerateResult {
  readonly output: string;
  readonly format: string;
  readonly layout: Layout;
  readonly seed: Seed;
  readonly seedDrawn: boolean;
  readonly streamVersion: number;
  readonly toolVersion: string;
  readonly files: readonly WrittenFile[];
  /** True when the output was already there with these exact bytes, and nothing was written. */
  readonly unchanged: boolean;
  /** For a sharded run: which shard, and how many of the output's files it wrote. */
  readonly shard?: ShardShare;
}

/**
 * Generate the spec's tensors into files or a stream: plan (every path, pure), check the target,
 * then write into temps and commit. Nothing is left behind on failure.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { spec, output } = options;
  const plan = planOutput(spec, output, options.format, options.formatOptions);
  if (options.shard !== undefined) checkShard(options.shard, plan.layout);
  if (plan.layout === 'directory' || plan.format.name === 'tar') checkManifestRoom(spec, plan.split === undefined);
  const paths = planPaths(spec, output, plan);
  const existing = await checkTarget(paths.target, plan.layout);
  if (plan.layout !== 'stream') {
    for (const p of await sweepStaleTemps(paths.target)) options.onWarning?.(`removed ${p}, left by an interrupted run`);
  }
  const pool = await generationPool(spec, options.threads);
  try {
    return await generateWith(options, plan, paths, existing !== undefined, pool);
  } finally {
    await pool?.close();
  }
}

/**
 * Worker threads for a spec, or none (one thread, or a compat spec: sequential by nature). The pool
 * module (node:worker_threads) is loaded only when threads are used: ~20 ms less for small jobs.
 */
export async function generationPool(spec: WeightsSpec, threads: number | undefined): Promise<BlockPool | undefined> {
  if (spec.compat !== undefined) return undefined;
  const n = threads ?? defaultThreads(spec.tensors.reduce((s, t) => s + t.size, 0));
  if (n < 2) return undefined;
  const { BlockPool } = await import('../io/pool.js');
  return BlockPool.create(n);
}

/** How the writers get their chunks and report progress, for one plan (shared by generate and check). */
export function writeContext(options: ContextOptions, plan: OutputPlan, pool: BlockPool | undefined, tensors: readonly TensorSpec[] = options.spec.tensors): WriteContext {
  const { spec } = options;
  const total = tensors.reduce((s, t) => s + t.size, 0);
  const chunkBlocks = options.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS;
  // File sinks keep one write in flight, so a chunk's buffer is free two chunks later; so does a
  // stream that writes straight to a descriptor (stdout: its sink waits for each write). Any other
  // Writable a caller passes, or a writer that holds chunks, gets fresh buffers. Reused buffers keep
  // stdout's memory flat: fresh ones (transferred from workers) piled up to ~160 MB at 2 threads.
  const reusable = plan.layout !== 'stream' || settles(options);
  const ring = reusable && plan.format.retainsChunks !== true ? new BufferRing(3) : undefined;
  const compat = spec.compat === undefined ? undefined : new CompatSource(spec.compat, spec.tensors);
  let done = 0;
  return {
    spec,
    chunkBlocks,
    formatOptions: options.formatOptions ?? {},
    chunks: (t) => (compat ? fromSync(compat.chunks(t, ring)) : pool ? pool.chunks(t, chunkBlocks, ring) : fromSync(tensorChunks(t, chunkBlocks, ring))),
    // A file compared and then rewritten counts twice: the bar stops at its end.
    progress: (elements) => {
      done += elements;
      options.onProgress?.(Math.min(done, total), total);
    },
    ...(options.signal ? { signal: options.signal } : {}),
  };
}

/** The options writeContext reads. */
export type ContextOptions = Pick<GenerateOptions, 'spec' | 'chunkBlocks' | 'formatOptions' | 'onProgress' | 'signal' | 'stdout'>;

/** Whether the stream output's sink settles each write (see StreamSink), so chunks can be reused. */
function settles(options: ContextOptions): boolean {
  return writesToFd(options.stdout ?? process.stdout);
}

async function generateWith(options: GenerateOptions, plan: OutputPlan, paths: PlannedPaths, exists: boolean, pool: BlockPool | undefined): Promise<GenerateResult> {
  const { spec, output } = options;
  const force = options.force ?? false;
  const mine = options.shard !== undefined ? shardParts(paths, plan, options.shard) : undefined;
  const ctx = writeContext(options, plan, pool, mine?.parts.flatMap((p) => p.tensors));
  let readied = false;
  const ready = (): void => {
    if (!readied) options.onReady?.(plan, mine?.share);
    readied = true;
  };
  const base = {
    format: plan.format.name,
    layout: plan.layout,
    seed: spec.seed,
    seedDrawn: spec.seedDrawn,
    streamVersion: STREAM_VERSION,
    toolVersion: TOOL_VERSION,
  };
  if (mine !== undefined) {
    const into = await writeShard(paths, plan, ctx, mine, { force, ready, warn: (m) => options.onWarning?.(m) });
    return { ...base, output: paths.target, files: into.files, unchanged: !into.changed, shard: mine.share };
  }
  if (plan.layout === 'directory') {
    if (!exists) {
      ready();
      return { ...base, output: paths.target, files: await writeDirectory(paths, plan, ctx), unchanged: false };
    }
    const into = await writeInto(paths, plan, ctx, { force, ready, warn: (m) => options.onWarning?.(m) });
    return { ...base, output: paths.target, files: into.files, unchanged: !into.changed };
  }
  const hash = options.hash ?? true;
  const holds = spec.tensors.length === 1 && !plan.format.multiTensor ? spec.tensors[0]! : { dtype: spec.dtype };
  if (exists) {
    const same = await sameBytes(output, plan.format, spec.tensors, ctx, hash);
    if (same !== undefined) return { ...base, output, files: [writtenFile(output, same, holds)], unchanged: true };
    if (!force) throw existsError(output);
  }
  ready();
  const sink: Sink = plan.layout === 'stream'
    ? new StreamSink(options.stdout ?? process.stdout, { hash, settle: settles(options) })
    : await FileSink.create(output, { hash, replace: force });
  const out = await writeAll(sink, plan.format, spec.tensors, ctx);
  return { ...base, output, files: [writtenFile(output, out, holds)], unchanged: false };
}

/**
 * A shard's files into the directory (made if missing; others may be writing into it at once):
 * each staged beside its final path and moved into place alone. Shard 0 adds the index and a
 * manifest listing every file's size, and alone sweeps old files with force.
 */
async function writeShard(paths: PlannedPaths, plan: OutputPlan, ctx: WriteContext, mine: ReturnType<typeof shardParts>, how: Omit<IntoOptions, 'only' | 'made' | 'sweep'>): Promise<IntoResult> {
  const first = mine.share.index === 0;
  const listed = first ? await sizedEntries(paths, plan, ctx) : [];
  return writeInto(paths, plan, ctx, {
    ...how,
    only: mine.parts,
    made: () => (first ? madeFiles(plan, ctx, listed, { count: mine.share.count }) : []),
    sweep: first,
  });
}

async function* fromSync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}
