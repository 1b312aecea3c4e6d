import { createHash } from 'node:crypto';
import { manifestByteLength, manifestChunks, type ManifestFile } from '../formats/directory/manifest.js';
import type { FormatDef, SplitPart, WriteContext } from '../formats/types.js';
import type { Sink } from '../io/sink.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { MANIFEST, type PlannedPaths } from './paths.js';
import type { OutputPlan } from './plan.js';

/*
 * The files of a directory output, into whatever sinks the caller gives: temp files (a fresh
 * directory), staged files beside existing ones (writing into a directory), or comparing sinks
 * (a check). One sequence of writers, so the three can never disagree on the bytes.
 */

/** One file written; `sha256` is absent only when hashing was turned off. */
export interface WrittenFile extends Omit<ManifestFile, 'sha256'> {
  readonly sha256?: string;
}

/** What a closed sink reports. */
export interface SinkResult {
  readonly bytes: number;
  readonly sha256: string | undefined;
}

/**
 * The entry of one file: one tensor's file, or a file holding several (`tensor` '*', the spec's
 * dtype, and for a part of a directory the names it holds). Key order is the manifest's bytes.
 */
export function writtenFile(path: string, out: SinkResult, holds: TensorSpec | { readonly dtype: string; readonly tensors?: readonly string[] }): WrittenFile {
  const sha = out.sha256 !== undefined ? { sha256: out.sha256 } : {};
  if ('name' in holds) return { tensor: holds.name, path, dtype: holds.dtype, shape: holds.shape, bytes: out.bytes, ...sha };
  return { tensor: '*', path, dtype: holds.dtype, shape: [], bytes: out.bytes, ...sha, ...(holds.tensors !== undefined ? { tensors: holds.tensors } : {}) };
}

/** Write tensors through a sink and close it (the commit of a file sink); on failure undo it. */
export async function writeAll(sink: Sink, format: FormatDef, tensors: readonly TensorSpec[], ctx: WriteContext): Promise<SinkResult> {
  try {
    await format.write(tensors, sink, ctx);
    return await sink.close();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** A part's sink, or a finished result when the caller settled the part without a sink. */
export type PartSink = (part: SplitPart) => Promise<Sink | SinkResult>;

/** Write every part through the sink `open` gives it; return the manifest entries, in order. */
export async function emitParts(paths: PlannedPaths, plan: OutputPlan, ctx: WriteContext, open: PartSink): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  for (const part of paths.parts) {
    const got = await open(part);
    const out = 'write' in got ? await writeAll(got, plan.format, part.tensors, ctx) : got;
    const t = part.tensors[0];
    const holds = plan.split === undefined && t !== undefined ? t : { dtype: ctx.spec.dtype, tensors: part.tensors.map((x) => x.name) };
    files.push(writtenFile(part.path, out, holds) as ManifestFile);
  }
  return files;
}

/**
 * A file of a directory output made from the parts' entries (an index, the manifest): its size and
 * its bytes in buffers made as they are taken (the manifest is ~50 MB at 100k tensors).
 */
export interface MadeFile {
  readonly path: string;
  readonly size: number;
  /** A manifest written by a sharded run (it records `shard`). */
  readonly shard?: boolean;
  chunks(): Iterable<Buffer>;
}

/** A made file's bytes as one buffer (for the few callers that parse it). */
export function madeBytes(file: MadeFile): Buffer {
  return Buffer.concat([...file.chunks()], file.size);
}

/** Write a made file through a sink and close it. */
export async function writeMade(sink: Sink, file: MadeFile): Promise<SinkResult> {
  try {
    for (const chunk of file.chunks()) await sink.write(chunk);
    return await sink.close();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/**
 * The files written after the parts: the split's index (then listed in the manifest too), and
 * manifest.json. `files` gains the index's entry, as the manifest lists it. `shard`: the manifest
 * of a sharded run (entries without sha256, the shard count recorded).
 */
export function madeFiles(plan: OutputPlan, ctx: WriteContext, files: ManifestFile[], shard?: { readonly count: number }): MadeFile[] {
  const out: MadeFile[] = [];
  const index = plan.split?.index?.(files);
  if (index !== undefined) {
    const sha256 = createHash('sha256').update(index.bytes).digest('hex');
    files.push(writtenFile(index.path, { bytes: index.bytes.length, sha256 }, { dtype: ctx.spec.dtype, tensors: [] }) as ManifestFile);
    out.push({ path: index.path, size: index.bytes.length, chunks: () => [index.bytes] });
  }
  out.push({ path: MANIFEST, size: manifestByteLength(ctx.spec, files, shard), shard: shard !== undefined, chunks: () => manifestChunks(ctx.spec, files, shard) });
  return out;
}
