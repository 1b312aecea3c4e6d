import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BLOCK_SIZE } from '../rng/stream.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { tensorChunks } from './chunks.js';
import type { BlockJob } from './worker.js';

/** Below this many elements in all, threads cost more to start than they save. */
export const PARALLEL_MIN_ELEMENTS = 1 << 25;

/** Threads used when none are asked for: every core the process may use, up to 8. */
export function defaultThreads(totalElements: number): number {
  return totalElements < PARALLEL_MIN_ELEMENTS ? 1 : Math.min(8, availableParallelism());
}

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
}

/**
 * Worker threads that generate blocks in parallel. Chunks come back in order, so the bytes are the
 * same as on one thread (each block's values depend only on its own seed). At most two chunks per
 * worker are in flight, so memory stays flat.
 */
export class BlockPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private nextWorker = 0;
  private failure: Error | undefined;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: { id: number; buffer?: ArrayBuffer; offset?: number; length?: number; error?: string }) => {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        if (m.error !== undefined || m.buffer === undefined) p.reject(new Error(`generation worker: ${m.error ?? 'no data'}`));
        else p.resolve(Buffer.from(m.buffer, m.offset ?? 0, m.length ?? m.buffer.byteLength));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`generation worker exited with code ${code}`));
      });
    }
  }

  /** A pool of `threads` workers, or undefined when workers cannot run here (sources not built). */
  static create(threads: number): BlockPool | undefined {
    if (threads < 2) return undefined;
    const url = new URL('./worker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    // Workers inherit the parent's node flags; drop those that only make sense for a main script.
    const execArgv = process.execArgv.filter((a) => !/^--(input-type|eval|print|test)\b|^-[ep]$/.test(a));
    return new BlockPool(Array.from({ length: threads }, () => new Worker(url, { execArgv })));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private submit(tensor: TensorSpec, first: number, blocks: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.nextWorker++ % this.workers.length]!;
    const job: BlockJob = { id, tensor, first, blocks };
    const promise = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    worker.postMessage(job);
    return promise;
  }

  /** The tensor's bytes in order, chunk by chunk, generated ahead by the workers. */
  async *chunks(tensor: TensorSpec, chunkBlocks: number): AsyncGenerator<Buffer> {
    const totalBlocks = Math.ceil(tensor.size / BLOCK_SIZE);
    if (totalBlocks <= chunkBlocks) {
      yield* tensorChunks(tensor, chunkBlocks);
      return;
    }
    const window = 2 * this.workers.length;
    const queue: Promise<Buffer>[] = [];
    let next = 0;
    const refill = (): void => {
      while (queue.length < window && next < totalBlocks) {
        const blocks = Math.min(chunkBlocks, totalBlocks - next);
        const p = this.submit(tensor, next, blocks);
        p.catch(() => undefined); // awaited in order below; avoid unhandled rejections meanwhile
        queue.push(p);
        next += blocks;
      }
    };
    refill();
    while (queue.length > 0) {
      const chunk = await queue.shift()!;
      refill();
      yield chunk;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
