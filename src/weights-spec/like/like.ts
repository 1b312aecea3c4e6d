import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoText } from '../../errors.js';
import type { LikeSpec, ZeroRow } from './conventions.js';
import { isHfConfig, specFromHfConfig } from './hf-config.js';
import { isObject, likeError, readJson } from './read.js';
import { specFromSafetensors } from './safetensors.js';
import { isShapeDump, specFromShapeDump } from './shape-dump.js';

/*
 * `like PATH`: names, shapes, dtypes (and, for a Hugging Face config, the init law) from something
 * that already describes a model. .npz, .npy directories, Arrow and tar are not read yet.
 */

export type LikeKind = 'hf-config' | 'shape-dump' | 'safetensors' | 'safetensors-index';

/** What `like` found: a raw spec for expandSpec, the source kind, and rows to zero after init. */
export interface LikeResult {
  readonly kind: LikeKind;
  /** The file that was read (a directory resolves to the file inside it). */
  readonly path: string;
  readonly spec: LikeSpec;
  /** Embedding padding rows transformers zeroes; also written as `zero_rows` on those tensors of `spec`. */
  readonly zeroRows: readonly ZeroRow[];
}

const INDEX_FILE = 'model.safetensors.index.json';
const SINGLE_FILE = 'model.safetensors';
const CONFIG_FILE = 'config.json';
const WHAT = 'a Hugging Face config.json, a {name: shape} JSON dump, a .safetensors file, its .index.json, or a directory holding one';

/** A directory: its weights' headers if it has weights, else its config.json. */
async function resolveDirectory(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw likeError(dir, `cannot list the directory: ${errnoText(err)}`);
  }
  for (const f of [INDEX_FILE, SINGLE_FILE, CONFIG_FILE]) if (names.includes(f)) return join(dir, f);
  throw likeError(dir, `must hold ${INDEX_FILE}, ${SINGLE_FILE} or ${CONFIG_FILE}`);
}

/** The spec with each zero row on its tensor as `zero_rows` (sorted: the resolved form). */
function withZeroRows(spec: LikeSpec, rows: readonly ZeroRow[]): LikeSpec {
  if (rows.length === 0) return spec;
  const byTensor = new Map<string, number[]>();
  for (const z of rows) byTensor.set(z.tensor, [...(byTensor.get(z.tensor) ?? []), z.row]);
  const tensors = spec.tensors.map((t) => {
    const zr = byTensor.get(t.name);
    return zr === undefined ? t : { ...t, zero_rows: [...new Set(zr)].sort((a, b) => a - b) };
  });
  return { ...spec, tensors };
}

/** Read a `like` source (headers and JSON only; never tensor data). Errors are exit-2 `like` errors. */
export async function likeSource(path: string): Promise<LikeResult> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw likeError(path, `cannot read: ${errnoText(err)}`);
  }
  const file = st.isDirectory() ? await resolveDirectory(path) : path;
  if (file.endsWith('.safetensors')) return { kind: 'safetensors', path: file, spec: await specFromSafetensors(file, false), zeroRows: [] };
  if (file.endsWith('.index.json')) return { kind: 'safetensors-index', path: file, spec: await specFromSafetensors(file, true), zeroRows: [] };
  if (!file.endsWith('.json')) throw likeError(file, `must be ${WHAT}`);
  const json = await readJson(file, 'JSON');
  if (isHfConfig(json)) {
    const { spec, zeroRows } = specFromHfConfig(json, file);
    return { kind: 'hf-config', path: file, spec: withZeroRows(spec, zeroRows), zeroRows };
  }
  if (isShapeDump(json)) return { kind: 'shape-dump', path: file, spec: specFromShapeDump(json, file), zeroRows: [] };
  if (isObject(json) && isObject(json.weight_map)) return { kind: 'safetensors-index', path: file, spec: await specFromSafetensors(file, true), zeroRows: [] };
  throw likeError(file, `must be ${WHAT} (this JSON has no model_type and is not a map of names to shapes)`);
}
