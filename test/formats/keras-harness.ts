/*
 * Drives the Keras writer and reader directly (the registry line for `keras` is the lead's): a
 * WriteContext over the real chunk generator, a real FileSink, and a TensorSink that gathers bytes.
 */
import { FileSink } from '../../src/io/sink.js';
import { ByteSource } from '../../src/io/source.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { kerasFormat } from '../../src/formats/keras/writer.js';
import { readKeras } from '../../src/formats/keras/reader.js';
import type { TensorHeader, TensorSink, WriteContext } from '../../src/formats/types.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';

/** Write `spec` as a .weights.h5 at `path`, as generate() would (write, then close; abort on failure). */
export async function writeKerasFile(spec: WeightsSpec, path: string, chunkBlocks = 1): Promise<{ bytes: number; progress: number }> {
  let progress = 0;
  const ctx: WriteContext = {
    spec,
    chunkBlocks,
    progress: (n) => { progress += n; },
    formatOptions: {},
    chunks: (t) => (async function* () { yield* tensorChunks(t, chunkBlocks); })(),
  };
  const sink = await FileSink.create(path);
  try {
    await kerasFormat.write(spec.tensors, sink, ctx);
    const out = await sink.close();
    return { bytes: out.bytes, progress };
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

export interface ReadBack {
  readonly tensors: Map<string, { header: TensorHeader; data: Buffer }>;
  readonly metadata: unknown[];
  readonly skipped: string[];
  readonly count: number | undefined;
}

/** Everything the Keras reader delivers for a file, data gathered whole (tests only). */
export async function readKerasFile(path: string): Promise<ReadBack> {
  const out: ReadBack & { count: number | undefined } = { tensors: new Map(), metadata: [], skipped: [], count: undefined };
  const sink: TensorSink = {
    wants: () => true,
    metadata: (v) => { out.metadata.push(v); },
    skipped: (name, dtype) => { out.skipped.push(`${name}:${dtype}`); },
    count: (n) => { out.count = n; },
    tensor(header) {
      const parts: Buffer[] = [];
      return {
        push: (b) => { parts.push(Buffer.from(b)); },
        end: () => { out.tensors.set(header.name, { header, data: Buffer.concat(parts) }); },
      };
    },
  };
  const src = await ByteSource.file(path);
  try {
    await readKeras(src, sink);
  } finally {
    await src.close();
  }
  return out;
}
