import type { ShardChoice } from '../generate/shard.js';
import { flagError } from './flags.js';

/*
 * `--shard i/n`: shard i (0-based) of n. `auto/n` takes i from the scheduler: JOB_COMPLETION_INDEX
 * (a Kubernetes Indexed Job, 0-based), else SLURM_ARRAY_TASK_ID (a Slurm job array) taken as it
 * is, so the array must be --array=0-(n-1). The task id is not shifted by SLURM_ARRAY_TASK_MIN on
 * purpose: re-running one failed task alone (--array=2) must still write shard 2, and an array
 * numbered from 1 then fails loudly on its last task instead of silently leaving shard 0 unwritten.
 */

/** Environment variables `auto` reads, in order, and the scheduler each belongs to. */
export const SHARD_INDEX_VARS = [
  ['JOB_COMPLETION_INDEX', 'Kubernetes Indexed Job'],
  ['SLURM_ARRAY_TASK_ID', 'Slurm job array'],
] as const;

const WHOLE = /^\d{1,15}$/;

/** Parse `--shard` as given, reading the index from `env` for `auto/n`. */
export function parseShardFlag(raw: string, env: Readonly<Record<string, string | undefined>>): ShardChoice {
  const m = /^([^/]*)\/([^/]*)$/.exec(raw.trim());
  if (m === null) throw flagError('--shard', 'must be i/n (shard i of n, counted from 0) or auto/n', raw);
  const [, i, n] = m as unknown as [string, string, string];
  if (!WHOLE.test(n)) throw flagError('--shard', 'n (the shard count, after the /) must be a whole number', raw);
  const count = Number(n);
  if (count < 1) throw flagError('--shard', 'n (the shard count) must be at least 1', raw);
  const index = i === 'auto' ? indexFromEnv(raw, count, env) : WHOLE.test(i) ? Number(i) : undefined;
  if (index === undefined) throw flagError('--shard', 'i (before the /) must be a whole number or auto', raw);
  if (index >= count) throw flagError('--shard', `i must be below n: shards are numbered 0 to ${count - 1}`, raw);
  return { index, count };
}

function indexFromEnv(raw: string, count: number, env: Readonly<Record<string, string | undefined>>): number {
  for (const [name, scheduler] of SHARD_INDEX_VARS) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (!WHOLE.test(value.trim())) throw flagError('--shard', `auto reads ${name} (${scheduler}), which must be a whole number`, value);
    const index = Number(value.trim());
    if (index >= count) {
      const hint = name === 'SLURM_ARRAY_TASK_ID' ? `; number the array from 0 (#SBATCH --array=0-${count - 1})` : '; set completions to n';
      throw flagError('--shard', `auto read ${name}=${index}, not below n=${count}${hint}`, raw);
    }
    return index;
  }
  const names = SHARD_INDEX_VARS.map(([name, scheduler]) => `${name} (${scheduler})`).join(' or ');
  throw flagError('--shard', `auto reads the index from ${names}, and neither is set; give it, like --shard 0/${count}`, raw);
}
