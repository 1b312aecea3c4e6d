import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { errnoText, InitWeightsError } from '../errors.js';

/** Read size for files: large enough to amortise syscalls, small enough to stay in cache. */
const READ_SIZE = 1 << 20;

/**
 * The one error of an unreadable input: one line naming the input and the problem. Problems echo
 * bytes from the input, so control characters (a newline in a lying header) are escaped.
 */
export function readError(name: string, problem: string): InitWeightsError {
  return new InitWeightsError('E_READ', oneLine(`${name}: ${problem}`));
}

/** Escape control characters so a message stays on one line and cannot drive the terminal. */
export function oneLine(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    out += c < 0x20 || (c >= 0x7f && c <= 0x9f) ? `\\x${c.toString(16).padStart(2, '0')}` : ch;
  }
  return out;
}

/**
 * A forward-only byte reader over a file or a pipe, with the few operations the readers need.
 * Views it returns are valid until the next call. Sizes come from untrusted headers, so `exact`
 * refuses more than `maxExact` bytes, and `stream` never allocates by the declared size.
 */
export class ByteSource {
  private cur: Uint8Array = new Uint8Array(0);
  private done = false;
  /** Offset of the next unread byte. */
  position = 0;

  private constructor(
    readonly name: string,
    /** Total size when known (a file), else undefined (a pipe). */
    readonly size: number | undefined,
    private readonly pull: () => Promise<Uint8Array | null>,
    private readonly seek: ((offset: number) => void) | undefined,
    private readonly closer: () => Promise<void>,
    /** Random reads (files only): for a zip's central directory. */
    readonly readAt?: (offset: number, n: number) => Promise<Buffer>,
  ) {}

  /** A regular file, read in 1 MiB pieces into one reused buffer (skips seek instead of reading). */
  static async file(path: string, name = path): Promise<ByteSource> {
    const { fh, size } = await openRegular(path, name);
    // No bigger than the file: a 1 MiB buffer per small file (a directory of 100k .npy) piled up ~90 MB before GC.
    const buf = Buffer.allocUnsafeSlow(Math.min(READ_SIZE, size + 1));
    let filePos = 0;
    const pull = async (): Promise<Uint8Array | null> => {
      let r;
      try {
        r = await fh.read(buf, 0, buf.length, filePos);
      } catch (err) {
        throw readError(name, `read failed: ${errnoText(err)}`);
      }
      if (r.bytesRead === 0) return null;
      filePos += r.bytesRead;
      return buf.subarray(0, r.bytesRead);
    };
    const readAt = async (offset: number, n: number): Promise<Buffer> => {
      const out = Buffer.alloc(n);
      const r = await fh.read(out, 0, n, offset);
      return out.subarray(0, r.bytesRead);
    };
    return new ByteSource(name, size, pull, (o) => { filePos = o; }, () => fh.close(), readAt);
  }

  /** A stream (stdin), read once. */
  static stream(stream: Readable, name: string): ByteSource {
    const it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
    const pull = async (): Promise<Uint8Array | null> => {
      for (;;) {
        const r = await it.next();
        if (r.done === true) return null;
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        if (chunk.length > 0) return chunk;
      }
    };
    return new ByteSource(name, undefined, pull, undefined, async () => {
      await it.return?.();
    });
  }

  /** Bytes from memory (tests, and small members read whole). */
  static bytes(data: Uint8Array, name: string): ByteSource {
    let given = false;
    const src = new ByteSource(name, data.length, async () => {
      if (given) return null;
      given = true;
      return data;
    }, undefined, async () => undefined);
    return src;
  }

  /** An error naming this input. */
  fail(problem: string): InitWeightsError {
    return readError(this.name, problem);
  }

  /** Bytes left when the size is known. */
  get remaining(): number | undefined {
    return this.size === undefined ? undefined : this.size - this.position;
  }

  private async fill(): Promise<boolean> {
    if (this.cur.length > 0) return true;
    if (this.done) return false;
    const next = await this.pull();
    if (next === null) {
      this.done = true;
      return false;
    }
    this.cur = next;
    return true;
  }

