import { createHash, type Hash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { link, lstat, open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import { errnoText, existsError, InitWeightsError } from '../errors.js';
import { registerTemp, tempPathFor, unregisterTemp } from './cleanup.js';

/** Where bytes go. `write` resolves when the sink can take more; `close` commits; `abort` undoes. */
export interface Sink {
  write(chunk: Uint8Array): Promise<void>;
  /**
   * Finish: flush, and for files, move the temp file into place. Returns the byte count and the
   * sha256 (undefined when the sink was made with `hash: false`).
   */
  close(): Promise<{ sha256: string | undefined; bytes: number }>;
  /** Give up: remove anything written. Safe to call more than once, and after a failed write. */
  abort(): Promise<void>;
}

/** The reader went away (EPIPE): not a failure of ours, the CLI exits quietly. */
export class BrokenPipeError extends Error {
  constructor() {
    super('broken pipe');
    this.name = 'BrokenPipeError';
  }
}

export function ioError(what: string, path: string, err: unknown): InitWeightsError {
  return new InitWeightsError('E_IO', `${what} ${path}: ${errnoText(err)}`, { cause: err });
}

/** A file that could not be created: a bad output path (exit 2), or an I/O fault (exit 1). */
function createError(display: string, err: unknown): InitWeightsError {
  const e = ioError('cannot create', display, err);
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (['ENAMETOOLONG', 'ENOENT', 'ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'EISDIR'].includes(code)) {
    return new InitWeightsError('E_TARGET', e.message, { cause: err });
  }
  return e;
}

/** File systems without hard links answer link(2) with one of these. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EMLINK', 'EXDEV']);

/**
 * Move a finished temp file to `target` without replacing anything: link(2) fails with EEXIST when
 * the target exists, even when another process created it a moment ago, so two runs cannot both
 * win. Where hard links are not supported, a check then rename(2) (not atomic) stands in.
 */
async function commitExclusive(temp: string, target: string, display: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') throw existsError(display);
    if (!NO_LINKS.has(code)) throw err;
    if (await lstat(target).then(() => true, () => false)) throw existsError(display);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/** Writes smaller than this are gathered into one buffer of this size before they go out. */
const COALESCE_BYTES = 256 * 1024;

/**
 * A file written through a temp file beside it and renamed into place on close; or, with
 * `direct`, written in place (for files inside a temp directory that is itself renamed).
 * One write is kept in flight, so generating the next chunk overlaps writing this one. A direct
 * file is opened at its first large write; one that stays small is written whole at close in one
 * synchronous call (a directory of 150k tiny .npy files would otherwise wait on three thread-pool
 * round trips per file).
 */
export class FileSink implements Sink {
  private readonly hash: Hash | undefined;
  private bytes = 0;
  private pending: Promise<unknown> = Promise.resolve();
  private failed: unknown;
  private closed = false;
  /** Small pieces waiting to go out together (see write). */
  private stage: Buffer | undefined;
  private staged = 0;
  /** Set by the first write that goes to the file (before then, a direct file is not open). */
  private sending = false;

  private constructor(
    private fh: FileHandle | undefined,
    private readonly path: string,
    private readonly target: string,
    private readonly direct: boolean,
    /** The path named in messages (a file inside a temp directory is named by its final path). */
    private readonly display: string,
    /** Replace an existing target (else the commit is exclusive). */
    private readonly replace: boolean,
    hash: boolean,
  ) {
    this.hash = hash ? createHash('sha256') : undefined;
  }

  static async create(target: string, options: { direct?: boolean; display?: string; hash?: boolean; replace?: boolean } = {}): Promise<FileSink> {
    const direct = options.direct ?? false;
    const path = direct ? target : tempPathFor(target);
    if (!direct) registerTemp(path);
    const make = (fh: FileHandle | undefined): FileSink => new FileSink(fh, path, target, direct, options.display ?? target, options.replace ?? false, options.hash ?? true);
    if (direct) return make(undefined);
    try {
      return make(await open(path, 'wx', 0o644));
    } catch (err) {
      unregisterTemp(path);
      throw createError(options.display ?? target, err);
    }
  }

  /** The open file, opening it now if this is its first write. */
  private async handle(): Promise<FileHandle> {
    if (this.fh !== undefined) return this.fh;
    try {
      this.fh = await open(this.path, 'wx', 0o644);
    } catch (err) {
      throw createError(this.display, err);
    }
    return this.fh;
  }

  async write(chunk: Uint8Array): Promise<void> {
    // Hashed while the write in flight runs (on libuv's thread): the two overlap.
    this.hash?.update(chunk);
    // When write() resolves, every earlier chunk has been written: callers reuse their buffers on
    // that promise (BufferRing), so even a chunk that is only staged waits for the one in flight.
    await this.pending;
    if (this.failed !== undefined) throw this.failed;
    this.bytes += chunk.byteLength;
    // Small pieces (headers, tiny tensors) are copied into one buffer: a spec of 150k small
    // tensors would otherwise cost several awaited write(2) calls per tensor.
    if (chunk.byteLength < COALESCE_BYTES) {
      if (this.staged + chunk.byteLength > COALESCE_BYTES) await this.flush();
      const stage = this.stageFor(this.staged + chunk.byteLength);
      stage.set(chunk, this.staged);
      this.staged += chunk.byteLength;
      return;
    }
    await this.flush();
    await this.send(chunk);
  }

  /** The stage, grown to hold `bytes` (doubling from 4 KiB: a tiny file does not get 256 KiB). */
  private stageFor(bytes: number): Buffer {
    const old = this.stage;
    if (old !== undefined && old.length >= bytes) return old;
    let size = old?.length ?? 4096;
    while (size < bytes) size *= 2;
    const grown = Buffer.allocUnsafe(Math.min(size, COALESCE_BYTES));
    old?.copy(grown, 0, 0, this.staged);
    this.stage = grown;
    return grown;
  }

  /** Send the staged small pieces, if any, as one write. */
  private async flush(): Promise<void> {
    if (this.stage === undefined || this.staged === 0) return;
    const staged = this.stage.subarray(0, this.staged);
    this.stage = undefined;
    this.staged = 0;
    await this.send(staged);
  }

  /** Start writing `chunk` once the write in flight is done (one in flight at a time). */
  private async send(chunk: Uint8Array): Promise<void> {
    this.sending = true;
    await this.pending;
    if (this.failed !== undefined) throw this.failed;
    this.pending = this.writeAll(chunk).catch((err: unknown) => {
      this.failed = err instanceof InitWeightsError ? err : ioError('cannot write', this.display, err);
    });
  }

  private async writeAll(chunk: Uint8Array): Promise<void> {
    const fh = await this.handle();
    let off = 0;
    while (off < chunk.byteLength) {
      const { bytesWritten } = await fh.write(chunk, off, chunk.byteLength - off);
      off += bytesWritten;
    }
  }

  async close(): Promise<{ sha256: string | undefined; bytes: number }> {
    if (this.fh === undefined && !this.sending) {
      this.closed = true;
      this.writeWhole();
      return { sha256: this.hash?.digest('hex'), bytes: this.bytes };
    }
    await this.flush();
    await this.pending;
    if (this.failed !== undefined) throw this.failed;
    this.closed = true;
    try {
      await (await this.handle()).close();
      if (!this.direct) await (this.replace ? rename(this.path, this.target) : commitExclusive(this.path, this.target, this.display));
    } catch (err) {
      await rm(this.path, { force: true });
      throw err instanceof InitWeightsError ? err : ioError('cannot finish', this.display, err);
    } finally {
      if (!this.direct) unregisterTemp(this.path);
    }
    return { sha256: this.hash?.digest('hex'), bytes: this.bytes };
  }

  /** A direct file never opened: all of it is staged, written in one call (it is small). */
  private writeWhole(): void {
    const bytes = this.stage?.subarray(0, this.staged) ?? Buffer.alloc(0);
    this.stage = undefined;
    try {
      writeFileSync(this.path, bytes, { flag: 'wx', mode: 0o644 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw code === 'EEXIST' || code === 'ENOSPC' || code === 'EIO' || code === 'EDQUOT' ? ioError('cannot write', this.display, err) : createError(this.display, err);
    }
  }

  async abort(): Promise<void> {
    await this.pending.catch(() => undefined);
    if (!this.closed) {
      this.closed = true;
      await this.fh?.close().catch(() => undefined);
    }
    await rm(this.path, { force: true }).catch(() => undefined);
    if (!this.direct) unregisterTemp(this.path);
  }
}
