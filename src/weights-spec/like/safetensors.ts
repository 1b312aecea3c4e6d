import { open } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoText, InitWeightsError } from '../../errors.js';
import { parseSafetensorsHeader, SAFETENSORS_MAX_HEADER, SAFETENSORS_READ_DTYPES } from '../../formats/safetensors/header.js';
import { DEFAULT_RULES, type LikeSpec, type LikeTensor } from './conventions.js';
import { isObject, likeError, readJson } from './read.js';

/*
 * Names, shapes and dtypes from safetensors headers only: one file, or the shards an
 * `*.index.json` names. Each header is size-checked before it is read and checked by the same
 * parser `inspect` uses (offsets tile the data, sizes match shape x dtype), and the file must be as
 * long as its header says, so a truncated download is caught. Memory is the headers, whatever the
 * checkpoint's size.
 */

/** Most shards an index may name (transformers' largest public checkpoints have a few hundred). */
export const MAX_SHARDS = 100_000;

/** The tensors of one safetensors file, in data order. */
export async function safetensorsTensors(path: string): Promise<LikeTensor[]> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw likeError(path, `cannot open: ${errnoText(err)}`);
  }
  let text: string;
  let dataBytes: number;
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw likeError(path, 'must be a regular file');
    const len = Buffer.alloc(8);
    if ((await fh.read(len, 0, 8, 0)).bytesRead < 8) throw likeError(path, 'is not a safetensors file (shorter than its 8-byte header length)');
    const n = len.readBigUInt64LE(0);
    if (n > BigInt(Math.min(SAFETENSORS_MAX_HEADER, st.size - 8))) {
      throw likeError(path, `safetensors header length must fit the file and be at most ${SAFETENSORS_MAX_HEADER} bytes`, n.toString());
    }
    const header = Buffer.alloc(Number(n));
    if ((await fh.read(header, 0, header.length, 8)).bytesRead < header.length) throw likeError(path, 'safetensors header is truncated');
    text = header.toString('utf8');
    dataBytes = st.size - 8 - header.length;
  } catch (err) {
    if (err instanceof InitWeightsError) throw err;
    throw new InitWeightsError('E_IO', `like ${path}: read failed: ${errnoText(err)}`, { detail: { field: 'like', path } });
  } finally {
    await fh.close();
  }
  const parsed = parseSafetensorsHeader(text);
  if (typeof parsed === 'string') throw likeError(path, `bad safetensors header: ${parsed}`);
  const end = parsed.entries.length === 0 ? 0 : parsed.entries[parsed.entries.length - 1]!.end;
  if (end > dataBytes) throw likeError(path, `is truncated: the header describes ${end} bytes of data, the file holds ${dataBytes}`);
  return parsed.entries.map((e) => {
    const dtype = SAFETENSORS_READ_DTYPES[e.dtype];
    if (dtype === undefined) throw likeError(path, `tensor ${JSON.stringify(e.name.slice(0, 80))} has dtype ${e.dtype}; init-weights writes only ${Object.keys(SAFETENSORS_READ_DTYPES).join(', ')}`);
    return { name: e.name, shape: e.shape, dtype };
  });
}

/** A shard file named by an index: a plain file name beside the index, nothing that climbs out. */
function shardPath(indexPath: string, file: unknown): string {
  if (typeof file !== 'string' || file === '' || file !== basename(file) || file === '.' || file === '..' || file.includes('\\')) {
    throw likeError(indexPath, 'weight_map values must be shard file names in the same directory', file);
  }
  return join(dirname(indexPath), file);
}

/** The tensors of a sharded checkpoint, from its index and each shard's header. */
export async function shardedTensors(indexPath: string): Promise<LikeTensor[]> {
  const json = await readJson(indexPath, 'safetensors index');
  const map = isObject(json) ? json.weight_map : undefined;
  if (!isObject(map)) throw likeError(indexPath, 'a safetensors index must have a "weight_map" object');
  const byShard = new Map<string, Set<string>>();
  for (const [name, file] of Object.entries(map)) {
    const p = shardPath(indexPath, file);
    if (!byShard.has(p) && byShard.size >= MAX_SHARDS) throw likeError(indexPath, `must name at most ${MAX_SHARDS} shards`);
    const names = byShard.get(p) ?? new Set<string>();
    names.add(name);
    byShard.set(p, names);
  }
  if (byShard.size === 0) throw likeError(indexPath, 'weight_map must name at least one tensor');
  const out: LikeTensor[] = [];
  for (const [p, names] of byShard) {
    const tensors = await safetensorsTensors(p);
    const found = new Set(tensors.map((t) => t.name));
    for (const n of names) {
      if (!found.has(n)) throw likeError(indexPath, `weight_map puts ${JSON.stringify(n.slice(0, 80))} in ${basename(p)}, whose header does not have it`);
    }
    for (const t of tensors) {
      if (!names.has(t.name)) throw likeError(p, `holds ${JSON.stringify(t.name.slice(0, 80))}, which the index's weight_map does not list there`);
      out.push(t);
    }
  }
  return out;
}

/** A `like` spec from a safetensors checkpoint (one file or an index), with the default convention. */
export async function specFromSafetensors(path: string, sharded: boolean): Promise<LikeSpec> {
  const tensors = sharded ? await shardedTensors(path) : await safetensorsTensors(path);
  // Safetensors checkpoints are torch's (transformers, timm, diffusers): fans of an `--init` read (out, in, ...).
  return { description: `names, shapes and dtypes from ${path}`, layout: 'torch', tensors, rules: [...DEFAULT_RULES] };
}
