import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWithPeak } from '../helpers/peak.js';
import { safetensorsBytes } from '../inspect/helpers.js';

/*
 * Issue 9 #5: a 47 MB safetensors file of 700,000 empty tensors took 3.5 GB (later ~600 MB) to
 * inspect. The header is now scanned into compact columns and the report streamed tensor by
 * tensor, so inspect's own peak RSS (read in its process at the end) stays under the bound the
 * issue sets for any input under 100 MB. A bound on memory, not a timing.
 */
const N = 700_000;
const LIMIT_MB = 200;
const dir = mkdtempSync(join(tmpdir(), 'iw-inspect-many-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const file = join(dir, 'many.safetensors');
const header: Record<string, unknown> = {};
for (let i = 0; i < N; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
writeFileSync(file, safetensorsBytes(header, new Uint8Array(0)));

describe(`inspect of ${N.toLocaleString('en-US')} empty safetensors tensors`, () => {
  it(`reports every tensor as JSON with peak RSS under ${LIMIT_MB} MB`, () => {
    // The report (~680 MB) is counted by grep, not held: one "name" key per tensor.
    const { peakMB, stdout } = runWithPeak(['inspect', file, '--json'], { stdoutTo: `grep -c '^      "name": "t'`, timeout: 600_000 });
    console.log(`inspect --json peak RSS, ${N} tensors: ${peakMB.toFixed(0)} MB`);
    expect(Number(stdout.trim())).toBe(N);
    expect(peakMB).toBeLessThan(LIMIT_MB);
  }, 900_000);

  it(`reports every tensor as text with peak RSS under ${LIMIT_MB} MB`, () => {
    const { peakMB, stdout } = runWithPeak(['inspect', file], { stdoutTo: `grep -c '^t[0-9]*  float32  (0,)  0 values  0 B$'`, timeout: 600_000 });
    console.log(`inspect (text) peak RSS, ${N} tensors: ${peakMB.toFixed(0)} MB`);
    expect(Number(stdout.trim())).toBe(N);
    expect(peakMB).toBeLessThan(LIMIT_MB);
  }, 900_000);
});
