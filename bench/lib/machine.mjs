// What the report says about the machine and the versions it ran.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fail } from './options.mjs';
import { measure } from './runner.mjs';

function tryRun(file, args, opts = {}) {
  try { return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], ...opts }).trim(); } catch { return undefined; }
}

/** CPU, cores, memory, versions, and the RSS floor of the method (/bin/true). */
export function machineInfo(o, root) {
  let cpu = os.cpus()[0]?.model?.trim();
  if (!cpu || cpu === 'unknown') {
    const m = /^model name\s*:\s*(.+)$/m.exec(tryRun('cat', ['/proc/cpuinfo']) ?? '');
    cpu = m?.[1] ?? 'unknown';
  }
  const py = tryRun(o.python, ['-c', 'import sys, numpy; print(sys.version.split()[0], numpy.__version__)']);
  if (!py) fail(`${o.python} cannot import numpy: run scripts/python-env.sh, or give --python / BENCH_PYTHON`);
  const [pythonVersion, numpyVersion] = py.split(' ');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const commit = tryRun('git', ['rev-parse', '--short', 'HEAD'], { cwd: root });
  const dirty = tryRun('git', ['status', '--porcelain', '--', 'src', 'bin', 'package.json'], { cwd: root });
  const floor = measure(o, { tool: 'floor', argv: ['/bin/true'], stdout: 'devnull' }).rss;
  return {
    cpu, cores: os.cpus().length, parallelism: os.availableParallelism?.() ?? os.cpus().length,
    os: `${os.type()} ${os.release()} ${os.arch()}`, memory: os.totalmem(),
    node: process.version, python: pythonVersion, numpy: numpyVersion,
    initWeights: `${pkg.version}${commit ? ` (git ${commit}${dirty ? ', src modified' : ''})` : ''}`,
    rssFloor: floor,
    load: os.loadavg(),
  };
}
