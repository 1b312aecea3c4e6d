import { existsSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseShardFlag } from '../../src/cli/shard-flag.js';
import { assignShards } from '../../src/generate/shard.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { runBin, writeSpec } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('parseShardFlag', () => {
  it('reads i/n, counted from 0', () => {
    expect(parseShardFlag('0/1', {})).toEqual({ index: 0, count: 1 });
    expect(parseShardFlag('2/3', {})).toEqual({ index: 2, count: 3 });
  });

  it('auto/n takes a Kubernetes JOB_COMPLETION_INDEX first, then a Slurm SLURM_ARRAY_TASK_ID as it is', () => {
    expect(parseShardFlag('auto/4', { JOB_COMPLETION_INDEX: '3', SLURM_ARRAY_TASK_ID: '1' })).toEqual({ index: 3, count: 4 });
    expect(parseShardFlag('auto/4', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: '1' })).toEqual({ index: 1, count: 4 });
    expect(parseShardFlag('auto/4', { JOB_COMPLETION_INDEX: '', SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 0, count: 4 });
  });

  it.each([
    ['3/3', /i must be below n: shards are numbered 0 to 2/],
    ['0/0', /shard count\) must be at least 1/],
    ['x/2', /i \(before the \/\) must be a whole number or auto/],
    ['1.5/3', /whole number or auto/],
    ['1/2.0', /shard count, after the \/\) must be a whole number/],
    ['-1/3', /whole number or auto/],
    ['1/2/3', /must be i\/n/],
    ['3', /must be i\/n/],
    ['auto/3', /JOB_COMPLETION_INDEX \(Kubernetes Indexed Job\) or SLURM_ARRAY_TASK_ID \(Slurm job array\), and neither is set/],
  ])('%s is refused: %s', (raw, message) => {
    expect(() => parseShardFlag(raw, {})).toThrow(message);
  });

  it('auto with an index the scheduler numbered past n (a Slurm array from 1) is refused, saying how to number it', () => {
    expect(() => parseShardFlag('auto/3', { SLURM_ARRAY_TASK_ID: '3' })).toThrow(/--array=0-2/);
    expect(() => parseShardFlag('auto/3', { JOB_COMPLETION_INDEX: 'one' })).toThrow(/JOB_COMPLETION_INDEX .* must be a whole number/);
  });
});

describe('assignShards', () => {
  const parts = (sizes: number[]) => resolveSpec({ seed: 1, tensors: sizes.map((n, i) => ({ name: `t${i}`, shape: [n], initializer: 'zeros' })) }).tensors.map((t) => ({ path: `${t.name}.npy`, tensors: [t] }));

  it('puts each file on exactly one shard, the largest first onto the lightest shard', () => {
    // 100 → 0, 60 → 1, 50 → 2, 40 → 2 (50 < 60), 10 → 1 (60 < 90 and 100)
    expect(assignShards(parts([10, 100, 40, 60, 50]), 3)).toEqual([1, 0, 2, 1, 2]);
  });

  it('depends on the plan alone: the same on every call, and one shard takes everything', () => {
    const p = parts([5, 5, 5, 5, 7, 1000, 3]);
    expect(assignShards(p, 4)).toEqual(assignShards(p, 4));
    expect(assignShards(p, 1)).toEqual(new Array(7).fill(0));
  });

  it('balances bytes: no shard holds more than the average plus the largest file', () => {
    const sizes = Array.from({ length: 200 }, (_, i) => ((i * 7919) % 997) + 1);
    const owner = assignShards(parts(sizes), 7);
    const load = new Array(7).fill(0) as number[];
    owner.forEach((s, i) => (load[s] = (load[s] ?? 0) + sizes[i]!));
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(Math.max(...load)).toBeLessThanOrEqual(total / 7 + Math.max(...sizes));
  });
});

describe('gen --shard: bad requests are one line, exit 2, nothing written', () => {
  it.each([
    [['--shard', '3/3'], '--shard: i must be below n'],
    [['--shard', '0/0'], '--shard: n (the shard count) must be at least 1'],
    [['--shard', 'a/2'], '--shard: i (before the /) must be a whole number'],
    [['--shard', '1/2/3'], '--shard: must be i/n'],
    [['--shard', 'auto/2'], 'neither is set'],
  ])('%j', async (flags, message) => {
    const r = await runCli(['gen', '--seed', '1', '-o', tmp.path('out/'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it.each([
    ['a single .npy', ['--shape', '4,4', '-o', 'w.npy'], 'this output is one file'],
    ['an .npz', ['-o', 'w.npz'], 'this output is one file'],
    ['a tar', ['-o', 'w.tar'], 'this output is one file'],
    ['an arrow file', ['--shape', '4,4', '-o', 'w.arrow'], 'this output is one file'],
    ['one safetensors file', ['-o', 'w.safetensors'], 'this output is one file'],
    ['stdout', ['-o', '-'], 'this output is a stream'],
  ])('a one-file output (%s) is refused', async (_what, flags, message) => {
    const args = ['gen', '--seed', '1', '--shard', '0/2', ...flags.map((f) => (f.includes('.') ? tmp.path(f) : f))];
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^init-weights: --shard: splits the files of a directory output .*${message}: give a directory \\(like -o weights/\\)\\n$`));
    expect(r.stdout.length).toBe(0);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });

  it('--print-spec with --shard is refused (the spec is the same for every shard)', async () => {
    const r = await runCli(['gen', '--seed', '1', '--print-spec', '--shard', '0/2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--print-spec and --shard');
    expect(r.stdout.length).toBe(0);
  });
});

describe('gen --shard auto/n from the scheduler, spawned', () => {
  it('JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID pick the shard; both runs make the whole output', async () => {
    writeSpec(tmp.path('spec.json'), 5);
    const k8s = await runBin(['gen', '--spec', 'spec.json', '-o', 'out/', '--shard', 'auto/2'], tmp.dir, { JOB_COMPLETION_INDEX: '1' });
    expect(k8s.stderr).toMatch(/shard 1\/2: \d+ of 6 files/);
    expect(existsSync(tmp.path('out/manifest.json'))).toBe(false);
    const slurm = await runBin(['gen', '--spec', 'spec.json', '-o', 'out/', '--shard', 'auto/2'], tmp.dir, { SLURM_ARRAY_TASK_ID: '0' });
    expect(slurm.stderr).toMatch(/shard 0\/2: \d+ of 6 files/);
    expect((await runBin(['gen', '--spec', 'spec.json', '-o', 'out/', '--check'], tmp.dir)).code).toBe(0);
  });

  it('auto with neither variable set: exit 2, one line, nothing written', async () => {
    const r = await runBin(['gen', '--seed', '1', '-o', 'out/', '--shard', 'auto/2'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(tmp.path('out'))).toBe(false);
  });
});
