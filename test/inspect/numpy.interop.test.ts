import { expect, it } from 'vitest';
import { inspect } from '../../src/inspect/inspect.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';

/*
 * Against numpy, on files gen writes (1e6 values): quantiles within the stated error, moments to
 * rounding, and for float16 and bfloat16 (exact in the sketch) the very same histogram counts as
 * np.histogram over the same range. Needs the interop Python (skips loudly locally, fails in CI).
 */

const NUMPY = `
import sys, json, numpy as np, ml_dtypes
path, dtype, lo, hi, bins = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
a = np.load(path)
if dtype == 'bfloat16': a = a.view(ml_dtypes.bfloat16)
x = a.astype(np.float64).ravel()
h, _ = np.histogram(x, bins=bins, range=(lo, hi))
print(json.dumps({"mean": x.mean(), "std": x.std(), "q": list(np.percentile(x, [0.1, 1, 25, 50, 75, 99, 99.9])),
  "hist": [int(c) for c in h], "under": int((x < lo).sum()), "over": int((x > hi).sum())}))
`;

describeInterop('inspect agrees with numpy on gen outputs', (python) => {
  const tmp = tempDir();
  for (const dtype of ['float32', 'float16', 'bfloat16', 'float64']) {
    it(`${dtype}: quantiles within the stated error, moments to rounding${dtype.endsWith('16') ? ', histogram counts exactly' : ''}`, async () => {
      const path = tmp.path(`w-${dtype}.npy`);
      const g = await runCli(['gen', '--shape', '1000,1000', '--seed', '11', '--dtype', dtype, '-o', path, '--quiet']);
      expect(g.code, g.stderr).toBe(0);
      const t = (await inspect({ input: path })).tensors[0]!;
      const h = t.histogram!;
      const np = await runPythonJson<{ mean: number; std: number; q: number[]; hist: number[]; under: number; over: number }>(python, { code: NUMPY }, [path, dtype, String(h.lo), String(h.hi), String(h.counts.length)]);
      expect(Math.abs(t.mean! - np.mean)).toBeLessThan(1e-12);
      expect(Math.abs(t.std! / np.std - 1)).toBeLessThan(1e-12);
      t.quantiles.forEach((q, i) => {
        const want = np.q[i]!;
        expect(Math.abs(q.value! - want), `p=${q.p}`).toBeLessThanOrEqual(t.quantileRelativeError * 1.001 * Math.abs(want) + 1e-12);
      });
      if (dtype.endsWith('16')) expect({ counts: h.counts, under: h.underflow, over: h.overflow }).toEqual({ counts: np.hist, under: np.under, over: np.over });
    });
  }
});
