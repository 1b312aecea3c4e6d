import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { FORMATS } from '../formats/registry.js';
import { MAX_MANIFEST_BYTES } from '../formats/directory/header.js';
import { ManifestStream } from '../formats/directory/manifest-stream.js';
import { readBoundedPieces } from './bounded-read.js';
import { MANIFEST } from './paths.js';

/*
 * Which old files `force` may remove from an output directory. The tool never deletes a file it did not
 * write, and a manifest is only a claim (anyone can write {"tool": "init-weights", "files": [...]}),
 * so a file counts as ours only when the manifest lists it, it is named as this tool names files
 * (a weights extension, an index, the manifest), it is a regular file inside the directory, and
 * its size and sha256 are the manifest's. A forged manifest can then only claim files whose bytes
 * the forger already knows, under names this tool would write.
 */

interface Listed {
  readonly bytes: number;
  /** Absent in a sharded run's manifest: such a file cannot be proven ours. */
  readonly sha256: string | undefined;
}

/** File name endings this tool writes into a directory (besides manifest.json). */
const OWN_ENDINGS = [...new Set([...FORMATS.flatMap((f) => [f.fileExtension, ...f.extensions]), '.index.json'])];

/** Whether a relative path is one this tool would write into a directory (and stays inside it). */
export function isOwnName(rel: string): boolean {
  const parts = rel.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return false;
  return OWN_ENDINGS.some((e) => rel.endsWith(e));
}

/**
 * The files an init-weights manifest lists by relative path, or undefined when there is none (or
 * an entry is malformed). The manifest is read in pieces and scanned as it comes (~50 MB at 100k
 * files was read whole), and of its entries only those `planned` does not hold are kept: the
 * stale candidates, none at all when a run rewrites the same files.
 */
async function readManifest(dir: string, planned: ReadonlySet<string>): Promise<Map<string, Listed> | undefined> {
  let listed = new Map<string, Listed>();
  let malformed = false;
  const scan = new ManifestStream({
    files: () => {
      listed = new Map();
      malformed = false;
    },
    entry: (f) => {
      const [path, bytes, sha256] = [f.get('path'), f.get('bytes'), f.get('sha256')];
      if (typeof path !== 'string' || typeof bytes !== 'number' || (typeof sha256 !== 'string' && sha256 !== undefined)) malformed = true;
      else if (!malformed && isOwnName(path) && !planned.has(path)) listed.set(path, { bytes, sha256 });
    },
  });
  try {
    if ((await readBoundedPieces(join(dir, MANIFEST), MAX_MANIFEST_BYTES, (piece) => scan.write(piece), { noFollow: true })) !== undefined) return undefined;
    const m = scan.end();
    return m.tool === 'init-weights' && m.files && !malformed ? listed : undefined;
  } catch {
    return undefined; // missing, unreadable, or not JSON (ManifestNotJson): not a manifest of ours
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Earlier files of this tool in a directory that a new run with force no longer writes. */
export interface StaleFiles {
  /** Listed by the old manifest, named as this tool names files, with the listed bytes: removable. */
  readonly ours: readonly string[];
  /** Listed by the old manifest but changed since (size or sha256): left alone. */
  readonly changed: readonly string[];
  /** Listed without a sha256 (by a sharded run), so not provably ours: left alone. */
  readonly unproven: readonly string[];
}

/**
 * The files an earlier run wrote into `dir` (per its manifest.json) that the new plan does not
 * write: old shards, an old index. Only files that still hold the listed bytes count as ours;
 * anything else in the directory (config.json, tokenizer files, edited files) is never touched.
 */
export async function staleOwnFiles(dir: string, planned: ReadonlySet<string>): Promise<StaleFiles> {
  const listed = await readManifest(dir, planned);
  const ours: string[] = [];
  const changed: string[] = [];
  const unproven: string[] = [];
  for (const [rel, want] of listed ?? []) {
    const full = join(dir, rel);
    const st = await lstat(full).catch(() => undefined);
    if (st === undefined) continue;
    if (want.sha256 === undefined) unproven.push(rel);
    else if (st.isFile() && st.size === want.bytes && (await sha256Of(full)) === want.sha256) ours.push(rel);
    else changed.push(rel);
  }
  return { ours, changed, unproven };
}
