import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';

/* Spawned runs of the real bin for the shard tests, and a directory's files by relative path. */

export interface Spawned {
  readonly code: number | null;
  readonly stderr: string;
}

/** Run the bin in `cwd` with extra environment variables; resolves when it exits. */
export function runBin(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.JOB_COMPLETION_INDEX;
    delete base.SLURM_ARRAY_TASK_ID;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Run shards 0..n-1 of the same command at once, as n hosts would. */
export function runShards(args: readonly string[], n: number, cwd: string): Promise<Spawned[]> {
  return Promise.all(Array.from({ length: n }, (_, k) => runBin([...args, '--shard', `${k}/${n}`], cwd)));
}

/** Every regular file below `dir`, relative path → bytes. */
export function filesOf(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = join(dir, rel);
    if (statSync(full).isFile()) out.set(rel, readFileSync(full));
  }
  return out;
}

/** A spec of `n` tensors of uneven sizes (a few large, many small), written to `path`. */
export function writeSpec(path: string, n: number, seed = 7): void {
  const tensors = Array.from({ length: n }, (_, i) => ({
    name: `layers.${i}.weight`,
    shape: i % 3 === 0 ? [64, 40 + i] : [17 + i],
    initializer: i % 2 === 0 ? 'normal' : 'uniform',
  }));
  writeFileSync(path, JSON.stringify({ seed, tensors }));
}
