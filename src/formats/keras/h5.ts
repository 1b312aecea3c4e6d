import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errnoText, InitWeightsError } from '../../errors.js';
import { registerTemp, unregisterTemp } from '../../io/cleanup.js';
// Types only (erased at build): h5wasm itself is imported lazily below.
import type * as H5 from 'h5wasm/node';
import type { Slab } from './layout.js';

type H5wasm = typeof H5;
type Module = Awaited<H5wasm['ready']>;

/** h5wasm (the HDF5 C library in WebAssembly, ~4 MB) is loaded on first use of this format only. */
let loaded: Promise<{ h5: H5wasm; Module: Module }> | undefined;

/**
 * The Node build of h5wasm: its file system is the host's (emscripten NODERAWFS), so HDF5 reads and
 * writes real files and only its caches live in the wasm heap.
 */
export function loadH5(): Promise<{ h5: H5wasm; Module: Module }> {
  loaded ??= (async () => {
    const h5 = await import('h5wasm/node');
    const Module = await h5.ready;
    return { h5, Module };
  })();
  return loaded;
}

/**
 * Run HDF5 calls with the clock stopped at 0. HDF5 stamps each dataset's object header with the
 * current time (H5Pset_obj_track_times is not exposed by h5wasm), which would make two runs of the
 * same seed differ in 4 bytes per dataset; the wasm reads the time through Date.now, and the calls
 * are synchronous, so nothing else runs while it is pinned.
 */
export function atEpoch<T>(fn: () => T): T {
  const now = Date.now;
  Date.now = () => 0;
  try {
    return fn();
  } finally {
    Date.now = now;
  }
}

/** HDF5 element types this format writes and reads as tensors: h5wasm creates 4- and 8-byte floats only. */
export const H5_FLOAT = { float32: '<f', float64: '<d' } as const;

/** Write metadata for Module.create_dataset (the fields h5wasm's create_dataset builds). */
export function datasetMetadata(h5: H5wasm, dtype: keyof typeof H5_FLOAT, shape: readonly number[], maxshape: readonly number[], chunks: readonly number[] | null): Parameters<Module['create_dataset']>[3] {
  return {
    ...h5.dtype_to_metadata(H5_FLOAT[dtype]),
    shape: shape.map(BigInt),
    maxshape: maxshape.map(BigInt),
    chunks: chunks === null ? null : chunks.map(BigInt),
    compression: 0,
    compression_opts: [],
    track_order: false,
  } as unknown as Parameters<Module['create_dataset']>[3];
}

/** A scratch buffer in the wasm heap, grown on demand and freed by `free`. */
export class HeapBuffer {
  private ptr = 0;
  private size = 0;
  constructor(private readonly Module: Module) {}

  /** A heap address holding a copy of `bytes` (valid until the next call). */
  put(bytes: Uint8Array): number {
    this.reserve(bytes.byteLength);
    this.Module.HEAPU8.set(bytes, this.ptr);
    return this.ptr;
  }

  /** A heap address with room for `n` bytes. */
  reserve(n: number): number {
    if (n > this.size) {
      this.free();
      const ptr = this.Module._malloc(Math.max(n, 1));
      if (ptr === 0) throw new Error(`HDF5 (wasm): cannot allocate ${n} bytes`);
      this.ptr = ptr;
      this.size = n;
    }
    return this.ptr;
  }

  free(): void {
    if (this.ptr !== 0) this.Module._free(this.ptr);
    this.ptr = 0;
    this.size = 0;
  }
}

const big = (xs: readonly number[]): bigint[] => xs.map(BigInt);

/** count, offset and stride of a box; null for a 0-d dataset (HDF5 has no hyperslab of a scalar). */
function box(slab: Slab): [bigint[] | null, bigint[] | null, bigint[] | null] {
  return slab.count.length === 0 ? [null, null, null] : [big(slab.count), big(slab.offset), slab.count.map(() => 1n)];
}

/** Write `bytes` (C order, the slab's element count times the element size) into one box of a dataset. */
export function writeSlab(Module: Module, fileId: bigint, path: string, slab: Slab, ptr: number): void {
  const status = atEpoch(() => Module.set_dataset_data(fileId, path, ...box(slab), BigInt(ptr)));
  if (status < 0) throw new Error(`HDF5 (wasm): writing ${path} failed`);
}

/** Read one box of a dataset into the heap at `ptr`, as the bytes are stored (file byte order). */
export function readSlab(Module: Module, fileId: bigint, path: string, slab: Slab, ptr: number): void {
  const status = Module.get_dataset_data(fileId, path, ...box(slab), BigInt(ptr));
  if (status < 0) throw new Error(`HDF5 (wasm): reading ${path} failed`);
}

/**
 * Run `fn` with a fresh directory under the OS temp directory (HDF5 needs a random-access file), removed
 * afterwards, and by the CLI's signal handler if the process is interrupted.
 */
export async function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  let dir: string;
  try {
    dir = await mkdtemp(join(tmpdir(), prefix));
  } catch (err) {
    throw new InitWeightsError('E_IO', `cannot create a temp directory in ${tmpdir()}: ${errnoText(err)}`, { cause: err });
  }
  registerTemp(dir);
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
    unregisterTemp(dir);
  }
}
