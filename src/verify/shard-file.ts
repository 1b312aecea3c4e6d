import { basename, dirname, join } from 'node:path';
import { errnoText } from '../errors.js';
import { readBounded } from '../generate/bounded-read.js';
import { shardCountOfName } from '../formats/safetensors/header.js';
import { INDEX_FILE } from '../formats/safetensors/writer.js';
import { isObject } from '../weights-spec/fields.js';
import { MAX_LIKE_JSON_BYTES } from '../weights-spec/like/read.js';
import { refuseVerify } from './provenance.js';
import type { TensorOutcome } from './tensors.js';

/*
 * One shard of a split safetensors checkpoint (`model-0000i-of-0000n.safetensors`) holds only its
 * part of the recorded spec. Which part is not in the shard: the split follows the size limit the
 * run was given, which is not recorded. The checkpoint's index beside it
 * (model.safetensors.index.json, which transformers reads too) says: its weight_map names each
 * tensor's file. Verifying one shard compares the file with the tensors the index gives it.
 */

/** The tensors the index beside a shard file gives it, or undefined when the file is not named as one of several shards. */
async function partOf(path: string): Promise<Set<string> | undefined> {
  const file = basename(path);
  if ((shardCountOfName(file) ?? 1) < 2) return undefined;
  const index = join(dirname(path), INDEX_FILE);
  const refuse = (why: string) => refuseVerify(path, `one shard of a split checkpoint: ${why}; or verify the checkpoint directory`);
  let read;
  try {
    read = await readBounded(index, MAX_LIKE_JSON_BYTES);
  } catch (err) {
    throw refuse(`which tensors it holds is in ${INDEX_FILE} beside it, which cannot be read (${errnoText(err)})`);
  }
  if (!('bytes' in read)) throw refuse(`${INDEX_FILE} beside it is ${read.problem}`);
  let map: unknown;
  try {
    map = (JSON.parse(read.bytes.toString('utf8')) as { weight_map?: unknown }).weight_map;
  } catch {
    throw refuse(`${INDEX_FILE} beside it is not JSON`);
  }
  if (!isObject(map)) throw refuse(`${INDEX_FILE} beside it has no "weight_map" object`);
  return new Set(Object.entries(map).filter(([, f]) => f === file).map(([name]) => name));
}

/**
 * A shard file's outcomes narrowed to its part: tensors of other shards that it does not hold are
 * no failure; a tensor it holds outside its part is extra; one of its part it lacks is missing.
 * Any other file's outcomes, and those of a file missing nothing, come back as they are.
 */
export async function narrowToShard(path: string, outcomes: readonly TensorOutcome[]): Promise<TensorOutcome[]> {
  // A file that holds every tensor is whole, whatever its name: nothing to narrow, no index needed.
  if (!outcomes.some((o) => o.status === 'missing')) return [...outcomes];
  const part = await partOf(path);
  if (part === undefined) return [...outcomes];
  return outcomes.flatMap((o): TensorOutcome[] => {
    if (part.has(o.tensor)) return [o];
    if (o.status === 'missing') return [];
    return [{ tensor: o.tensor, status: 'extra' }];
  });
}
