import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Largest spec file read (64 MiB): a million short tensor entries (~55 bytes each) fit. */
export const MAX_SPEC_BYTES = 64 * 2 ** 20;

/** Why a file was not read: not a regular file (a FIFO, a device), or larger than the cap. */
export type BoundedReadProblem = 'not a regular file' | 'too large';

export type BoundedRead = { readonly bytes: Buffer } | { readonly problem: BoundedReadProblem; readonly size?: number };

const CHUNK = 1 << 20;

/**
 * Read a regular file of at most `cap` bytes. Opened non-blocking so a FIFO cannot park a libuv
 * thread (which would keep Ctrl-C from ending the process), checked with fstat, then read up to
 * cap + 1 bytes so a file that grows (or lies about its size) is still bounded. Open and read
 * errors are thrown as they are (errno errors); `noFollow` refuses a symlink (ELOOP).
 */
export async function readBounded(path: string, cap: number, options: { noFollow?: boolean } = {}): Promise<BoundedRead> {
  const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow === true ? constants.O_NOFOLLOW : 0);
  const fh = await open(path, flags);
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { problem: 'not a regular file' };
    if (st.size > cap) return { problem: 'too large', size: st.size };
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, cap + 1 - total));
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      parts.push(buf.subarray(0, bytesRead));
      total += bytesRead;
      if (total > cap) return { problem: 'too large', size: total };
    }
    return { bytes: Buffer.concat(parts, total) };
  } finally {
    await fh.close();
  }
}

/** "64 MiB": a cap in words for messages. */
export function capText(cap: number): string {
  return cap % 2 ** 20 === 0 ? `${cap / 2 ** 20} MiB` : `${cap} bytes`;
}
