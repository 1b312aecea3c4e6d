import { createHash, type Hash } from 'node:crypto';
import type { Writable } from 'node:stream';
import { BrokenPipeError, ioError, type Sink } from './sink.js';

/**
 * Whether a stream writes straight to a file descriptor (process.stdout, an fs.WriteStream): then a
 * write's callback means the bytes are with the OS and the stream holds no reference to them.
 */
export function writesToFd(stream: Writable): boolean {
  return typeof (stream as { fd?: unknown }).fd === 'number';
}

/**
 * A Node writable (stdout) as a sink: waits for 'drain' when the stream's buffer is full (or, with
 * `settle`, for each write), so memory stays flat; turns EPIPE into BrokenPipeError.
 */
export class StreamSink implements Sink {
  private readonly hash: Hash | undefined;
  private readonly settle: boolean;
  private bytes = 0;
  private error: unknown;
  private readonly onError = (err: NodeJS.ErrnoException): void => {
    this.error ??= err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED' ? new BrokenPipeError() : ioError('cannot write', 'stdout', err);
  };

  /**
   * With `settle`, write() resolves only when the stream has written the chunk (its callback), so
   * the caller may reuse the buffer (the BufferRing contract): for streams that write straight to a
   * descriptor (writesToFd). Without, it waits for 'drain' when the stream is full, and the stream
   * may keep the chunk: callers pass fresh buffers.
   */
  constructor(private readonly stream: Writable, options: { hash?: boolean; settle?: boolean } = {}) {
    this.hash = options.hash ?? true ? createHash('sha256') : undefined;
    this.settle = options.settle ?? false;
    // Removed on close or abort: a caller may write many outputs to one stream (no listener leak).
    stream.on('error', this.onError);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.error !== undefined) throw this.error;
    this.hash?.update(chunk);
    this.bytes += chunk.byteLength;
    if (this.settle) {
      await new Promise<void>((resolve) => {
        this.stream.write(chunk, (err) => {
          if (err) this.onError(err as NodeJS.ErrnoException);
          resolve();
        });
      });
    } else if (!this.stream.write(chunk)) {
      await this.waitDrain();
    }
    if (this.error !== undefined) throw this.error;
  }

  private waitDrain(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }

  async close(): Promise<{ sha256: string | undefined; bytes: number }> {
    this.stream.off('error', this.onError);
    if (this.error !== undefined) throw this.error;
    return { sha256: this.hash?.digest('hex'), bytes: this.bytes };
  }

  async abort(): Promise<void> {
    // Nothing to undo on a stream; stop listening to it.
    this.stream.off('error', this.onError);
  }
}
