import { existsSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

/*
 * A directory or tar output records every tensor in manifest.json, which verify, inspect and
 * `--force` read back only up to MAX_MANIFEST_BYTES (64 MiB). gen refuses, before generating, a
 * spec whose manifest would surely be longer (here ~112 MB: 100k names of ~240 characters), with
 * one line, exit 2 and nothing written, instead of writing a directory nothing can read back.
 */
describe('manifest.json cap at gen time', () => {
  it('refuses a directory or tar whose manifest would pass 64 MiB, before writing anything', async () => {
    const tmp = tempDir();
    const tensors = Array.from({ length: 100_000 }, (_, i) => ({ name: `model.layers.${i}.${'x'.repeat(110)}/${'y'.repeat(110)}`, shape: [2] }));
    writeFileSync(tmp.path('spec.json'), JSON.stringify({ seed: 1, defaults: { initializer: 'zeros' }, tensors }));
    for (const out of ['dir/', 'all.tar']) {
      const r = await runCli(['gen', '--spec', tmp.path('spec.json'), '-o', tmp.path(out), '-q']);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/spec tensors: are too many .* manifest\.json would be at least \d+ bytes, over the 67108864-byte limit/);
      expect(existsSync(tmp.path(out))).toBe(false);
    }
    tmp.cleanup();
  });

  it('reads back a tar whose manifest.json is over 16 MiB (the tar reader has the same 64 MiB cap)', async () => {
    const tmp = tempDir();
    const tensors = Array.from({ length: 40_000 }, (_, i) => ({ name: `t${i}`, shape: [2] }));
    writeFileSync(tmp.path('spec.json'), JSON.stringify({ seed: 1, defaults: { initializer: { type: 'normal', stddev: 0.1 } }, tensors }));
    const made = await runCli(['gen', '--spec', tmp.path('spec.json'), '-o', tmp.path('all.tar'), '-q']);
    expect(made.code).toBe(0);
    const r = await runCli(['inspect', tmp.path('all.tar'), '--json', '--tensor', 't39999']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    tmp.cleanup();
  });
});
