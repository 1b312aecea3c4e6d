import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, runCli, tempDir } from '../helpers/cli.js';
import { writeSpec } from './helpers.js';

/* Shard runs into a directory that already holds files: left alone when the same, --force to replace. */

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
  writeSpec(tmp.path('spec.json'), 7);
});
afterEach(() => tmp.cleanup());

const gen = (...flags: string[]) => runCli(['gen', '--spec', tmp.path('spec.json'), '-o', tmp.path('out/'), '-q', ...flags]);

async function allShards(n: number, ...flags: string[]): Promise<void> {
  for (let k = 0; k < n; k++) expect((await gen('--shard', `${k}/${n}`, ...flags)).code).toBe(0);
}

/** Relative path → mtime of every file below out/, after setting them all to 2001. */
function aged(): Map<string, number> {
  const out = new Map<string, number>();
  for (const rel of readdirSync(tmp.path('out'), { recursive: true, encoding: 'utf8' })) {
    const full = join(tmp.path('out'), rel);
    if (!statSync(full).isFile()) continue;
    utimesSync(full, new Date('2001-01-01'), new Date('2001-01-01'));
    out.set(rel, statSync(full).mtimeMs);
  }
  return out;
}

function mtimes(): Map<string, number> {
  const out = new Map<string, number>();
  for (const rel of readdirSync(tmp.path('out'), { recursive: true, encoding: 'utf8' })) {
    const full = join(tmp.path('out'), rel);
    if (statSync(full).isFile()) out.set(rel, statSync(full).mtimeMs);
  }
  return out;
}

const manifest = () => JSON.parse(readFileSync(tmp.path('out/manifest.json'), 'utf8')) as { shard?: unknown; files: { sha256?: string }[] };

describe('gen --shard onto existing files', () => {
  it('running every shard again changes nothing (not even an mtime) and says unchanged', async () => {
    await allShards(3);
    const before = aged();
    for (let k = 0; k < 3; k++) {
      const r = await runCli(['gen', '--spec', tmp.path('spec.json'), '-o', tmp.path('out/'), '--shard', `${k}/3`]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('unchanged');
    }
    expect(mtimes()).toEqual(before);
  });

  it('a shard whose files differ (another seed) is refused without --force, and replaces them with it', async () => {
    await allShards(2);
    const before = aged();
    const r = await gen('--shard', '1/2', '--seed', '99');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/already exists; pass --force to replace it\n$/);
    expect(mtimes()).toEqual(before);
    expect((await gen('--shard', '1/2', '--seed', '99', '--force')).code).toBe(0);
    expect((await gen('--shard', '1/2', '--seed', '99', '--check')).code).toBe(0);
    expect((await gen('--shard', '0/2', '--seed', '99', '--check')).code).toBe(1);
  });

  it('a single run over a sharded output only adds the sha256s to the manifest; shards after it leave that manifest alone', async () => {
    await allShards(3);
    expect(manifest().shard).toEqual({ count: 3 });
    expect((await gen()).code).toBe(0); // no --force needed: the same output
    expect(manifest().shard).toBeUndefined();
    expect(manifest().files.every((f) => typeof f.sha256 === 'string')).toBe(true);
    const before = aged();
    await allShards(3);
    expect(mtimes()).toEqual(before);
    expect((await gen('--check')).code).toBe(0);
  });

  it('a check of a sharded output finds a changed file, through the shard that owns it only', async () => {
    await allShards(3);
    const path = tmp.path('out/layers.0.weight.npy');
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(path, bytes);
    const results = [];
    for (let k = 0; k < 3; k++) results.push((await gen('--check', '--shard', `${k}/3`)).code);
    expect(results.filter((c) => c === 1)).toHaveLength(1);
    expect(results.filter((c) => c === 0)).toHaveLength(2);
    expect((await gen('--check')).code).toBe(1);
  });

  it('a shard that fails mid-write (file size limit) exits 1 and leaves no partial or temp file', () => {
    writeFileSync(tmp.path('big.json'), JSON.stringify({ seed: 1, tensors: [{ name: 'big', shape: [1000, 1000], initializer: 'normal' }, { name: 'small', shape: [10], initializer: 'zeros' }] }));
    const r = spawnSync('bash', ['-c', `ulimit -f 1024; exec "${process.execPath}" "${BIN}" gen --spec big.json -o out/ --shard 0/2`], { cwd: tmp.dir, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(tmp.path('out'), { recursive: true, encoding: 'utf8' }).filter((f) => !statSync(join(tmp.path('out'), f)).isDirectory())).toEqual([]);
  });
});
