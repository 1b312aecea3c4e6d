import { formatBytes } from '../units.js';
import type { CliIO } from './io.js';

/**
 * A one-line progress bar on stderr, only when stderr is a terminal, and only once the job has run
 * for `delayMs` (short jobs print nothing). Returns the progress callback and a finish function.
 */
export function progressBar(
  io: CliIO,
  bytesPerElement: number,
  delayMs = 800,
): { update: (done: number, total: number) => void; finish: () => void } {
  const stderr = io.stderr;
  if (stderr.isTTY !== true) return { update: () => undefined, finish: () => undefined };
  const start = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - start < delayMs || now - last < 100 || total === 0) return;
      last = now;
      shown = true;
      const frac = done / total;
      const width = Math.max(10, Math.min(40, (stderr.columns ?? 80) - 45));
      const filled = Math.round(frac * width);
      const rate = done / ((now - start) / 1000);
      const left = rate > 0 ? (total - done) / rate : 0;
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stderr.write(`\r${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${formatBytes(done * bytesPerElement)} of ${formatBytes(total * bytesPerElement)}  ${left.toFixed(0)} s left\x1b[K`);
    },
    finish() {
      if (shown) stderr.write('\r\x1b[K');
    },
  };
}

export { formatBytes };
