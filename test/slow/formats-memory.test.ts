import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Flat memory for Arrow: apache-arrow's writer would buffer a whole table, so the writer makes a
 * record batch only once the sink took the previous one. 1 GB of float32 (250,000 x 1,000) as an
 * Arrow stream into a pipe and as an Arrow file, with the child's own peak RSS
 * (process.resourceUsage().maxRSS) read at the end. The bound is the one the .npy stream meets.
 */
const dir = mkdtempSync(join(tmpdir(), 'iw-arrow-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function genPeak(args: string[], pipeTo: string | undefined): { peakMB: number; stdoutBytes: number } {
  const { peakMB, stdout } = runWithPeak(['gen', '--shape', '250000,1000', '--seed', '1', '--quiet', ...args], pipeTo ? { stdoutTo: pipeTo } : {});
  return { peakMB, stdoutBytes: Number(stdout.trim() || 0) };
}

describe('Arrow output keeps memory flat', () => {
  it('streams 1 GB as an Arrow IPC stream into a pipe with peak RSS under 200 MB', () => {
    const { peakMB, stdoutBytes } = genPeak(['--format', 'arrow-stream', '-o', '-'], 'wc -c');
    console.log(`peak RSS, 1 GB Arrow stream to a pipe: ${peakMB.toFixed(0)} MB`);
    expect(stdoutBytes).toBeGreaterThan(1_000_000_000);
    expect(peakMB).toBeLessThan(200);
  }, 300_000);

  it('writes 1 GB as an Arrow IPC file with peak RSS under 200 MB', () => {
    const path = join(dir, 'big.arrow');
    const { peakMB } = genPeak(['-o', path], undefined);
    console.log(`peak RSS, 1 GB Arrow file: ${peakMB.toFixed(0)} MB`);
    expect(statSync(path).size).toBeGreaterThan(1_000_000_000);
    expect(peakMB).toBeLessThan(200);
  }, 300_000);
});
