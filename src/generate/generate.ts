import { constants } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { InitWeightsError } from '../errors.js';
import { encodeManifest, type ManifestFile } from '../formats/directory/manifest.js';
import { FORMAT_NAMES, FORMATS, findFormat, formatForPath } from '../formats/registry.js';
import type { FormatDef, FormatOptions, SplitPart, SplitPlan, WriteContext } from '../formats/types.js';
import { STREAM_VERSION } from '../rng/stream.js';
import type { Seed } from '../rng/seed.js';
import type { TensorSpec, WeightsSpec } from '../weights-spec/types.js';
import { registerTemp, unregisterTemp } from '../io/cleanup.js';
import { BufferRing, DEFAULT_CHUNK_BLOCKS, tensorChunks } from '../io/chunks.js';
import { BlockPool, defaultThreads } from '../io/pool.js';
import { FileSink, StreamSink, tempPathFor, type Sink } from '../io/sink.js';
import { TOOL_VERSION } from '../version.js';

/** What to generate and where. */
export interface GenerateOptions {
  readonly spec: WeightsSpec;
  /** A file or directory path, or '-' for `stdout`. */
  readonly output: string;
  /** Format name (see FORMAT_NAMES); default: from the path's extension, or npy / tar for streams. */
  readonly format?: string;
  /** Replace an existing file, or a directory that init-weights wrote. */
  readonly force?: boolean;
  /** The stream for output '-' (default process.stdout). */
  readonly stdout?: Writable;
  /** Called once the output is planned and checked, before anything is written. */
  readonly onReady?: (plan: OutputPlan) => void;
  /** Called as elements are generated: (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Blocks per chunk; changes memory use and speed, never the bytes. */
  readonly chunkBlocks?: number;
  readonly signal?: AbortSignal;
  /**
   * Generation threads (default: every core up to 8 for large jobs, else 1). The bytes do not
   * depend on it.
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

export type Layout = 'file' | 'directory' | 'stream';

/** One file written; `sha256` is absent only when hashing was turned off. */
export interface WrittenFile extends Omit<ManifestFile, 'sha256'> {
  readonly sha256?: string;
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
}

/** How a request maps onto a format and a layout, decided before anything is written. */
export interface OutputPlan {
  readonly format: FormatDef;
  readonly layout: Layout;
  /** For a format split over several files (shards): which files hold which tensors. */
  readonly split?: SplitPlan;
}

function targetError(message: string): InitWeightsError {
  return new InitWeightsError('E_TARGET', message);
}

/** Decide format and layout for a spec and an output, or throw a usage error naming the alternatives. */
export function planOutput(spec: WeightsSpec, output: string, formatName?: string, formatOptions: FormatOptions = {}): OutputPlan {
  const plan = planFormat(spec, output, formatName, formatOptions);
  const FLAGS: Record<keyof FormatOptions, string> = { compress: '--compress', maxShardSize: '--max-shard-size' };
  for (const key of Object.keys(formatOptions) as (keyof FormatOptions)[]) {
    if (formatOptions[key] === undefined || plan.format.options?.includes(key)) continue;
    const takers = FORMATS.filter((f) => f.options?.includes(key)).map((f) => f.name);
    throw new InitWeightsError('E_USAGE', `${FLAGS[key]}: does not apply to ${plan.format.name} output (it applies to: ${takers.join(', ') || 'no format yet'})`);
  }
  return plan;
}

/**
 * The one format that takes every option given (`--max-shard-size` means safetensors), for a path
 * that does not name a format itself. `--compress` is left out: it reads as a general wish.
 */
function formatForOptions(formatOptions: FormatOptions): FormatDef | undefined {
  const given = (Object.keys(formatOptions) as (keyof FormatOptions)[]).filter((k) => formatOptions[k] !== undefined && k !== 'compress');
  if (given.length === 0) return undefined;
  const takers = FORMATS.filter((f) => given.every((k) => f.options?.includes(k)));
  return takers.length === 1 ? takers[0] : undefined;
}

function planFormat(spec: WeightsSpec, output: string, formatName: string | undefined, formatOptions: FormatOptions): OutputPlan {
  const n = spec.tensors.length;
  const dirRequested = output !== '-' && output.endsWith('/');
  let format: FormatDef | undefined;
  const byOptions = output !== '-' && formatForPath(output) === undefined ? formatForOptions(formatOptions) : undefined;
  if (formatName === undefined && byOptions !== undefined) {
    format = byOptions;
  } else if (formatName !== undefined) {
    format = findFormat(formatName);
    if (format === undefined) {
      throw new InitWeightsError('E_USAGE', `--format: must be one of ${FORMAT_NAMES.join(', ')}, got ${JSON.stringify(formatName)}`);
    }
    const byPath = output === '-' || dirRequested ? undefined : formatForPath(output);
    if (byPath !== undefined && byPath !== format) {
      throw new InitWeightsError('E_USAGE', `${output}: the extension says ${byPath.name} but --format is ${format.name}; give a path ending in ${format.extensions.join(' or ')}, or drop --format`);
    }
  } else if (output === '-') {
    format = findFormat(n > 1 ? 'tar' : 'npy');
  } else if (dirRequested) {
    format = findFormat('npy');
  } else {
    format = formatForPath(output);
    if (format === undefined && n === 1) {
      const known = FORMATS.map((f) => f.extensions.join('/')).join(', ');
      throw new InitWeightsError('E_USAGE', `cannot tell the format of ${JSON.stringify(output)} from its extension (known: ${known}): give --format or a path ending in one of them`);
    }
    format ??= findFormat('npy');
  }
  if (format === undefined) throw new Error('format registry is missing npy/tar');
  for (const t of spec.tensors) {
    if (!format.dtypes.includes(t.dtype)) {
      const others = FORMATS.filter((f) => f.dtypes.includes(t.dtype)).map((f) => f.name);
      throw new InitWeightsError('E_USAGE', `format ${format.name} cannot hold ${t.dtype} (tensor ${t.name}); formats that can: ${others.join(', ') || 'none'}`);
    }
  }
  const split = format.split?.(spec.tensors, formatOptions);
  // One part and no index is the unsplit file: write it where asked (a file path or stdout) as is.
  const oneFile = split !== undefined && split.parts.length === 1 && split.index === undefined && !dirRequested && (output === '-' || formatForPath(output) === format);
  if (split !== undefined && !oneFile) {
    if (output === '-' || formatForPath(output) !== undefined) {
      throw new InitWeightsError('E_USAGE', `${output === '-' ? 'stdout' : output}: split ${format.name} output is a directory of files (${split.parts.map((p) => p.path).slice(0, 2).join(', ')}${split.parts.length > 2 ? ', ...' : ''}); give a directory path (like -o checkpoint/)`);
    }
    return { format, layout: 'directory', split };
  }
  if (dirRequested) {
    if (format.multiTensor) {
      throw new InitWeightsError('E_USAGE', `${output}: ${format.name} writes one file holding every tensor; give a file path (like weights${format.extensions[0]})`);
    }
    return { format, layout: 'directory' };
  }
  if (format.multiTensor || n === 1) {
    return { format, layout: output === '-' ? 'stream' : 'file' };
  }
  if (output === '-') {
    const multi = FORMATS.filter((f) => f.multiTensor).map((f) => f.name);
    throw new InitWeightsError('E_USAGE', `${format.name} holds one tensor and the spec has ${n}: to stream them all use --format ${multi.join(' or ')}, or pick one tensor`);
  }
  if (formatForPath(output) === format) {
    const multi = FORMATS.filter((f) => f.multiTensor).map((f) => `${f.extensions[0]}`);
    throw new InitWeightsError('E_USAGE', `${output}: a ${format.name} file holds one tensor and the spec has ${n}; give a directory (like -o weights/) or a file of a format that holds several (${multi.join(', ')})`);
  }
  return { format, layout: 'directory' };
}

async function exists(path: string): Promise<'file' | 'directory' | 'other' | undefined> {
  try {
    const s = await stat(path);
    return s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other';
  } catch {
    return undefined;
  }
}

async function checkParent(path: string): Promise<void> {
  const parent = dirname(resolve(path));
  if ((await exists(parent)) !== 'directory') throw targetError(`${path}: the directory ${parent} does not exist`);
  try {
    await access(parent, constants.W_OK);
  } catch {
    throw targetError(`${path}: the directory ${parent} is not writable`);
  }
}

/** Check that a target can be written (before generating anything). */
export async function checkTarget(output: string, layout: Layout, force: boolean): Promise<void> {
  if (layout === 'stream') return;
  const path = output.replace(/\/+$/, '') || output;
  await checkParent(path);
  const kind = await exists(path);
  if (kind === undefined) return;
  if (layout === 'file') {
    if (kind !== 'file') throw targetError(`${path}: exists and is not a regular file`);
    if (!force) throw targetError(`${path}: already exists; pass --force to replace it`);
    return;
  }
  if (kind !== 'directory') throw targetError(`${path}: exists and is not a directory`);
  if (!force) throw targetError(`${path}: already exists; pass --force to replace it`);
  const listed = await filesWrittenByUs(path);
  if (listed === undefined) {
    throw targetError(`${path}: refusing to replace a directory that init-weights did not write (it has no init-weights manifest.json)`);
  }
  // --force replaces the whole directory, so it must hold nothing but what its manifest lists.
  const foreign = (await readdir(path, { recursive: true, withFileTypes: true }))
    .filter((e) => !e.isDirectory())
    .map((e) => relative(path, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .filter((rel) => !listed.has(rel));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).map((f) => JSON.stringify(f)).join(', ') + (foreign.length > 3 ? ', ...' : '');
    throw targetError(`${path}: refusing to replace it: it holds files init-weights did not write (${shown}); move them or choose another -o`);
  }
}

/** The files an init-weights directory's manifest lists (plus the manifest), or undefined if it has none. */
async function filesWrittenByUs(dir: string): Promise<Set<string> | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { tool?: unknown; files?: unknown };
    if (m.tool !== 'init-weights' || !Array.isArray(m.files)) return undefined;
    const paths = m.files.map((f: unknown) => (typeof f === 'object' && f !== null ? (f as { path?: unknown }).path : undefined));
    if (!paths.every((p): p is string => typeof p === 'string')) return undefined;
    return new Set([...paths, 'manifest.json']);
  } catch {
    return undefined;
  }
}

