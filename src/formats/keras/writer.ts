import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { InitWeightsError } from '../../errors.js';
import { checkAborted } from '../../io/pump.js';
import type { Sink } from '../../io/sink.js';
import type { TensorSpec } from '../../weights-spec/types.js';
import { DTYPES } from '../../dtype/table.js';
import { provenance } from '../directory/manifest.js';
import { defineFormat } from '../define.js';
import type { WriteContext } from '../types.js';
import { atEpoch, datasetMetadata, H5_FLOAT, HeapBuffer, loadH5, withTempDir, writeSlab } from './h5.js';
import { kerasReader } from './reader.js';
import { CHUNK_BYTES, chunkShape, flatSlabs, KERAS_EXTENSION, kerasLayout, type KerasEntry } from './layout.js';

type Loaded = Awaited<ReturnType<typeof loadH5>>;
type H5File = InstanceType<Loaded['h5']['File']>;

/** Root attribute holding the provenance JSON (Keras ignores attributes it does not know). */
export const PROVENANCE_ATTRIBUTE = 'init_weights';
/** Dataset attribute holding the tensor's name in the spec (`dense/kernel`). */
export const TENSOR_NAME_ATTRIBUTE = 'name';

/** Pieces the finished HDF5 file is copied to the sink in. */
const COPY_BYTES = 1 << 20;

/**
 * One dataset: small tensors are gathered (at most CHUNK_BYTES) and written contiguous, as Keras
 * itself writes them; larger ones are created chunked and empty, grown to their shape, and filled
 * box by box as the generator yields chunks, so memory stays at one chunk whatever the size.
 */
async function writeDataset(h5: Loaded, file: H5File, e: KerasEntry, ctx: WriteContext, heap: HeapBuffer): Promise<void> {
  const t = e.tensor;
  const dtype = t.dtype as keyof typeof H5_FLOAT;
  const elementBytes = DTYPES[t.dtype].bytes;
  const path = `/${e.path}`;
  const create = (shape: readonly number[], chunks: readonly number[] | null, ptr: number): void => {
    const status = atEpoch(() => h5.Module.create_dataset(file.file_id, path, BigInt(ptr), datasetMetadata(h5.h5, dtype, shape, t.shape, chunks)));
    if (status < 0) throw new Error(`HDF5 (wasm): cannot create ${path}`);
  };
  if (t.size * elementBytes <= CHUNK_BYTES) {
    const parts: Uint8Array[] = [];
    for await (const chunk of ctx.chunks(t)) {
      checkAborted(ctx.signal);
      parts.push(Uint8Array.from(chunk));
      ctx.progress(chunk.byteLength / elementBytes);
    }
    create(t.shape, null, heap.put(Buffer.concat(parts)));
  } else {
    create([0, ...t.shape.slice(1)], chunkShape(t.shape, elementBytes), 0);
    await fillChunked(h5, file, path, t, ctx, heap);
  }
  // Our name for the tensor (inspect shows it; Keras reads only a `dtype` attribute here).
  atEpoch(() => new h5.h5.Dataset(file.file_id, path).create_attribute(TENSOR_NAME_ATTRIBUTE, t.name));
}

/** Grow an empty chunked dataset to its shape and write the stream into it box by box. */
async function fillChunked(h5: Loaded, file: H5File, path: string, t: TensorSpec, ctx: WriteContext, heap: HeapBuffer): Promise<void> {
  const elementBytes = DTYPES[t.dtype].bytes;
  if (h5.Module.resize_dataset(file.file_id, path, t.shape.map(BigInt)) < 0) throw new Error(`HDF5 (wasm): cannot resize ${path}`);
  let at = 0;
  for await (const chunk of ctx.chunks(t)) {
    checkAborted(ctx.signal);
    const n = chunk.byteLength / elementBytes;
    let byte = 0;
    for (const slab of flatSlabs(t.shape, at, at + n)) {
      const len = slab.count.reduce((a, b) => a * b, 1) * elementBytes;
      writeSlab(h5.Module, file.file_id, path, slab, heap.put(chunk.subarray(byte, byte + len)));
      byte += len;
    }
    at += n;
    ctx.progress(n);
  }
  if (at !== t.size) throw new Error(`keras tensor ${t.name}: size mismatch (declared ${t.size}, wrote ${at})`);
}

/** Build the whole HDF5 file at `path` (a real file: h5wasm's Node build writes through to disk). */
async function buildFile(path: string, entries: readonly KerasEntry[], ctx: WriteContext): Promise<void> {
  const h5 = await loadH5();
  const file = atEpoch(() => new h5.h5.File(path, 'w', { libver: ['earliest', 'v110'] }));
  const heap = new HeapBuffer(h5.Module);
  try {
    atEpoch(() => file.create_attribute(PROVENANCE_ATTRIBUTE, JSON.stringify(provenance(ctx.spec))));
    const made = new Set<string>();
    for (const e of entries) {
      if (!made.has(e.group)) {
        const parts = e.group.split('/');
        for (let i = 1; i <= parts.length; i++) {
          const g = parts.slice(0, i).join('/');
          if (!made.has(g)) atEpoch(() => file.create_group(g));
          made.add(g);
        }
        atEpoch(() => new h5.h5.Group(file.file_id, `/${e.group}`).create_attribute('name', e.layer));
      }
      await writeDataset(h5, file, e, ctx, heap);
    }
  } finally {
    heap.free();
    atEpoch(() => file.close());
  }
}

/** Copy a finished file into the sink in COPY_BYTES pieces (waiting for each write: flat memory). */
async function copyToSink(path: string, sink: Sink): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(COPY_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, COPY_BYTES, null);
      if (bytesRead === 0) break;
      // A copy: sinks may hold a chunk until their write completes, and buf is reused.
      await sink.write(Uint8Array.prototype.slice.call(buf, 0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/**
 * Keras 3 `.weights.h5`: HDF5 written by the HDF5 library (h5wasm) into a temp file in the OS temp
 * directory, then copied to the sink, which makes it atomic like every other output and lets it go
 * to stdout. HDF5 needs random access while it builds the file, so the file passes through disk
 * once more than other formats; memory stays at about one chunk plus HDF5's caches.
 */
async function writeKeras(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void> {
  const entries = kerasLayout(tensors);
  await withTempDir('init-weights-keras-', async (dir) => {
    const path = join(dir, `weights${KERAS_EXTENSION}`);
    try {
      await buildFile(path, entries, ctx);
    } catch (err) {
      // HDF5's own failures (a full disk under the temp directory) are I/O faults, exit 1.
      if (err instanceof InitWeightsError) throw err;
      throw new InitWeightsError('E_IO', `cannot build the HDF5 file in ${dir}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    await copyToSink(path, sink);
  });
}

export const kerasFormat = defineFormat({
  name: 'keras',
  extensions: [KERAS_EXTENSION],
  summary: 'Keras 3 weights (NAME.weights.h5, HDF5) for model.load_weights(); tensors named LAYER/kernel, LAYER/bias, ...',
  multiTensor: true,
  dtypes: ['float32', 'float64'],
  write: writeKeras,
  reader: kerasReader,
});
