import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoText, InitWeightsError, type MessageText } from '../errors.js';
import { MAX_MANIFEST_BYTES } from '../formats/directory/header.js';
import { listManifest, type DirectoryManifest } from '../formats/directory/reader.js';
import { readBounded } from '../generate/bounded-read.js';
import { MANIFEST } from '../generate/paths.js';
import { findProvenance, type Provenance } from '../inspect/provenance.js';
import { readError } from '../io/source.js';
import { parseObjectLazily } from '../weights-spec/lazy-json.js';
import { readFileInto } from './tensors.js';

/*
 * Where init-weights left its provenance in what it wrote: manifest.json of a directory (and the
 * last member of a tar), the safetensors `__metadata__`, Arrow schema metadata, the npz archive
 * comment. Read without reading tensor data (the readers skip it).
 */

/** Provenance plus the recorded spec itself (JSON), when present. */
export interface Recorded {
  readonly provenance: Provenance;
  /** The recorded spec: its value, or its JSON text's value with the `tensors` list parsed as read (parseObjectLazily). */
  readonly spec: unknown;
  /** A directory's manifest.json, read once: its file list is what verify reads next. */
  readonly manifest?: DirectoryManifest;
}

/**
 * The recorded spec in a metadata value: `spec` beside `tool: "init-weights"`, as an object or JSON
 * text (a manifest's spec comes as its text too: see scanManifest). Text is parsed without the tree
 * of its `tensors` list, which at 100k tensors was ~40 MB of objects for the resolution alone.
 */
function recordedSpec(value: unknown, depth = 0): unknown {
  if (depth > 3 || typeof value !== 'object' || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (o.tool === 'init-weights' && o.spec !== undefined) {
    if (typeof o.spec !== 'string') return o.spec;
    try {
      return parseObjectLazily(o.spec, 'tensors') ?? (JSON.parse(o.spec) as unknown);
    } catch {
      return undefined;
    }
  }
  for (const v of Object.values(o)) {
    const s = recordedSpec(v, depth + 1);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** Largest zip comment (the npz comment holds the provenance). */
const MAX_COMMENT = 0xffff;
const END_RECORD = 22;

/** The archive comment of a zip (npz), found from the end; undefined when there is none. */
async function zipComment(path: string): Promise<string | undefined> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, END_RECORD + MAX_COMMENT);
    const tail = Buffer.alloc(n);
    await fh.read(tail, 0, n, size - n);
    if (size < 4 || (await fh.read(Buffer.alloc(4), 0, 4, 0)).buffer.readUInt32LE(0) !== 0x04034b50) return undefined;
    // The end record is the last "PK\5\6" whose comment length reaches exactly the end of the file.
    for (let i = n - END_RECORD; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50 && i + END_RECORD + tail.readUInt16LE(i + 20) === n) {
        return tail.subarray(i + END_RECORD).toString('utf8');
      }
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/**
 * Every metadata value a file or directory carries (no tensor data is read), and a directory's
 * manifest. `seen`: a file's metadata values, already read by the caller's own pass over it.
 */
async function metadataOf(path: string, seen?: unknown[]): Promise<{ values: unknown[]; manifest?: DirectoryManifest }> {
  let isDir;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw readError(path, errnoText(err));
  }
  if (isDir) {
    const read = await readBounded(join(path, MANIFEST), MAX_MANIFEST_BYTES, { noFollow: true }).catch(() => undefined);
    if (read === undefined || !('bytes' in read)) return { values: [] };
    let manifest;
    try {
      manifest = listManifest(read.bytes, join(path, MANIFEST));
    } finally {
      read.release(); // the file list and spec text are taken: ~50 MB at 100k tensors, freed now
    }
    return { values: [manifest.value], manifest };
  }
  const found: unknown[] = seen ?? [];
  if (seen === undefined) await readFileInto(path, path, { wants: () => false, tensor: () => ({ push: () => undefined, end: () => undefined }), metadata: (v) => void found.push(v) }, 'array');
  if (found.length === 0) {
    const comment = await zipComment(path);
    if (comment !== undefined) found.push(comment);
  }
  return { values: found };
}

/** The provenance and spec recorded in one metadata value, or undefined when it holds none. */
export function recordedIn(value: unknown): Recorded | undefined {
  const provenance = findProvenance(versionsOnly(value));
  if (provenance === undefined) return undefined;
  const parsed = typeof value === 'string' ? safeParse(value) : value;
  return { provenance, spec: recordedSpec(parsed) };
}

/** The provenance and spec recorded in `path`, or undefined when it carries none (`seen`: see metadataOf). */
export async function readRecorded(path: string, seen?: unknown[]): Promise<Recorded | undefined> {
  const { values, manifest } = await metadataOf(path, seen);
  for (const value of values) {
    const rec = recordedIn(value);
    if (rec !== undefined) return { ...rec, ...(manifest !== undefined ? { manifest } : {}) };
  }
  return undefined;
}

/**
 * Verify reads a provenance's versions, not its table of declared initializers (inspect's), which
 * findProvenance would build by scanning the spec's every tensor: an init-weights value goes in
 * without its spec.
 */
function versionsOnly(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || (value as { tool?: unknown }).tool !== 'init-weights') return value;
  const rest = { ...(value as Record<string, unknown>) };
  delete rest.spec;
  return rest;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A refusal to verify (exit 2): one line naming the path and why. */
export function refuseVerify(path: string, why: MessageText): InitWeightsError {
  const text: MessageText = typeof why === 'string' ? `${path}: ${why}` : (name) => `${path}: ${why(name)}`;
  return new InitWeightsError('E_USAGE', text, { detail: { field: 'path', rule: 'verifiable', value: path, path } });
}
