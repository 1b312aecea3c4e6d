import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { formatBytes, progressBar } from '../../src/cli/progress.js';

function ioWith(isTTY: boolean): { io: CliIO; text: () => string } {
  const parts: string[] = [];
  const stderr = new Writable({ write(c, _e, cb) { parts.push(c.toString()); cb(); } }) as Writable & { isTTY?: boolean; columns?: number };
  stderr.isTTY = isTTY;
  stderr.columns = 80;
  const io = { stderr, stdout: stderr, stdin: process.stdin, env: {} } as unknown as CliIO;
  return { io, text: () => parts.join('') };
}

describe('the progress bar', () => {
  it('draws a bar with percent and sizes on a terminal, and clears it at the end', () => {
    const { io, text } = ioWith(true);
    const bar = progressBar(io, 4, 0);
    bar.update(250, 1000);
    // eslint-disable-next-line no-control-regex
    expect(text()).toMatch(/^\r█+░+ +25% {2}1000 B of 3\.9 KiB {2}\d+ s left\x1b\[K$/);
    bar.finish();
    expect(text().endsWith('\r\x1b[K')).toBe(true);
  });

  it('prints nothing when stderr is not a terminal', () => {
    const { io, text } = ioWith(false);
    const bar = progressBar(io, 4, 0);
    bar.update(250, 1000);
    bar.finish();
    expect(text()).toBe('');
  });

  it('prints nothing for short jobs (before the delay)', () => {
    const { io, text } = ioWith(true);
    const bar = progressBar(io, 4, 60_000);
    bar.update(250, 1000);
    bar.finish();
    expect(text()).toBe('');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(4e9)).toBe('3.7 GiB');
  });
});
