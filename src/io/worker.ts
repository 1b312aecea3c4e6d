import { parentPort } from 'node:worker_threads';
import type { TensorSpec } from '../weights-spec/types.js';
import { simdKernelAvailable } from '../rng/normal4.js';
import { blocksByteLength, encodeBlocks, encodeBlocksInto } from './chunks.js';

/**
 * A generation job: encode blocks [first, first + blocks) of a tensor. With `shared`, the bytes go
 * into that shared memory at `offset` (no allocation, nothing to transfer back); without, into a
 * fresh buffer that is transferred to the main thread (for consumers that keep their chunks).
 */
export interface BlockJob {
  readonly id: number;
  readonly tensor: TensorSpec;
  readonly first: number;
  readonly blocks: number;
  readonly shared?: SharedArrayBuffer;
  readonly offset?: number;
}

/**
 * A worker's answer: the bytes (transferred or written to shared memory), or an error message; or,
 * once at start (no id), `ready`: its modules are loaded and the kernel compiled.
 */
export interface BlockReply {
  readonly id?: number;
  readonly ready?: true;
  readonly length?: number;
  readonly buffer?: ArrayBuffer;
  readonly offset?: number;
  readonly error?: string;
}

function run(job: BlockJob): { reply: BlockReply; transfer: ArrayBuffer[] } {
  if (job.shared !== undefined) {
    const length = blocksByteLength(job.tensor, job.first, job.blocks);
    encodeBlocksInto(job.tensor, job.first, job.blocks, new Uint8Array(job.shared, job.offset ?? 0, length));
    return { reply: { id: job.id, length }, transfer: [] };
  }
  const buf = encodeBlocks(job.tensor, job.first, job.blocks);
  const ab = buf.buffer as ArrayBuffer;
  return { reply: { id: job.id, buffer: ab, offset: buf.byteOffset, length: buf.byteLength }, transfer: [ab] };
}

const port = parentPort;
if (port !== null) {
  port.on('message', (job: BlockJob) => {
    try {
      const { reply, transfer } = run(job);
      port.postMessage(reply, transfer);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) } satisfies BlockReply);
    }
  });
  simdKernelAvailable(); // compiles the kernel now, before the first job
  port.postMessage({ ready: true } satisfies BlockReply);
}
