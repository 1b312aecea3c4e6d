import { describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Flat memory: a 1e9-element float32 tensor (4 GB of .npy) streamed to stdout, with the process's
 * own peak RSS (process.resourceUsage().maxRSS) read at the end. Not a timing: a bound on memory.
 */

describe('streaming keeps memory flat', () => {
  it('writes 1e9 float32 values (4 GB) with peak RSS under 200 MB', () => {
    const { peakMB, stdout } = runWithPeak(['gen', '--shape', '1000000000', '--seed', '1', '--quiet', '-o', '-'], { stdoutTo: 'wc -c' });
    expect(Number(stdout.trim())).toBe(4_000_000_000 + 128);
    console.log(`peak RSS streaming 4 GB: ${peakMB.toFixed(0)} MB`);
    expect(peakMB).toBeLessThan(200);
  }, 300_000);
});
