import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';

/*
 * Issue 9, `gen --force` over a directory of many files that all change (another seed): every file
 * is staged beside its old one and all are moved into place at the end, and the old manifest is
 * read for the files it lists that the new run does not write. It is read in 1 MiB pieces and
 * scanned as it comes, keeping only entries the plan does not hold (it was read whole: ~50 MB at
 * 100k files, on top of the run). Names of ~190 bytes make the manifest ~1 KB per file (31 MB
 * here), so fewer files show it. Peak RSS of the child run on this machine, before -> after:
 * 30k long-named files 159 -> 137-140 MB (this test); the repro of 100k short-named files
 * 209-210 -> 178-180 MB. A bound on memory, never a timing.
 */
const COUNT = 30_000;
const BOUND_MB = 150;
/** One part of a tensor name (at most 200 bytes each): the manifest lists it in the spec and in each file's path. */
const LONG = 'x'.repeat(170);

const dir = mkdtempSync(join(tmpdir(), 'iw-force-rewrite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specOf(seed: number): string {
  const path = join(dir, `spec-${seed}.json`);
  writeFileSync(path, JSON.stringify({ seed, tensors: Array.from({ length: COUNT }, (_, i) => ({ name: `layers.${i}.${LONG}.weight`, shape: [2], initializer: 'glorot_uniform' })) }));
  return path;
}

/** Every file of a directory (hidden temps too) with its sha256. */
function contents(d: string): Map<string, string> {
  return new Map(readdirSync(d).sort().map((n) => [n, createHash('sha256').update(readFileSync(join(d, n))).digest('hex')]));
}

describe('gen --force over its own directory where every file changes', () => {
  it(`${COUNT} .npy files: peak RSS under ${BOUND_MB} MB, and the same bytes as a fresh run`, () => {
    const [one, two] = [specOf(1), specOf(2)];
    const out = join(dir, 'many.d/');
    const fresh = join(dir, 'fresh.d/');
    runWithPeak(['gen', '--spec', one, '-o', out, '--format', 'npy', '-q']);
    const { peakMB } = runWithPeak(['gen', '--spec', two, '-o', out, '--format', 'npy', '--force', '-q']);
    console.log(`gen --force over ${COUNT} changed files peak RSS: ${peakMB.toFixed(0)} MB`);
    runWithPeak(['gen', '--spec', two, '-o', fresh, '--format', 'npy', '-q']);
    const [got, want] = [contents(out), contents(fresh)];
    expect(got.size).toBe(COUNT + 1);
    expect(got).toEqual(want);
    expect(peakMB).toBeLessThan(BOUND_MB);
  }, 600_000);
});
