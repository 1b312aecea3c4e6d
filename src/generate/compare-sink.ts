import { createHash, type Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { errnoText, InitWeightsError } from '../errors.js';
import type { Sink } from '../io/sink.js';

/*
 * A sink that writes nothing: it reads the file already on disk in step with what the writers
 * produce and compares byte for byte. Memory is one read buffer, whatever the file's size. This is
 * what a check and regeneration without churn run the ordinary writers into.
 */

/** Where an existing file first differs from what would be written. */
export interface ByteDifference {
  /** Offset of the first differing byte (the shorter length when one is a prefix of the other). */
  readonly offset: number;
  /** Length of the file on disk. */
  readonly found: number;
}

/** Thrown through the writers to stop at the first difference (`stopAtFirst`). */
export class DifferenceFound extends Error {
  constructor(readonly difference: ByteDifference) {
    super(`differs at byte ${difference.offset}`);
    this.name = 'DifferenceFound';
  }
}

/** Index of the first byte where a and b differ, or -1 (equal lengths assumed). */
function firstMismatch(a: Uint8Array, b: Uint8Array): number {
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

export class CompareSink implements Sink {
  private readonly hash: Hash | undefined;
  private bytes = 0;
  private buf = Buffer.alloc(0);
  private closed = false;
  /** The first difference, once found. */
  difference: ByteDifference | undefined;

  private constructor(
    private readonly fh: FileHandle,
    private readonly size: number,
    private readonly display: string,
    private readonly stopAtFirst: boolean,
    hash: boolean,
  ) {
    this.hash = hash ? createHash('sha256') : undefined;
  }

  /**
   * Compare against the regular file at `path`. `stopAtFirst` makes the first difference throw
   * DifferenceFound (nothing more is generated); else generation runs on (to hash it) unread.
   */
  static async open(path: string, options: { display?: string; stopAtFirst?: boolean; hash?: boolean } = {}): Promise<CompareSink> {
    const display = options.display ?? path;
    let fh: FileHandle;
    try {
      fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (err) {
      throw new InitWeightsError('E_IO', `cannot read ${display}: ${errnoText(err)}`, { cause: err, detail: { path: display } });
    }
    const st = await fh.stat();
    if (!st.isFile()) {
      await fh.close();
      throw new InitWeightsError('E_TARGET', `${display}: exists and is not a regular file`, { detail: { field: 'output', rule: 'usable target', path: display } });
    }
    return new CompareSink(fh, st.size, display, options.stopAtFirst ?? true, options.hash ?? true);
  }

  /** Whether everything written so far (and, after close, the whole file) matched. */
  get identical(): boolean {
    return this.difference === undefined;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.hash?.update(chunk);
    const at = this.bytes;
    this.bytes += chunk.byteLength;
    if (this.difference !== undefined) return;
    const want = Math.min(chunk.byteLength, Math.max(0, this.size - at));
    if (this.buf.length < want) this.buf = Buffer.allocUnsafe(want);
    let got = 0;
    try {
      while (got < want) {
        const { bytesRead } = await this.fh.read(this.buf, got, want - got, at + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
    } catch (err) {
      throw new InitWeightsError('E_IO', `cannot read ${this.display}: ${errnoText(err)}`, { cause: err, detail: { path: this.display } });
    }
    const i = firstMismatch(chunk.subarray(0, got), this.buf.subarray(0, got));
    if (i >= 0) this.found(at + i);
    else if (got < chunk.byteLength) this.found(at + got);
  }

  private found(offset: number): void {
    this.difference = { offset, found: this.size };
    if (this.stopAtFirst) throw new DifferenceFound(this.difference);
  }

  async close(): Promise<{ sha256: string | undefined; bytes: number }> {
    try {
      if (this.difference === undefined && this.size !== this.bytes) this.found(Math.min(this.size, this.bytes));
    } finally {
      await this.abort();
    }
    return { sha256: this.hash?.digest('hex'), bytes: this.bytes };
  }

  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close().catch(() => undefined);
  }
}