  private truncated(n: number, what: string, got: number): InitWeightsError {
    return this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.position - got}, the input ends after ${got}`);
  }

  /** Up to `n` bytes without consuming them (fewer at the end). Copies; n is small. */
  async peek(n: number): Promise<Uint8Array> {
    while (this.cur.length < n && !this.done) {
      const before = this.cur.slice(); // the next pull may reuse the buffer `cur` views
      this.cur = new Uint8Array(0);
      const more = await this.pull();
      if (more === null) {
        this.done = true;
        this.cur = before;
        break;
      }
      const joined = new Uint8Array(before.length + more.length);
      joined.set(before, 0);
      joined.set(more, before.length);
      this.cur = joined;
    }
    return this.cur.slice(0, Math.min(n, this.cur.length));
  }

  /** Whether nothing is left. */
  async atEnd(): Promise<boolean> {
    return !(await this.fill());
  }

  /** Exactly `n` bytes as a new Buffer, at most `maxExact` (headers are read whole; data streams). */
  async exact(n: number, what: string, maxExact = 64 << 20): Promise<Buffer> {
    if (!(n >= 0) || n > maxExact) throw this.fail(`${what}: ${n} bytes is more than the ${maxExact}-byte limit`);
    if (this.remaining !== undefined && n > this.remaining) {
      throw this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.position}, only ${this.remaining} left`);
    }
    // Grown as bytes arrive, not allocated up front: a header may claim more than the pipe holds.
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (!(await this.fill())) throw this.truncated(n, what, got);
      const take = Math.min(n - got, this.cur.length);
      parts.push(Buffer.from(this.cur.subarray(0, take)));
      this.cur = this.cur.subarray(take);
      got += take;
      this.position += take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  /** Feed exactly `n` bytes to `onChunk`, in views valid during the call. */
  async stream(n: number, what: string, onChunk: (bytes: Uint8Array) => void): Promise<void> {
    if (this.remaining !== undefined && n > this.remaining) {
      throw this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.position}, only ${this.remaining} left`);
    }
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw this.truncated(n, what, n - left);
      const take = Math.min(left, this.cur.length);
      onChunk(this.cur.subarray(0, take));
      this.cur = this.cur.subarray(take);
      left -= take;
      this.position += take;
    }
  }

  /** Exactly `n` bytes as copied chunks (for consumers that keep them, like an inflater). */
  async *chunks(n: number, what: string): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (!(await this.fill())) throw this.truncated(n, what, n - left);
      const take = Math.min(left, this.cur.length);
      const out = Buffer.from(this.cur.subarray(0, take));
      this.cur = this.cur.subarray(take);
      left -= take;
      this.position += take;
      yield out;
    }
  }

  /** A copy of up to `max` of the next bytes, or null at the end (for readers that find their own end). */
  async nextPiece(max: number): Promise<Buffer | null> {
    if (!(await this.fill())) return null;
    const take = Math.min(max, this.cur.length);
    const out = Buffer.from(this.cur.subarray(0, take));
    this.cur = this.cur.subarray(take);
    this.position += take;
    return out;
  }

  /** Put bytes read too far back in front (a deflate stream that ended inside a piece). */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const joined = new Uint8Array(bytes.length + this.cur.length);
    joined.set(bytes, 0);
    joined.set(this.cur, bytes.length);
    this.cur = joined;
    this.position -= bytes.length;
  }

  /** Whether `seekTo` works (a file, not a pipe). */
  get canSeek(): boolean {
    return this.seek !== undefined && this.size !== undefined;
  }

  /** Continue reading at `offset` (files only: a second pass over regions found by the first). */
  async seekTo(offset: number): Promise<void> {
    if (this.seek === undefined || this.size === undefined) throw new Error('seekTo on a source that cannot seek');
    if (!(offset >= 0 && offset <= this.size)) throw this.fail(`offset ${offset} is outside the ${this.size}-byte input`);
    this.cur = new Uint8Array(0);
    this.done = false;
    this.position = offset;
    this.seek(offset);
  }

  /** Pass over `n` bytes (a seek on files). */
  async skip(n: number, what: string): Promise<void> {
    if (this.seek !== undefined && this.size !== undefined) {
      if (n > this.size - this.position) throw this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.position}, only ${this.size - this.position} left`);
      const inCur = Math.min(n, this.cur.length);
      this.cur = this.cur.subarray(inCur);
      this.position += inCur;
      if (n > inCur) {
        this.position += n - inCur;
        this.cur = new Uint8Array(0);
        this.seek(this.position);
      }
      return;
    }
    await this.stream(n, what, () => undefined);
  }

  async close(): Promise<void> {
    await this.closer();
  }
}


/**
 * Open a path for reading only when it is a regular file. The open is non-blocking, so a FIFO (or a
 * symlink to one) cannot hang it, and the check is on the opened descriptor, so the path cannot be
 * swapped between check and read. Devices, FIFOs, sockets and directories are refused.
 */
export async function openRegular(path: string, name = path): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw readError(name, errnoText(err));
  }
  const st = await fh.stat();
  if (!st.isFile()) {
    await fh.close();
    throw readError(name, st.isDirectory() ? 'is a directory' : 'is not a regular file (a FIFO, device or socket)');
  }
  return { fh, size: st.size };
}

/** A small regular file read whole, refused (before reading) when larger than `max` bytes. */
export async function readSmallFile(path: string, name: string, max: number): Promise<Buffer> {
  const { fh, size } = await openRegular(path, name);
  try {
    if (size > max) throw readError(name, `is ${size} bytes, more than the ${max}-byte limit`);
    const out = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const r = await fh.read(out, got, size - got, got);
      if (r.bytesRead === 0) break;
      got += r.bytesRead;
    }
    return out.subarray(0, got);
  } finally {
    await fh.close();
  }
}
