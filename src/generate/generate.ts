import type { Writable } from 'node:stream';
import { existsError } from '../errors.js';
import type { FormatOptions, WriteContext } from '../formats/types.js';
import { sweepStaleTemps } from '../io/cleanup.js';
import { BufferRing, DEFAULT_CHUNK_BLOCKS, tensorChunks } from '../io/chunks.js';
import { BlockPool, defaultThreads } from '../io/pool.js';
import { FileSink, StreamSink, type Sink } from '../io/sink.js';
import { STREAM_VERSION } from '../rng/stream.js';
import type { Seed } from '../rng/seed.js';
import type { WeightsSpec } from '../weights-spec/types.js';
import { TOOL_VERSION } from '../version.js';
import { CompatSource } from './compat.js';
import { writeDirectory } from './commit.js';
import { writeAll, writtenFile, type WrittenFile } from './emit.js';
import { sameBytes, writeInto } from './into.js';
import { planPaths, type PlannedPaths } from './paths.js';
import { planOutput, type Layout, type OutputPlan } from './plan.js';
import { checkTarget } from './target.js';

export { planOutput, defaultOutput, DEFAULT_DIR, DEFAULT_FILE, type Layout, type OutputPlan } from './plan.js';
export type { WrittenFile } from './emit.js';

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
  readonly onReady?: (plan: OutputPlan) => void;
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
}

/**
 * Generate the spec's tensors into files or a stream: plan (every path, pure), check the target,
 * then write into temps and commit. Nothing is left behind on failure.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { spec, output } = options;
  const plan = planOutput(spec, output, options.format, options.formatOptions);
  const paths = planPaths(spec, output, plan);
  const existing = await checkTarget(paths.target, plan.layout);
  if (plan.layout !== 'stream') {
    for (const p of await sweepStaleTemps(paths.target)) options.onWarning?.(`removed ${p}, left by an interrupted run`);
  }
  const pool = generationPool(spec, options.threads);
  try {
    return await generateWith(options, plan, paths, existing !== undefined, pool);
  } finally {
    await pool?.close();
  }
}

/** Worker threads for a spec, or none (one thread, or a compat spec: sequential by nature). */
export function generationPool(spec: WeightsSpec, threads: number | undefined): BlockPool | undefined {
  if (spec.compat !== undefined) return undefined;
  return BlockPool.create(threads ?? defaultThreads(spec.tensors.reduce((s, t) => s + t.size, 0)));
}

/** How the writers get their chunks and report progress, for one plan (shared by generate and check). */
export function writeContext(options: ContextOptions, plan: OutputPlan, pool: BlockPool | undefined): WriteContext {
  const { spec } = options;
  const total = spec.tensors.reduce((s, t) => s + t.size, 0);
  const chunkBlocks = options.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS;
  // File sinks keep one write in flight, so a chunk's buffer is free two chunks later; a stream
  // (any Writable a caller passes) or a writer that holds chunks gets fresh buffers.
  const ring = plan.layout !== 'stream' && plan.format.retainsChunks !== true ? new BufferRing(3) : undefined;
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
export type ContextOptions = Pick<GenerateOptions, 'spec' | 'chunkBlocks' | 'formatOptions' | 'onProgress' | 'signal'>;

async function generateWith(options: GenerateOptions, plan: OutputPlan, paths: PlannedPaths, exists: boolean, pool: BlockPool | undefined): Promise<GenerateResult> {
  const { spec, output } = options;
  const force = options.force ?? false;
  const ctx = writeContext(options, plan, pool);
  let readied = false;
  const ready = (): void => {
    if (!readied) options.onReady?.(plan);
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
    ? new StreamSink(options.stdout ?? process.stdout, { hash })
    : await FileSink.create(output, { hash, replace: force });
  const out = await writeAll(sink, plan.format, spec.tensors, ctx);
  return { ...base, output, files: [writtenFile(output, out, holds)], unchanged: false };
}

async function* fromSync(chunks: Iterable<Buffer>): AsyncGenerator<Buffer> {
  yield* chunks;
}
