import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Flat memory for `gen --check`, a regeneration without churn and `verify`: 1 GB of float32
 * (250,000 x 1,000) as safetensors, each run measured as the child's own peak RSS
 * (process.resourceUsage().maxRSS) at its end. The bound is the one writing the file meets; a
 * check that held the file (or the generated tensor) would need over 1,000 MB.
 */
const dir = mkdtempSync(join(tmpdir(), 'iw-check-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'big.safetensors');
const GEN = ['gen', '--shape', '250000,1000', '--seed', '1', '--quiet', '-o', path];

describe('checking a 1 GB fixture keeps memory flat', () => {
  it('writes it, then --check, a second gen (unchanged) and verify each stay under 200 MB peak RSS', () => {
    runWithPeak(GEN);
    expect(statSync(path).size).toBeGreaterThan(1_000_000_000);
    const mtime = statSync(path).mtimeMs;
    for (const [what, argv] of [['gen --check', [...GEN, '--check']], ['gen again (unchanged)', GEN], ['verify', ['verify', path]]] as const) {
      const { peakMB } = runWithPeak(argv);
      console.log(`peak RSS, ${what} of 1 GB safetensors: ${peakMB.toFixed(0)} MB`);
      expect(peakMB, what).toBeLessThan(200);
    }
    expect(statSync(path).mtimeMs).toBe(mtime);
  }, 600_000);
});