/**
 * Generate the spec's tensors into files or a stream. Nothing is left behind on failure: files are
 * written to a temp path beside the target and renamed at the end.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const { spec, output } = options;
  const force = options.force ?? false;
  const plan = planOutput(spec, output, options.format, options.formatOptions);
  await checkTarget(output, plan.layout, force);
  options.onReady?.(plan);
  const total = spec.tensors.reduce((s, t) => s + t.size, 0);
  const pool = BlockPool.create(options.threads ?? defaultThreads(total));
  try {
    return await generateWith(options, plan, total, pool);
  } finally {
    await pool?.close();
  }
}

async function generateWith(
  options: GenerateOptions,
  plan: OutputPlan,
  total: number,
  pool: BlockPool | undefined,
): Promise<GenerateResult> {
  const { spec, output } = options;
  const force = options.force ?? false;
  const chunkBlocks = options.chunkBlocks ?? DEFAULT_CHUNK_BLOCKS;
  // File sinks keep one write in flight, so a chunk's buffer is free two chunks later; a stream
  // (any Writable a caller passes) or a writer that holds chunks gets fresh buffers.
  const ring = plan.layout !== 'stream' && plan.format.retainsChunks !== true ? new BufferRing(3) : undefined;
  let done = 0;
  const ctx: WriteContext = {
    spec,
    chunkBlocks,
    formatOptions: options.formatOptions ?? {},
    chunks: (t) => (pool ? pool.chunks(t, chunkBlocks) : syncChunks(t, chunkBlocks, ring)),
    progress: (elements) => {
      done += elements;
      options.onProgress?.(done, total);
    },
    ...(options.signal ? { signal: options.signal } : {}),
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
    const dir = output.replace(/\/+$/, '') || output;
    const files = await writeDirectory(dir, plan, ctx, force);
    return { ...base, output: dir, files };
  }
  const hash = options.hash ?? true;
  const sink: Sink = plan.layout === 'stream' ? new StreamSink(options.stdout ?? process.stdout, { hash }) : await FileSink.create(output, { hash });
  const { sha256, bytes } = await writeAll(sink, plan.format, spec.tensors, ctx);
  const files = spec.tensors.length === 1 && !plan.format.multiTensor
    ? [fileEntry(spec.tensors[0]!, output, bytes, sha256)]
    : [{ tensor: '*', path: output, dtype: spec.dtype, shape: [], bytes, ...(sha256 !== undefined ? { sha256 } : {}) }];
  return { ...base, output, files };
}

async function* syncChunks(t: TensorSpec, chunkBlocks: number, ring: BufferRing | undefined): AsyncGenerator<Buffer> {
  yield* tensorChunks(t, chunkBlocks, ring);
}

function fileEntry(t: TensorSpec, path: string, bytes: number, sha256: string | undefined): WrittenFile {
  return { tensor: t.name, path, dtype: t.dtype, shape: t.shape, bytes, ...(sha256 !== undefined ? { sha256 } : {}) };
}

async function writeAll(sink: Sink, format: FormatDef, tensors: readonly TensorSpec[], ctx: WriteContext) {
  try {
    await format.write(tensors, sink, ctx);
    return await sink.close();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

async function writeFileIn(temp: string, dir: string, rel: string, bytes: Buffer): Promise<string> {
  const sink = await FileSink.create(join(temp, rel), { direct: true, display: join(dir, rel) });
  await sink.write(bytes);
  return (await sink.close()).sha256!;
}

/**
 * A directory output: one file per tensor (or per part of a split format, then its index), and
 * manifest.json, all written into a temp directory beside the target that is renamed at the end.
 */
