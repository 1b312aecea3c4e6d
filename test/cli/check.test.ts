import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SPEC = JSON.stringify({ seed: 3, tensors: [{ name: 'w', shape: [4, 3], initializer: 'ones' }, { name: 'b', shape: [3], initializer: 'zeros' }] });
const gen = (out: string, ...flags: string[]) => runCli(['gen', '--spec', '-', '-o', out, ...flags], { stdin: SPEC });

describe('gen --check', () => {
  it('exits 0 with one line when the output matches, and writes nothing to stdout', async () => {
    await gen(tmp.path('w.safetensors'), '--quiet');
    const r = await gen(tmp.path('w.safetensors'), '--check');
    expect([r.code, r.stderr, r.stdout.length]).toEqual([0, `init-weights: check: ${tmp.path('w.safetensors')} matches (1 file)\n`, 0]);
    expect((await gen(tmp.path('w.safetensors'), '--check', '--quiet')).stderr).toBe('');
  });

  it('exits 1 with a line per differing tensor: name, element, expected and found values', async () => {
    await gen(tmp.path('w.safetensors'), '--quiet');
    const bytes = readFileSync(tmp.path('w.safetensors'));
    bytes.writeFloatLE(-0, bytes.length - 12 - 4 * 7); // w[5] (w is 12 ones, then b's 3 zeros)
    bytes.writeFloatLE(0.5, bytes.length - 4);
    writeFileSync(tmp.path('w.safetensors'), bytes);
    const r = await gen(tmp.path('w.safetensors'), '--check');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe([
      `init-weights: check: ${tmp.path('w.safetensors')}: tensor "w": element 5 differs: expected 1, found -0`,
      `init-weights: check: ${tmp.path('w.safetensors')}: tensor "b": element 2 differs: expected 0, found 0.5`,
      `init-weights: check: ${tmp.path('w.safetensors')} does not match its spec; to regenerate it run the same gen command without --check (with --force)`,
      '',
    ].join('\n'));
  });

  it('names missing and extra files of a directory', async () => {
    await runCli(['gen', '--spec', '-', '-o', tmp.path('d/'), '--quiet'], { stdin: JSON.stringify({ seed: 3, tensors: [...JSON.parse(SPEC).tensors, { name: 'old', shape: [1], initializer: 'ones' }] }) });
    rmSync(tmp.path('d/w.npy'));
    const r = await gen(tmp.path('d/'), '--check', '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stderr);
    expect(j.ok).toBe(false);
    expect(j.problems).toContainEqual({ path: tmp.path('d/w.npy'), kind: 'missing' });
    expect(j.problems).toContainEqual({ path: tmp.path('d/old.npy'), kind: 'extra' });
  });

  it('refuses usage mistakes with exit 2: --force, a drawn seed, and stdout as the output', async () => {
    const forced = await gen(tmp.path('w.npz'), '--check', '--force');
    expect([forced.code, forced.stderr]).toEqual([2, 'init-weights: --check and --force: --check writes nothing; drop one of them\n']);
    const drawn = await runCli(['gen', '--shape', '3', '-o', tmp.path('w.npy'), '--check']);
    expect([drawn.code, drawn.stderr]).toEqual([2, 'init-weights: --check: needs the seed the output was made with (--seed, or "seed" in the spec); a drawn seed never matches\n']);
    const piped = await gen('-', '--check');
    expect([piped.code, piped.stderr]).toEqual([2, 'init-weights: --check: compares with files on disk; give -o PATH, not -o -\n']);
  });
});
