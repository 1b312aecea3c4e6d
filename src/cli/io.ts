import type { Readable, Writable } from 'node:stream';

/** The process surface the CLI uses, injectable so tests run the whole program in-process. */
export interface CliIO {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean; columns?: number };
  readonly stdin: Readable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/**
 * Read a whole readable (a spec on stdin) as UTF-8 text, or undefined as soon as it passes `cap`
 * bytes: `/dev/zero` on stdin is refused after cap + 1 bytes, not read until memory runs out.
 */
export async function readAllText(stream: Readable, cap = Infinity): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += buf.length;
    if (total > cap) return undefined;
    parts.push(buf);
  }
  return Buffer.concat(parts).toString('utf8');
}
