import { readdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Staging } from '../../src/generate/staging.js';
import { removeAllTempsSync } from '../../src/io/cleanup.js';
import { tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const names = ['a.npy', 'b.npy', 'c.npy', 'd.npy'];

/** A staging of `names` in the temp dir, with files 0 and 2 staged (their temps written). */
function staged(): Staging {
  const s = new Staging(names.length, (i) => tmp.path(names[i]!));
  for (const i of [0, 2]) writeFileSync(s.stage(i, false), `new ${i}`);
  return s;
}

describe('files staged by index (no list of paths)', () => {
  it('derive distinct, stable temp names beside the final paths, within the file name limit', () => {
    const long = 'x'.repeat(250);
    const s = new Staging(3, (i) => tmp.path(`${long}${i}.npy`));
    const temps = [0, 1, 2].map((i) => s.temp(i));
    // The three final names share their first 250 characters: the index still tells the temps apart.
    expect(new Set(temps).size).toBe(3);
    expect(temps.map((t) => s.temp(temps.indexOf(t)))).toEqual(temps);
    for (const t of temps) expect(Buffer.byteLength(t.slice(tmp.dir.length + 1))).toBeLessThanOrEqual(255);
    expect(temps[0]!.startsWith(`${tmp.dir}/.`)).toBe(true);
  });

  it('commit moves exactly the staged files into place and leaves no temp', async () => {
    writeFileSync(tmp.path('a.npy'), 'old a');
    const s = staged();
    expect(s.count).toBe(2);
    await s.commit();
    await s.discard();
    expect(readdirSync(tmp.dir).sort()).toEqual(['a.npy', 'c.npy']);
  });

  it('discard (a failed run) removes the temps and leaves the old files as they were', async () => {
    writeFileSync(tmp.path('a.npy'), 'old a');
    await staged().discard();
    expect(readdirSync(tmp.dir)).toEqual(['a.npy']);
  });

  it('a signal handler (removeAllTempsSync) removes the temps not yet committed', () => {
    staged();
    expect(readdirSync(tmp.dir)).toHaveLength(2);
    removeAllTempsSync();
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('refuses an index staged twice or out of range (a temp name would be shared)', () => {
    const s = staged();
    expect(() => s.stage(0, false)).toThrow(/staged twice or out of range/);
    expect(() => s.stage(names.length, false)).toThrow(/staged twice or out of range/);
  });
});
