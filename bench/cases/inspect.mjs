// Bench row: `init-weights inspect` vs numpy doing the same report on 1e8 float32 values (400 MB).
//
// numpy side: np.load(mmap_mode='r'), then mean, std, min, max, the seven percentiles, and a
// 20-bin histogram over the same default range (mean ± 4 std clipped to [min, max]): the work of
// `inspect` minus the KS fit. init-weights side: the whole text report, KS fit included.
// The input is made once with `init-weights gen` and kept in the bench output dir for reuse.

import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const NUMPY_REPORT = `
import sys, numpy as np
a = np.load(sys.argv[1], mmap_mode='r')
mean = a.mean(dtype=np.float64); std = a.std(dtype=np.float64); lo = a.min(); hi = a.max()
q = np.percentile(a, [0.1, 1, 25, 50, 75, 99, 99.9])
h, _ = np.histogram(a, bins=20, range=(max(lo, mean - 4 * std), min(hi, mean + 4 * std)))
print(mean, std, lo, hi, q, h)
`;

export function cases(o, kit) {
  if (o.only !== '' && !'inspect'.includes(o.only) && !o.only.startsWith('inspect')) return [];
  const n = Number(process.env.BENCH_INSPECT_N ?? 1e8);
  const file = kit.join(o.outDir, `inspect-${n}.npy`);
  const bytes = kit.npyBytes(n);
  if (!existsSync(file) || statSync(file).size !== bytes) {
    process.stderr.write(`bench: making ${file} for the inspect row\n`);
    execFileSync(process.execPath, [kit.BIN, 'gen', '--shape', String(n), '--seed', o.seed, '-o', file, '--force', '--quiet'], { stdio: 'inherit' });
  }
  return [
    {
      id: `inspect-${n}`,
      title: 'inspect .npy float32 (report)',
      values: n,
      detail: 'moments, 7 quantiles, 20-bin histogram (+ KS fit for init-weights) of one file',
      commands: [
        { tool: 'init-weights', argv: [process.execPath, kit.BIN, 'inspect', file], stdout: 'devnull' },
        { tool: 'numpy', argv: [o.python, '-c', NUMPY_REPORT, file], stdout: 'devnull' },
      ],
      ratio: ['numpy', 'init-weights'],
    },
  ];
}
