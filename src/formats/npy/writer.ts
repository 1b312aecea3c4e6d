import { DTYPES } from '../../dtype/table.js';
import type { TensorSpec } from '../../weights-spec/types.js';
import type { Sink } from '../../io/sink.js';
import { pumpTensor } from '../../io/pump.js';
import { defineFormat } from '../define.js';
import type { WriteContext } from '../types.js';
import { encodeNpyHeader } from './header.js';
import { npyReader } from './reader.js';

/** Header then data of one tensor as .npy, into any byte writer. */
export async function writeNpy(
  tensor: TensorSpec,
  write: (chunk: Uint8Array) => Promise<void>,
  ctx: WriteContext,
): Promise<void> {
  const info = DTYPES[tensor.dtype];
  await write(encodeNpyHeader(info.npy, tensor.shape));
  await pumpTensor(tensor, write, ctx, info.bytes);
}

/** Byte length of a tensor's .npy file. */
export function npyByteLength(tensor: TensorSpec): number {
  return encodeNpyHeader(DTYPES[tensor.dtype].npy, tensor.shape).length + tensor.size * DTYPES[tensor.dtype].bytes;
}

export const npyFormat = defineFormat({
  name: 'npy',
  extensions: ['.npy'],
  summary: "numpy's .npy: one tensor per file (several tensors: a directory of .npy files + manifest.json)",
  multiTensor: false,
  async write(tensors: readonly TensorSpec[], sink: Sink, ctx: WriteContext): Promise<void> {
    const [tensor] = tensors;
    if (tensor === undefined || tensors.length !== 1) throw new Error('npy holds exactly one tensor');
    await writeNpy(tensor, (c) => sink.write(c), ctx);
  },
  reader: npyReader,
});
