import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BLOCK_SIZE } from '../rng/stream.js';
import type { TensorSpec } from '../weights-spec/types.js';
import { DTYPES } from '../dtype/table.js';
import { blocksByteLength, encodeBlocks, encodeBlocksInto, tensorChunks, type BufferRing } from './chunks.js';
import { usableCores } from './threads.js';
import type { BlockJob, BlockReply } from './worker.js';

export { defaultThreads, PARALLEL_MIN_ELEMENTS } from './threads.js';

/** A chunk the main thread draws itself, into shared slot memory when there is a slot. */
interface LocalChunk {
  readonly first: number;
  readonly blocks: number;
  readonly shared?: SharedArrayBuffer;
  readonly offset?: number;
}

/**
 * Chunks each worker is given ahead: it starts the next as soon as it returns one. A worker learns
 * of new chunks only when the main thread turns its event loop, which is after a chunk it draws or
 * hashes and writes. A lone worker (2 threads) shares the work with the main thread most, and with
 * 2 in hand it sat idle behind those (0.95B Llama: the worker idle 2.3 of 6.6 s); with 3 it is idle
 * ~0.2 s. With more workers the main thread draws less, and each worker's third chunk would be a
 * slot of memory more (2 MiB of float64 each).
 */
function perWorker(workers: number): number {
  return workers === 1 ? 3 : 2;
}

/**
 * A worker run with the parent's node flags, and the flags it took. A worker refuses V8 options
 * (`node --max-old-space-size=4096 init-weights ...`), which are the whole process's anyway: those
 * node's error names are dropped, then (should it still refuse) every flag, so the others
 * (--import, --conditions, ...) still reach the workers.
 */
export function startWorker(url: URL, execArgv: string[]): { worker: Worker; execArgv: string[] } {
  for (;;) {
    try {
      return { worker: new Worker(url, { execArgv, stdout: true, stderr: true }), execArgv };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || execArgv.length === 0) throw err;
      // "Initiated Worker with invalid execArgv flags: --a, --b"
      const refused = new Set((err as Error).message.replace(/^[^:]*: /, '').split(', '));
      const kept = execArgv.filter((a) => !refused.has(a));
      execArgv = kept.length < execArgv.length ? kept : [];
    }
  }
}

/** A chunk of the queue: drawn here, or coming from a worker. */
interface Entry extends LocalChunk {
  drawn?: Buffer;
  coming?: Promise<Buffer>;
  /** Set once `coming` has settled. */
  arrived?: boolean;
}

/** Draw a LocalChunk on this thread: into its slot, or as tensorChunks would (ring or fresh buffer). */
function drawLocal(tensor: TensorSpec, c: LocalChunk, ring: BufferRing | undefined): Buffer {
  if (c.shared === undefined) return encodeBlocks(tensor, c.first, c.blocks, ring);
  const bytes = Buffer.from(c.shared, c.offset ?? 0, blocksByteLength(tensor, c.first, c.blocks));
  encodeBlocksInto(tensor, c.first, c.blocks, bytes);
  return bytes;
}

interface Pending {
  resolve: (b: Buffer) => void;
  reject: (e: Error) => void;
  /** The worker drawing it (its index in `workers`). */
  worker: number;
  /** Where a shared job's bytes are. */
  shared?: SharedArrayBuffer;
  offset?: number;
}

/**
 * Worker threads that generate blocks in parallel, with the main thread as one more. Chunks come
 * back in order, so the bytes are the same as on one thread (each block's values depend only on its
 * own seed). At most perWorker chunks per worker and three more are in flight, so memory stays
 * flat. Until the workers are ready, the main thread draws all the chunks itself.
 *
 * For consumers that free a chunk by the time the one after next is asked for (the contract of
 * BufferRing), workers write into slots of one SharedArrayBuffer that are used in turn: no buffer
 * is allocated, transferred or garbage-collected per chunk. Other consumers get transferred buffers.
 */
export class BlockPool {
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  /** Chunks each worker has been given and not returned. */
  private readonly busy: number[];
  /** How many chunks each worker keeps in hand (perWorker). */
  private readonly inHand: number;
  private failure: Error | undefined;
  /** Shared chunk slots, grown (never shrunk) to the largest chunk asked for. */
  private shared: SharedArrayBuffer | undefined;
  /** Bytes per slot of `shared`: its layout, fixed for as long as it is used. */
  private slotBytes = 0;
  /** Chunks placed in shared slots so far, across tensors: the next slot is this modulo the slot count. */
  private slotTurn = 0;
  /** Workers that said they are ready (modules loaded, kernel compiled). */
  private ready = 0;