async function writeDirectory(dir: string, plan: OutputPlan, ctx: WriteContext, force: boolean): Promise<ManifestFile[]> {
  const { format, split } = plan;
  const parts: readonly SplitPart[] = split?.parts ?? ctx.spec.tensors.map((t) => ({ path: `${t.name}${format.fileExtension}`, tensors: [t] }));
  const temp = tempPathFor(dir);
  registerTemp(temp);
  try {
    await mkdir(temp);
    const files: ManifestFile[] = [];
    for (const part of parts) {
      const rel = part.path;
      const path = join(temp, rel);
      await mkdir(dirname(path), { recursive: true });
      const sink = await FileSink.create(path, { direct: true, display: join(dir, rel) });
      const { sha256, bytes } = await writeAll(sink, format, part.tensors, ctx);
      const t = part.tensors[0];
      files.push(split === undefined && t !== undefined
        ? { tensor: t.name, path: rel, dtype: t.dtype, shape: t.shape, bytes, sha256: sha256! }
        : { tensor: '*', path: rel, dtype: ctx.spec.dtype, shape: [], bytes, sha256: sha256!, tensors: part.tensors.map((x) => x.name) });
    }
    const index = split?.index?.(files);
    if (index !== undefined) {
      const sha256 = await writeFileIn(temp, dir, index.path, index.bytes);
      files.push({ tensor: '*', path: index.path, dtype: ctx.spec.dtype, shape: [], bytes: index.bytes.length, sha256, tensors: [] });
    }
    const manifest = encodeManifest(ctx.spec, files);
    const ms = await FileSink.create(join(temp, 'manifest.json'), { direct: true });
    await ms.write(manifest);
    await ms.close();
    if ((await exists(dir)) !== undefined) {
      if (!force) throw targetError(`${dir}: already exists; pass --force to replace it`);
      const trash = tempPathFor(dir);
      registerTemp(trash);
      await rename(dir, trash);
      await rename(temp, dir);
      await rm(trash, { recursive: true, force: true });
      unregisterTemp(trash);
    } else {
      await rename(temp, dir);
    }
    unregisterTemp(temp);
    return files;
  } catch (err) {
    await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    unregisterTemp(temp);
    throw err;
  }
}

