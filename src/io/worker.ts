import { parentPort } from 'node:worker_threads';
import type { TensorSpec } from '../weights-spec/types.js';
import { encodeBlocks } from './chunks.js';

/** A generation worker: encodes the blocks it is asked for and hands the bytes back (transferred). */
export interface BlockJob {
  readonly id: number;
  readonly tensor: TensorSpec;
  readonly first: number;
  readonly blocks: number;
}

const port = parentPort;
if (port !== null) {
  port.on('message', (job: BlockJob) => {
    try {
      const buf = encodeBlocks(job.tensor, job.first, job.blocks);
      const ab = buf.buffer as ArrayBuffer;
      port.postMessage({ id: job.id, buffer: ab, offset: buf.byteOffset, length: buf.byteLength }, [ab]);
    } catch (err) {
      port.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