  private constructor(private readonly workers: Worker[]) {
    this.busy = workers.map(() => 0);
    this.inHand = perWorker(workers.length);
    for (const w of workers) {
      w.on('message', (m: BlockReply) => {
        if (m.ready === true) {
          this.ready++;
          return;
        }
        const p = this.pending.get(m.id ?? -1);
        if (p === undefined) return;
        this.pending.delete(m.id!);
        this.busy[p.worker]!--;
        const memory = m.buffer ?? p.shared;
        if (m.error !== undefined || m.length === undefined || memory === undefined) p.reject(new Error(`generation worker: ${m.error ?? 'no data'}`));
        else p.resolve(Buffer.from(memory, m.buffer !== undefined ? m.offset : p.offset, m.length));
      });
      w.on('error', (err) => this.fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`generation worker exited with code ${code}`));
      });
    }
  }

  /**
   * A pool for `threads` threads: the main thread and `threads - 1` workers (see chunks), or
   * undefined when workers cannot run here (sources not built). Never more threads than `cores`, the
   * cores this process may use (usableCores): more only compete for them, and each worker costs ~10 MB of memory
   * before any work (8 threads on 2 cores peaked at ~150 MB, 2 threads at ~82 MB).
   */
  static create(requested: number, cores = usableCores()): BlockPool | undefined {
    const threads = Math.min(requested, cores);
    if (threads < 2) return undefined;
    const url = new URL('./worker.js', import.meta.url);
    if (url.protocol !== 'file:' || !existsSync(fileURLToPath(url))) return undefined;
    // Workers inherit the parent's node flags; drop those that only make sense for a main script.
    let execArgv = process.execArgv.filter((a) => !/^--(input-type|eval|print|test)\b|^-[ep]$/.test(a));
    // Worker stdio is not piped into process.stdout/stderr (each pipe adds five listeners to them,
    // and 8 workers tripped MaxListenersExceededWarning); a worker's stderr is forwarded instead.
    return new BlockPool(Array.from({ length: threads - 1 }, () => {
      const started = startWorker(url, execArgv);
      const w = started.worker;
      execArgv = started.execArgv; // the next workers start with what this one took
      w.stdout.resume();
      w.stderr.on('data', (d: Buffer) => process.stderr.write(d));
      return w;
    }));
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /**
   * Give the job to the least busy worker that has fewer than perWorker chunks, or return
   * undefined when every worker has that many.
   */
  private submit(job: Omit<BlockJob, 'id'>): Promise<Buffer> | undefined {
    let worker = 0;
    for (let w = 1; w < this.busy.length; w++) if (this.busy[w]! < this.busy[worker]!) worker = w;
    if (this.busy[worker]! >= this.inHand) return undefined;
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.busy[worker]!++;
    const promise = new Promise<Buffer>((resolve, reject) => this.pending.set(id, { resolve, reject, worker, ...(job.shared !== undefined ? { shared: job.shared, offset: job.offset ?? 0 } : {}) }));
    this.workers[worker]!.postMessage({ id, ...job } satisfies BlockJob);
    return promise;
  }

  /**
   * Shared memory for `slots` chunks of at least `slotBytes` each, and the slot size in use. Slots
   * are sized for the widest chunk asked for so far: a tensor of a wider dtype gets new memory
   * (chunks in flight keep the old one alive, and the new one starts empty), a narrower one uses
   * the slots as they are, so a chunk still being written is never overlapped. Sizing them for the
   * job's dtype rather than float64 halves them for float32 (8 workers: 36 MiB -> 12 MiB, with the
   * window below).
   */
  private sharedSlots(slots: number, slotBytes: number): { shared: SharedArrayBuffer; slotBytes: number } {
    if (this.shared === undefined || this.slotBytes < slotBytes || this.shared.byteLength !== slots * this.slotBytes) {
      this.shared = new SharedArrayBuffer(slots * slotBytes);
      this.slotBytes = slotBytes;
      this.slotTurn = 0;
    }
    return { shared: this.shared, slotBytes: this.slotBytes };
  }

  /**
   * The tensor's bytes in order, chunk by chunk, generated ahead by the workers. With `ring` (the
   * consumer frees a chunk by the time the one after next is asked for), chunks are views of shared
   * slots reused in turn; `ring` itself is not used, it only states that contract.
   */
  async *chunks(tensor: TensorSpec, chunkBlocks: number, ring?: BufferRing): AsyncGenerator<Buffer> {
    const totalBlocks = Math.ceil(tensor.size / BLOCK_SIZE);
    if (totalBlocks <= chunkBlocks) {
      yield* tensorChunks(tensor, chunkBlocks, ring);
      return;
    }
    // The chunks in the workers' hands and three more for the main thread (two left it idle more
    // often waiting on the head: 0.95B Llama 5.95 -> 5.68 s, mean of 4 alternated runs); more adds
    // memory (a slot per chunk), not speed.
    const window = this.workers.length * this.inHand + 3;
    // Chunk j goes to slot j % slots, counting on from the tensors before. When chunk m is asked for,
    // chunks up to m - 2 are free and chunks up to m + window - 1 get submitted: slot reuse is safe
    // with slots >= window + 1 (and slotBytes fixed while chunks of it are in use: see sharedSlots).
    const slots = window + 2;
    const memory = ring !== undefined ? this.sharedSlots(slots, chunkBlocks * BLOCK_SIZE * DTYPES[tensor.dtype].bytes) : undefined;
    let next = 0;
    // A worker takes ~0.1-0.25 s to start (its modules, the kernel's compilation), a sizeable part
    // of a 100M-value job: until every worker has said it is ready, the main thread draws the
    // chunks itself (from the ring, or fresh buffers, as tensorChunks does) instead of waiting.
    // Awaiting each chunk's write lets the event loop see the workers' messages.
    while (this.ready < this.workers.length && next < totalBlocks) {
      const blocks = Math.min(chunkBlocks, totalBlocks - next);
      yield encodeBlocks(tensor, next, blocks, ring);
      next += blocks;
    }
    // The main thread is one of the threads, drawing whatever chunk no worker has taken yet when it
    // would otherwise wait: each worker keeps perWorker chunks in hand, and the main thread draws
    // the head of the queue if no worker has it, else (while the head's worker is still at it) the
    // earliest chunk none has. So the split follows the main thread's other work: a safetensors
    // directory run also hashes every byte for its manifest (~1.5 s of 1.9 GB), and a fixed share
    // (every other chunk on 2 threads) left the worker idle behind it. Which thread draws a chunk
    // never changes its bytes.
    const queue: Entry[] = [];
    const refill = (): void => {
      while (queue.length < window && next < totalBlocks) {
        const blocks = Math.min(chunkBlocks, totalBlocks - next);
        const where = memory !== undefined ? { shared: memory.shared, offset: (this.slotTurn++ % slots) * memory.slotBytes } : {};
        queue.push({ first: next, blocks, ...where });
        next += blocks;
      }
      for (const e of queue) {
        if (e.drawn !== undefined || e.coming !== undefined) continue;
        const coming = this.submit({ tensor, first: e.first, blocks: e.blocks, ...(e.shared !== undefined ? { shared: e.shared, offset: e.offset ?? 0 } : {}) });
        if (coming === undefined) break;
        e.coming = coming;
        // Awaited in order below; noted when done, and no unhandled rejection meanwhile.
        coming.then(() => (e.arrived = true), () => (e.arrived = true));
      }
    };
    while (queue.length > 0 || next < totalBlocks) {
      refill();
      const head = queue[0]!;
      if (head.coming === undefined) head.drawn ??= drawLocal(tensor, head, ring);
      else if (head.arrived !== true) {
        const spare = queue.find((e) => e.coming === undefined && e.drawn === undefined);
        if (spare !== undefined) {
          spare.drawn = drawLocal(tensor, spare, ring);
          // Turn the event loop: the workers' finished chunks are noted (and they get new ones)
          // before the next decision, instead of drawing spares back to back on stale news.
          await new Promise((r) => setImmediate(r));
          continue;
        }
      }
      queue.shift();
      yield head.drawn ?? (await head.coming!);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
