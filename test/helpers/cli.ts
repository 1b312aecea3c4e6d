import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/run.js';

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run the whole CLI in-process with captured streams. */
export async function runCli(
  argv: string[],
  options: { stdin?: string; stdoutTTY?: boolean; stderrTTY?: boolean; stdout?: Writable } = {},
): Promise<CliResult> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const stdout = (options.stdout ?? new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(Buffer.from(chunk));
      cb();
    },
  })) as Writable & { isTTY?: boolean };
  stdout.isTTY = options.stdoutTTY ?? false;
  const stderr = new Writable({
    write(chunk: Buffer, _enc, cb) {
      err.push(chunk.toString());
      cb();
    },
  }) as Writable & { isTTY?: boolean; columns?: number };
  stderr.isTTY = options.stderrTTY ?? false;
  stderr.columns = 100;
  const stdin = options.stdin === undefined ? new PassThrough().end() : Readable.from([Buffer.from(options.stdin)]);
  const code = await run(argv, { stdout, stderr, stdin, env: {} });
  return { code, stdout: Buffer.concat(out), stderr: err.join('') };
}

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; path: (p: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iw-test-'));
  return { dir, path: (p) => join(dir, p), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The real bin (it runs dist/, built by `npm test` before vitest starts). */
export const BIN = fileURLToPath(new URL('../../bin/init-weights.js', import.meta.url));

/** Fail early, saying why, when the bin does not run (dist/ not built). */
export function assertBinRuns(): void {
  const built = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`bin/init-weights.js does not run (is dist/ built? npm run build): ${built.stderr}`);
}
