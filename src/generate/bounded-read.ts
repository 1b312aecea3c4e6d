import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** Largest spec file read (64 MiB): a million short tensor entries (~55 bytes each) fit. */
export const MAX_SPEC_BYTES = 64 * 2 ** 20;

/** Why a file was not read: not a regular file (a FIFO, a device), or larger than the cap. */
export type BoundedReadProblem = 'not a regular file' | 'too large';

/**
 * The bytes read, and `release`, which frees their memory at once (they read as empty after): a
 * manifest of ~50 MB left to the garbage collector stayed resident while everything after it ran.
 */
export type BoundedRead = { readonly bytes: Buffer; readonly release: () => void } | { readonly problem: BoundedReadProblem; readonly size?: number };

/** A resizable ArrayBuffer (ES2024, in Node 20; not in the ES2022 lib types): resize(0) gives its memory back. */
interface Resizable extends ArrayBuffer {
  resize(byteLength: number): void;
}
const ResizableBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => Resizable;

const CHUNK = 1 << 20;

/**
 * Read a regular file of at most `cap` bytes. Opened non-blocking so a FIFO cannot park a libuv
 * thread (which would keep Ctrl-C from ending the process), checked with fstat, then read up to
 * cap + 1 bytes so a file that grows (or lies about its size) is still bounded. Open and read
 * errors are thrown as they are (errno errors); `noFollow` refuses a symlink (ELOOP).
 */
export async function readBounded(path: string, cap: number, options: { noFollow?: boolean } = {}): Promise<BoundedRead> {
  const fh = await openBounded(path, options);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { problem: 'not a regular file' };
    if (st.size > cap) return { problem: 'too large', size: st.size };
    // One buffer of the size fstat gives (plus a byte to see growth), not pieces joined at the end
    // (that held the file twice over). It may grow up to one byte over the cap if the file grows.
    const ab = new ResizableBuffer(st.size + 1, { maxByteLength: cap + 1 });
    let total = 0;
    for (;;) {
      if (total === ab.byteLength) ab.resize(Math.min(Math.max(2 * total, total + CHUNK), cap + 1));
      const { bytesRead } = await fh.read(new Uint8Array(ab, total), 0, ab.byteLength - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > cap) {
        ab.resize(0);
        return { problem: 'too large', size: total };
      }
    }
    return { bytes: Buffer.from(ab, 0, total), release: () => ab.resize(0) };
  } finally {
    await fh.close();
  }
}

/** Open for reading as readBounded does: non-blocking, and with `noFollow` no symlink. */
function openBounded(path: string, options: { noFollow?: boolean }): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow === true ? constants.O_NOFOLLOW : 0));
}

/**
 * readBounded for a reader that takes the file piece by piece (~1 MiB each, one buffer reused:
 * `take` must copy what it keeps): the same checks and cap, without the whole file in memory.
 * Returns the problem, or undefined when every piece was taken.
 */
export async function readBoundedPieces(path: string, cap: number, take: (piece: Buffer) => void, options: { noFollow?: boolean } = {}): Promise<BoundedReadProblem | undefined> {
  const fh = await openBounded(path, options);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return 'not a regular file';
    if (st.size > cap) return 'too large';
    const piece = Buffer.allocUnsafe(CHUNK);
    // Bounded by what is read, not by fstat: a file that grows is still cut off at the cap.
    for (let total = 0; ; ) {
      const { bytesRead } = await fh.read(piece, 0, CHUNK, null);
      if (bytesRead === 0) return undefined;
      total += bytesRead;
      if (total > cap) return 'too large';
      take(piece.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/** "64 MiB": a cap in words for messages. */
export function capText(cap: number): string {
  return cap % 2 ** 20 === 0 ? `${cap / 2 ** 20} MiB` : `${cap} bytes`;
}
