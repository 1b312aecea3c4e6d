import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';
import { writeManyTensorSpec } from '../helpers/spec.js';

/*
 * Issue 9 #8, the old manifest read back: `gen --force` over a directory of 100k .npy files it wrote
 * (it reads the old manifest.json, ~52 MB, to know which files it may remove) and inspect of a tar
 * of 40k tensors (its manifest.json, ~19 MB, is the last member). Both parsed the manifest whole.
 * Peak RSS of the whole child run on this machine (before -> after): --force 340-370 -> ~150 MB,
 * inspect of the tar 220-232 -> ~184 MB (the rest is inspect holding each tensor's summary until
 * the tar's end, where its count is known). A bound on memory, never a timing.
 */
const dir = mkdtempSync(join(tmpdir(), 'iw-manifest-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specOf(n: number): string {
  const path = join(dir, `spec-${n}.json`);
  writeManyTensorSpec(path, n);
  return path;
}

describe('an old manifest.json of many tensors, read back', () => {
  it('gen --force over its own directory of 100,000 .npy files: peak RSS under 250 MB', () => {
    const spec = specOf(100_000);
    const out = join(dir, 'many.d/');
    runWithPeak(['gen', '--spec', spec, '-o', out, '--format', 'npy', '-q']);
    expect(statSync(join(out, 'manifest.json')).size).toBeGreaterThan(40e6);
    const { peakMB } = runWithPeak(['gen', '--spec', spec, '-o', out, '--format', 'npy', '--force', '-q']);
    console.log(`gen --force over 100000 files peak RSS: ${peakMB.toFixed(0)} MB`);
    expect(peakMB).toBeLessThan(250);
  }, 600_000);

  it('inspect of a tar of 40,000 tensors: peak RSS under 210 MB, with the provenance read', () => {
    const spec = specOf(40_000);
    const tar = join(dir, 'many.tar');
    runWithPeak(['gen', '--spec', spec, '-o', tar, '-q']);
    const { peakMB, stdout } = runWithPeak(['inspect', tar], { stdoutTo: 'grep -c "matches glorot_uniform(fan_in=2, fan_out=2)"' });
    console.log(`inspect of a 40000-tensor tar peak RSS: ${peakMB.toFixed(0)} MB`);
    // Every tensor was checked against the initializer its manifest declares.
    expect(stdout.trim()).toBe('40000');
    expect(peakMB).toBeLessThan(210);
  }, 300_000);
});
