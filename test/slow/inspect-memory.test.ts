import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Flat memory while inspecting 4 GB: 1e9 float32 values, once from a file and once from a pipe
 * (gen streaming into inspect -), with inspect's own peak RSS (process.resourceUsage().maxRSS)
 * read in its process at the end. A bound on memory, not a timing.
 */
const BIN = fileURLToPath(new URL('../../bin/init-weights.js', import.meta.url));
const N = 1_000_000_000;
const LIMIT_MB = 200;
const dir = mkdtempSync(join(tmpdir(), 'iw-inspect-mem-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run inspect --json in a child node on `input`, stdin from `stdinCmd` when given; its peak RSS in MB and the report. */
function inspectChild(input: string, stdinCmd?: string): { peakMB: number; report: { tensors: { count: number; std: number }[] } } {
  const { peakMB, stdout } = runWithPeak(['inspect', input, '--json'], { ...(stdinCmd ? { stdinFrom: stdinCmd } : {}), timeout: 600_000 });
  return { peakMB, report: JSON.parse(stdout) as { tensors: { count: number; std: number }[] } };
}

describe('inspect keeps memory flat', () => {
  it(`reads a 4 GB .npy file (1e9 float32) with peak RSS under ${LIMIT_MB} MB`, () => {
    const file = join(dir, 'big.npy');
    const g = spawnSync(process.execPath, [BIN, 'gen', '--shape', String(N), '--seed', '1', '--quiet', '-o', file], { encoding: 'utf8', timeout: 600_000 });
    expect(g.status, g.stderr).toBe(0);
    const { peakMB, report } = inspectChild(file);
    rmSync(file);
    console.log(`inspect peak RSS, 4 GB file: ${peakMB.toFixed(0)} MB`);
    expect(report.tensors[0]!.count).toBe(N);
    expect(Math.abs(report.tensors[0]!.std - 0.05)).toBeLessThan(1e-4);
    expect(peakMB).toBeLessThan(LIMIT_MB);
  }, 900_000);

  it(`reads 4 GB from a pipe (gen -o - | inspect -) with peak RSS under ${LIMIT_MB} MB`, () => {
    const { peakMB, report } = inspectChild('-', `"${process.execPath}" "${BIN}" gen --shape ${N} --seed 2 --quiet -o -`);
    console.log(`inspect peak RSS, 4 GB pipe: ${peakMB.toFixed(0)} MB`);
    expect(report.tensors[0]!.count).toBe(N);
    expect(peakMB).toBeLessThan(LIMIT_MB);
  }, 900_000);
});
