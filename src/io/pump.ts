import { InitWeightsError } from '../errors.js';
import type { WriteContext } from '../formats/types.js';
import type { TensorSpec } from '../weights-spec/types.js';

/** Abort with E_CANCELLED if the signal fired. */
export function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InitWeightsError('E_CANCELLED', 'cancelled');
}

/**
 * Generate a tensor's data chunk by chunk into `write`, waiting for each write before making
 * more than one chunk ahead: memory stays at about two chunks whatever the tensor's size.
 */
export async function pumpTensor(
  tensor: TensorSpec,
  write: (chunk: Uint8Array) => Promise<void>,
  ctx: WriteContext,
  elementBytes: number,
): Promise<void> {
  for await (const chunk of ctx.chunks(tensor)) {
    checkAborted(ctx.signal);
    await write(chunk);
    ctx.progress(chunk.byteLength / elementBytes);
  }
}
