import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { TensorSpec, WeightsSpec } from '../../weights-spec/types.js';
import type { Sink } from '../../io/sink.js';
import { provenance } from '../directory/manifest.js';
import { npyByteLength, writeNpy } from '../npy/writer.js';
import { defineFormat, sizeChecked } from '../define.js';
import type { WriteContext } from '../types.js';
import { npzReader } from './reader.js';
import {
  encodeCentralHeader,
  encodeDataDescriptor,
  encodeEnd,
  encodeLocalHeader,
  memberNeedsZip64,
  METHOD_DEFLATE,
  METHOD_STORED,
  type ZipEntry,
} from './header.js';

const OMITTED = 'omitted: longer than a zip comment holds';

/** The archive comment: provenance as compact JSON, without the spec when it would not fit in 64 KiB. */
export function npzComment(prov: Record<string, unknown>): Buffer {
  const full = Buffer.from(JSON.stringify(prov), 'utf8');
  if (full.length <= 0xffff) return full;
  return Buffer.from(JSON.stringify({ ...prov, spec: OMITTED }), 'utf8');
}

/**
 * Fewest bytes one tensor adds to the spec JSON: `{"name":"x","shape":[],"initializer":{"type":"ones"},"dtype":"bool","seed":0}`
 * is 77; 64 leaves room.
 */
const MIN_TENSOR_JSON = 64;

/**
 * npzComment of a spec's provenance, without turning a spec that cannot fit into JSON first (150k
 * tensors: 13 MB made to be dropped). The same bytes either way.
 */
function commentFor(spec: WeightsSpec): Buffer {
  if (spec.tensors.length * MIN_TENSOR_JSON <= 0xffff) return npzComment(provenance(spec));
  return Buffer.from(JSON.stringify({ ...provenance({ ...spec, tensors: [] }), spec: OMITTED }), 'utf8');
}

/**
 * Deflate one chunk as blocks that end on a byte boundary without the final-block bit (a sync
 * flush). Chunks deflated this way and followed by DEFLATE_END form one valid raw deflate stream,
 * with no compressor state kept between chunks (so no stream plumbing, and memory stays one chunk).
 */
function deflateChunk(chunk: Uint8Array): Buffer {
  return deflateRawSync(chunk, { finishFlush: constants.Z_SYNC_FLUSH });
}
/** An empty final block: ends the deflate stream. */
const DEFLATE_END = deflateRawSync(Buffer.alloc(0));

/**
 * numpy's .npz: a zip of NAME.npy members (np.load(path)[NAME]), written as a stream. Each member's
 * CRC-32 is computed as its data goes by and written in a data descriptor after it; sizes are known
 * in advance, so whether a member needs ZIP64 is decided before its header. Stored unless
 * `compress` (then deflate). The archive comment holds the provenance JSON.
 */
export const npzFormat = defineFormat({
  name: 'npz',
  extensions: ['.npz'],
  summary: "numpy's .npz: a zip of NAME.npy members (np.load(path)[NAME]); option compress for deflate",
  multiTensor: true,
  options: ['compress'],
  reader: npzReader,
  async write(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void> {
    const method = ctx.formatOptions.compress === true ? METHOD_DEFLATE : METHOD_STORED;
    let offset = 0;
    const put = (bytes: Uint8Array): Promise<void> => {
      offset += bytes.byteLength;
      return sink.write(bytes);
    };
    const entries: ZipEntry[] = [];
    for (const tensor of tensors) {
      const name = `${tensor.name}.npy`;
      const declared = npyByteLength(tensor);
      const zip64 = memberNeedsZip64(declared, method);
      const start = offset;
      await put(encodeLocalHeader(name, method, zip64));
      let crc = 0;
      let compressedSize = 0;
      const member = sizeChecked(`npz member ${name}`, declared, (chunk) => {
        crc = crc32(chunk, crc);
        const out = method === METHOD_DEFLATE ? deflateChunk(chunk) : chunk;
        compressedSize += out.byteLength;
        return put(out);
      });
      await writeNpy(tensor, member.write, ctx);
      if (method === METHOD_DEFLATE) {
        compressedSize += DEFLATE_END.length;
        await put(DEFLATE_END);
      }
      member.end();
      const size = declared;
      await put(encodeDataDescriptor(crc, compressedSize, size, zip64));
      entries.push({ name, method, crc, compressedSize, size, offset: start, zip64 });
    }
    const cdOffset = offset;
    for (const e of entries) await put(encodeCentralHeader(e));
    await put(encodeEnd(entries.length, cdOffset, offset - cdOffset, commentFor(ctx.spec)));
  },
});
