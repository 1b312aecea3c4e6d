import { readdir, realpath } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readError, readSmallFile } from '../../io/source.js';
import type { TensorSink } from '../types.js';
import { q } from '../reader.js';
import { MANIFEST, MAX_MANIFEST_BYTES } from './header.js';
import { ManifestNotJson, scanManifest } from './manifest-scan.js';

/** Reads one file of a directory: `tensor` names a one-tensor file (.npy); others name their own. */
export type ReadMember = (path: string, displayName: string, tensor: string) => Promise<void>;

/** Files a directory may hold, by extension (a manifest may list shards of these). */
const WEIGHT_FILE = /\.(npy|npz|safetensors|arrow|arrows|tar)$/i;

/**
 * The weights files a manifest lists (or a walk finds), in order, held compactly: a path string
 * each, and a tensor name only where it is not the path without `.npy` (100k entries as objects
 * with two strings were ~10 MB).
 */
export class ListedFiles {
  readonly paths: string[] = [];
  private readonly named = new Map<number, string>();
  /** What is wrong with the entry after the last path ('a file entry has no path', ...): reported when the directory is read. */
  problem: string | undefined;

  add(path: string, tensor?: string): void {
    if (tensor !== undefined && tensor !== fromPath(path)) this.named.set(this.paths.length, tensor);
    this.paths.push(path);
  }

  tensor(i: number): string {
    return this.named.get(i) ?? fromPath(this.paths[i]!);
  }
}

const fromPath = (path: string): string => path.replace(/\.npy$/i, '');

/** A directory's manifest.json as read: the value its provenance readers take, and the files it lists. */
export interface DirectoryManifest {
  readonly value: unknown;
  readonly files: ListedFiles;
}

/**
 * A manifest's bytes read (see scanManifest: no tree of the whole), its file list taken entry by
 * entry; the bytes are not held after. `name` names the manifest in errors.
 */
export function listManifest(bytes: Buffer, name: string): DirectoryManifest {
  let scanned;
  try {
    scanned = scanManifest(bytes);
  } catch (err) {
    if (err instanceof ManifestNotJson) throw readError(name, 'not valid JSON');
    throw err;
  }
  const files = new ListedFiles();
  if (scanned.files === undefined) files.problem = 'has no "files" list';
  else {
    for (const f of scanned.files()) {
      const path = f.get('path');
      if (typeof path !== 'string') {
        files.problem = 'a file entry has no path';
        break;
      }
      if (!WEIGHT_FILE.test(path)) continue; // an index (model.safetensors.index.json) and the like
      const tensor = f.get('tensor');
      files.add(path, typeof tensor === 'string' && tensor !== '*' ? tensor : undefined);
    }
  }
  return { value: scanned.value, files };
}

/**
 * A directory as init-weights writes it: manifest.json listing NAME.npy files or shards (read in its
 * order), or, without a manifest, every weights file below it in name order. Nothing outside the
 * directory is read: a manifest path that leaves it, lexically or through a symlink, is an error,
 * and the walk does not follow symlinks. Only regular files are opened (a FIFO would hang).
 * `manifest`: its manifest.json, already read by the caller (verify: one read, not two, of a
 * manifest of ~50 MB at 100k tensors).
 */
export async function readDirectory(dir: string, sink: TensorSink, readMember: ReadMember, manifest?: DirectoryManifest): Promise<void> {
  const root = await realpath(resolve(dir));
  const manifestName = `${dir}/manifest.json`;
  const manifestPath = manifest === undefined ? await inside(root, MANIFEST, manifestName) : undefined;
  if (manifestPath !== undefined) manifest = listManifest(await readSmallFile(manifestPath, manifestName, MAX_MANIFEST_BYTES), manifestName);
  let files: ListedFiles;
  if (manifest !== undefined) {
    sink.metadata(manifest.value);
    files = manifest.files;
    // The entries before a bad one are checked first, as they come first in the list.
    for (const path of files.paths) {
      const full = resolve(root, path);
      if (!(full.startsWith(root + sep) || full === root)) throw readError(manifestName, `path ${q(path)} leaves the directory`);
    }
    if (files.problem !== undefined) throw readError(manifestName, files.problem);
  } else {
    files = new ListedFiles();
    for (const p of await walk(root)) files.add(p);
    if (files.paths.length === 0) throw readError(dir, 'a directory with neither manifest.json nor weights files');
  }
  if (files.paths.every((p) => /\.npy$/i.test(p))) sink.count?.(files.paths.length);
  for (let i = 0; i < files.paths.length; i++) {
    const path = files.paths[i]!;
    const display = join(dir, path);
    // A missing file is left to readMember, which names it like any unreadable input.
    await readMember((await inside(root, path, display)) ?? resolve(root, path), display, files.tensor(i));
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
