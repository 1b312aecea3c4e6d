import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElementType } from '../../dtype/table.js';
import type { ByteSource } from '../../io/source.js';
import { checkedSize, q } from '../reader.js';
import type { FormatReader, TensorSink } from '../types.js';
import { HeapBuffer, loadH5, readSlab, withTempDir } from './h5.js';
import { CHUNK_BYTES, flatSlabs } from './layout.js';

type Loaded = Awaited<ReturnType<typeof loadH5>>;
type H5File = InstanceType<Loaded['h5']['File']>;

/** HDF5's signature, at offset 0 when the file has no user block (Keras and h5py write none). */
export const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Most groups and datasets walked in one file: bounds the work a hostile file can ask for. */
const MAX_OBJECTS = 1_000_000;

/** One dataset found in the file. */
interface Found {
  readonly path: string;
  readonly name: string;
  readonly shape: number[];
  readonly dtype: ElementType | undefined;
  readonly stored: string;
}

/** A dataset's element type as inspect knows it, or undefined (integers, strings, compounds...). */
function elementType(h5: Loaded, meta: { type: number; size: number }, attrDtype: unknown): ElementType | undefined {
  // Keras saves bfloat16 through h5py as 2-byte opaque values tagged with a `dtype` attribute.
  const classes = h5.Module.H5T_class_t;
  if (meta.size === 2 && attrDtype === 'bfloat16' && (meta.type === classes.H5T_OPAQUE.value || meta.type === classes.H5T_FLOAT.value)) return 'bfloat16';
  if (meta.type !== classes.H5T_FLOAT.value) return undefined;
  if (meta.size === 2) return 'float16';
  return meta.size === 4 ? 'float32' : meta.size === 8 ? 'float64' : undefined;
}

function stringAttr(obj: { attrs: Record<string, unknown>; get_attribute(name: string, json: true): unknown }, name: string): unknown {
  return name in obj.attrs ? obj.get_attribute(name, true) : undefined;
}

/**
 * Every dataset, depth first in name order (`vars/2` before `vars/10`), named by the `name`
 * attribute init-weights writes (`dense/kernel`), else by its HDF5 path (`layers/dense/vars/0`).
 */
function walk(h5: Loaded, file: H5File): Found[] {
  const found: Found[] = [];
  const stack = ['/'];
  let seen = 0;
  while (stack.length > 0) {
    const path = stack.pop()!;
    const obj = file.get(path);
    if (++seen > MAX_OBJECTS) throw new Error(`more than ${MAX_OBJECTS} groups and datasets`);
    if (obj instanceof h5.h5.Group) {
      const keys = obj.keys().sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      for (const k of keys.reverse()) stack.push(path === '/' ? `/${k}` : `${path}/${k}`);
    } else if (obj instanceof h5.h5.Dataset) {
      const meta = obj.metadata;
      const own = stringAttr(obj, 'name');
      found.push({
        path,
        name: typeof own === 'string' && own !== '' ? own : path.slice(1),
        shape: meta.shape ?? [],
        dtype: elementType(h5, meta, stringAttr(obj, 'dtype')),
        stored: obj.dtype.toString(),
      });
    }
  }
  return found;
}

/** Copy the source to a temp file: HDF5 needs random access, and a pipe has none. */
async function spool(src: ByteSource, path: string): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    for (let piece = await src.nextPiece(CHUNK_BYTES); piece !== null; piece = await src.nextPiece(CHUNK_BYTES)) await fh.write(piece);
  } finally {
    await fh.close();
  }
}

/** Deliver one dataset in boxes of at most CHUNK_BYTES, read through the wasm heap. */
async function deliverDataset(h5: Loaded, file: H5File, f: Found & { dtype: ElementType }, sink: TensorSink, heap: HeapBuffer, fail: (p: string) => Error): Promise<void> {
  const size = checkedSize(f.shape, f.dtype);
  if (typeof size === 'string') throw fail(`dataset ${q(f.path)}: ${size}`);
  const consumer = sink.tensor({ name: f.name, dtype: f.dtype, shape: f.shape });
  const elementBytes = size.bytes / Math.max(size.count, 1);
  const step = Math.max(1, Math.floor(CHUNK_BYTES / (elementBytes || 1)));
  for (let at = 0; at < size.count; at += step) {
    for (const slab of flatSlabs(f.shape, at, Math.min(size.count, at + step))) {
      const len = slab.count.reduce((a, b) => a * b, 1) * elementBytes;
      const ptr = heap.reserve(len);
      readSlab(h5.Module, file.file_id, f.path, slab, ptr);
      consumer.push(h5.Module.HEAPU8.subarray(ptr, ptr + len));
    }
  }
  await consumer.end();
}

/** A Keras `.weights.h5` (or any HDF5 file): provenance from the root attribute, then every float dataset. */
export async function readKeras(src: ByteSource, sink: TensorSink): Promise<void> {
  const h5 = await loadH5();
  await withTempDir('init-weights-h5-', async (dir) => {
    const path = join(dir, 'input.h5');
    await spool(src, path);
    let file: H5File;
    let found: Found[];
    try {
      file = new h5.h5.File(path, 'r');
      found = walk(h5, file);
    } catch (err) {
      throw src.fail(`not a readable HDF5 file (${err instanceof Error ? err.message : String(err)})`);
    }
    const heap = new HeapBuffer(h5.Module);
    try {
      const prov = stringAttr(file, 'init_weights');
      if (prov !== undefined) sink.metadata(prov);
      sink.count?.(found.filter((f) => f.dtype !== undefined).length);
      for (const f of found) {
        if (f.dtype === undefined) sink.skipped?.(f.name, f.stored, f.shape, `${f.stored} is not a float type`);
        else if (sink.wants(f.name)) await deliverDataset(h5, file, { ...f, dtype: f.dtype }, sink, heap, (p) => src.fail(p));
      }
    } finally {
      heap.free();
      file.close();
    }
  });
}

/** The reader inspect uses. */
export const kerasReader: FormatReader = {
  input: 'keras',
  detect: (b: Buffer): boolean => b.length >= 8 && b.subarray(0, 8).equals(HDF5_MAGIC),
  read: (src: ByteSource, sink: TensorSink): Promise<void> => readKeras(src, sink),
};
