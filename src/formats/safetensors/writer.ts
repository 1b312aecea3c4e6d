import type { TensorSpec } from '../../weights-spec/types.js';
import type { Sink } from '../../io/sink.js';
import { pumpTensor } from '../../io/pump.js';
import { DTYPES } from '../../dtype/table.js';
import { provenance } from '../directory/manifest.js';
import { defineFormat, sizeChecked } from '../define.js';
import type { FormatOptions, SplitPlan, WriteContext } from '../types.js';
import { safetensorsReader } from './reader.js';
import { encodeShardIndex, entryBytes, planShards, safetensorsHeaderChunks, safetensorsMetadataPieces, shardName } from './header.js';

/** The file name Hugging Face gives an unsharded checkpoint. */
export const SINGLE_FILE = 'model.safetensors';
export const INDEX_FILE = 'model.safetensors.index.json';

/**
 * safetensors: the header (shapes are known before generating) then each tensor's data back to
 * back. The header declares every size; the writer checks each tensor wrote exactly that.
 */
async function writeSafetensors(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void> {
  for (const chunk of safetensorsHeaderChunks(tensors, safetensorsMetadataPieces(provenance(ctx.spec)))) await sink.write(chunk);
  for (const t of tensors) {
    const data = sizeChecked(`safetensors tensor ${t.name}`, entryBytes(t), (chunk) => sink.write(chunk));
    await pumpTensor(t, data.write, ctx, DTYPES[t.dtype].bytes);
    data.end();
  }
}

/** With maxShardSize: Hugging Face shards plus index (or model.safetensors alone when one shard holds all). */
function splitSafetensors(tensors: readonly TensorSpec[], options: FormatOptions): SplitPlan | undefined {
  if (options.maxShardSize === undefined) return undefined;
  const shards = planShards(tensors, options.maxShardSize);
  if (shards.length === 1) return { parts: [{ path: SINGLE_FILE, tensors: shards[0]! }] };
  return {
    parts: shards.map((s, i) => ({ path: shardName(i, shards.length), tensors: s })),
    index: () => ({ path: INDEX_FILE, bytes: encodeShardIndex(shards) }),
  };
}

export const safetensorsFormat = defineFormat({
  name: 'safetensors',
  extensions: ['.safetensors'],
  summary: 'safetensors (Hugging Face): every tensor in one file; option maxShardSize for model-0000i-of-0000N shards + index',
  multiTensor: true,
  options: ['maxShardSize'],
  write: writeSafetensors,
  split: splitSafetensors,
  reader: safetensorsReader,
});
