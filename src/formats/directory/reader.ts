import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { readError } from '../../io/source.js';
import type { TensorSink } from '../../inspect/types.js';
import { q } from '../reader.js';

/** Reads one file of a directory: `tensor` names a one-tensor file (.npy); others name their own. */
export type ReadMember = (path: string, displayName: string, tensor: string) => Promise<void>;

/** Files a directory may hold, by extension (a manifest may list shards of these). */
const WEIGHT_FILE = /\.(npy|npz|safetensors|arrow|arrows|tar)$/i;

/** Largest manifest.json read. */
const MAX_MANIFEST = 16 << 20;

/**
 * A directory as init-weights writes it: manifest.json listing NAME.npy files or shards (read in its
 * order), or, without a manifest, every weights file below it in name order. Paths in a manifest are untrusted:
 * one that leaves the directory is an error.
 */
export async function readDirectory(dir: string, sink: TensorSink, readMember: ReadMember): Promise<void> {
  const root = resolve(dir);
  let files: { tensor: string; path: string }[] | undefined;
  let text: string | undefined;
  try {
    const buf = await readFile(join(root, 'manifest.json'));
    if (buf.length > MAX_MANIFEST) throw readError(`${dir}/manifest.json`, `larger than ${MAX_MANIFEST} bytes`);
    text = buf.toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err instanceof Error && 'exitCode' in err ? err : readError(`${dir}/manifest.json`, String((err as NodeJS.ErrnoException).code));
  }
  if (text !== undefined) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(text);
    } catch {
      throw readError(`${dir}/manifest.json`, 'not valid JSON');
    }
    sink.metadata(manifest);
    const listed = (manifest as { files?: unknown }).files;
    if (!Array.isArray(listed)) throw readError(`${dir}/manifest.json`, 'has no "files" list');
    files = [];
    for (const f of listed) {
      const { tensor, path } = (f ?? {}) as { tensor?: unknown; path?: unknown };
      if (typeof path !== 'string') throw readError(`${dir}/manifest.json`, 'a file entry has no path');
      if (!WEIGHT_FILE.test(path)) continue; // an index (model.safetensors.index.json) and the like
      const full = resolve(root, path);
      if (!(full.startsWith(root + sep) || full === root)) throw readError(`${dir}/manifest.json`, `path ${q(path)} leaves the directory`);
      files.push({ tensor: typeof tensor === 'string' && tensor !== '*' ? tensor : path.replace(/\.npy$/i, ''), path });
    }
  } else {
    files = (await walk(root)).map((p) => ({ tensor: p.replace(/\.npy$/i, ''), path: p }));
    if (files.length === 0) throw readError(dir, 'a directory with neither manifest.json nor weights files');
  }
  for (const f of files) await readMember(resolve(root, f.path), join(dir, f.path), f.tensor);
}

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const e of entries) {
    if (e.isFile() && WEIGHT_FILE.test(e.name)) out.push(relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
  }
  return out.sort();
}
