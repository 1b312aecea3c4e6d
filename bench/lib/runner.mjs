// Running a case: each command through bench/measure.py (wall time, peak RSS), alternated A B A B.

import { spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import process from 'node:process';
import { fmtBytes, fmtTime, MiB } from './format.mjs';

/** Python libraries single-threaded unless a command says otherwise (its `env`). */
const PY_ENV = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };

/** One run of a command: { wall, user, sys, rss }; throws when it failed or did not do the whole job. */
export function measure(o, cmd) {
  const r = spawnSync(o.python, [o.measure, '--stdout', cmd.stdout, '--', ...cmd.argv], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { ...PY_ENV, ...cmd.env }, maxBuffer: 16 * MiB, encoding: 'utf8',
  });
  if (r.error) throw new Error(`cannot run ${o.python}: ${r.error.message}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let m;
  try { m = JSON.parse(line); } catch { throw new Error(`measure.py said: ${r.stdout.trim() || '(nothing)'} (exit ${r.status})`); }
  if (m.exit_code !== 0) throw new Error(`${cmd.argv.join(' ')} exited ${m.exit_code}`);
  if (cmd.expect?.fileBytes !== undefined) {
    const size = statSync(cmd.output).size;
    if (size !== cmd.expect.fileBytes) throw new Error(`${cmd.output}: ${size} bytes, expected ${cmd.expect.fileBytes}`);
  }
  if (cmd.expect?.stdoutBytes !== undefined && m.stdout_bytes !== cmd.expect.stdoutBytes) {
    throw new Error(`${cmd.tool}: ${m.stdout_bytes} bytes on stdout, expected ${cmd.expect.stdoutBytes}`);
  }
  if (cmd.output) rmSync(cmd.output, { force: true });
  cmd.after?.();
  return { wall: m.wall_s, user: m.user_s, sys: m.sys_s, rss: m.max_rss_bytes };
}

/** All runs of a case, warm-ups first; samples by tool. */
export function runCase(o, c) {
  const runs = c.runs ?? o.runs;
  const warmup = c.warmup ?? o.warmup;
  const samples = Object.fromEntries(c.commands.map((cmd) => [cmd.tool, []]));
  for (let i = 0; i < warmup + runs; i++) {
    const counted = i >= warmup;
    for (const cmd of c.commands) { // alternate: A B A B ...
      const tag = counted ? `run ${i - warmup + 1}/${runs}` : `warm-up ${i + 1}/${warmup}`;
      process.stderr.write(`  ${c.id.padEnd(16)} ${tag.padEnd(12)} ${cmd.tool.padEnd(13)} `);
      const s = measure(o, cmd);
      process.stderr.write(`${fmtTime(s.wall)}  ${fmtBytes(s.rss)}${counted ? '' : '  (not counted)'}\n`);
      if (counted) samples[cmd.tool].push(s);
    }
  }
  return { ...c, runs, warmup, samples };
}
