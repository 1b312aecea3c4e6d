import { readdir, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readError, readSmallFile } from '../../io/source.js';
import type { TensorSink } from '../types.js';
import { q } from '../reader.js';
import { MANIFEST, MAX_MANIFEST_BYTES } from './header.js';

/** Reads one file of a directory: `tensor` names a one-tensor file (.npy); others name their own. */
export type ReadMember = (path: string, displayName: string, tensor: string) => Promise<void>;

/** Files a directory may hold, by extension (a manifest may list shards of these). */
const WEIGHT_FILE = /\.(npy|npz|safetensors|arrow|arrows|tar)$/i;


/**
 * A directory as init-weights writes it: manifest.json listing NAME.npy files or shards (read in its
 * order), or, without a manifest, every weights file below it in name order. Nothing outside the
 * directory is read: a manifest path that leaves it, lexically or through a symlink, is an error,
 * and the walk does not follow symlinks. Only regular files are opened (a FIFO would hang).
 * `parsed`: its manifest.json, already read and parsed by the caller (verify: one parse, not two,
 * of a manifest of ~50 MB at 100k tensors).
 */
export async function readDirectory(dir: string, sink: TensorSink, readMember: ReadMember, parsed?: { readonly manifest: unknown }): Promise<void> {
  const root = await realpath(resolve(dir));
  const manifestName = `${dir}/manifest.json`;
  let manifest: unknown = parsed?.manifest;
  const manifestPath = parsed === undefined ? await inside(root, MANIFEST, manifestName) : undefined;
  if (manifestPath !== undefined) {
    const text = (await readSmallFile(manifestPath, manifestName, MAX_MANIFEST_BYTES)).toString('utf8');
    try {
      manifest = JSON.parse(text);
    } catch {
      throw readError(manifestName, 'not valid JSON');
    }
  }
  let files: { tensor: string; path: string }[];
  if (manifest !== undefined) {
    sink.metadata(manifest);
    const listed = (manifest as { files?: unknown } | null)?.files;
    if (!Array.isArray(listed)) throw readError(manifestName, 'has no "files" list');
    files = [];
    for (const f of listed) {
      const { tensor, path } = (f ?? {}) as { tensor?: unknown; path?: unknown };
      if (typeof path !== 'string') throw readError(manifestName, 'a file entry has no path');
      if (!WEIGHT_FILE.test(path)) continue; // an index (model.safetensors.index.json) and the like
      const full = resolve(root, path);
      if (!(full.startsWith(root + sep) || full === root)) throw readError(manifestName, `path ${q(path)} leaves the directory`);
      files.push({ tensor: typeof tensor === 'string' && tensor !== '*' ? tensor : path.replace(/\.npy$/i, ''), path });
    }
    if (files.every((f) => /\.npy$/i.test(f.path))) sink.count?.(files.length);
  } else {
    files = (await walk(root)).map((p) => ({ tensor: p.replace(/\.npy$/i, ''), path: p }));
    if (files.length === 0) throw readError(dir, 'a directory with neither manifest.json nor weights files');
    if (files.every((f) => /\.npy$/i.test(f.path))) sink.count?.(files.length);
  }
  for (const f of files) {
    const display = join(dir, f.path);
    // A missing file is left to readMember, which names it like any unreadable input.
    await readMember((await inside(root, f.path, display)) ?? resolve(root, f.path), display, f.tensor);
  }
}

/**
 * The real path of `path` below `root`, or undefined when it does not exist; an error when a
 * symlink takes it outside the directory.
 */
async function inside(root: string, path: string, display: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(resolve(root, path));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (!real.startsWith(root + sep)) throw readError(display, 'is a symlink that leaves the directory (inspect reads only files inside it)');
  return real;
}

/** Weights files below `root`, relative, in name order; symlinks are not followed. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (e.isFile() && WEIGHT_FILE.test(e.name)) out.push(relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
  }
  return out.sort();
}
