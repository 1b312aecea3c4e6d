/*
 * The format interop suites need more than numpy: pyarrow, polars, safetensors and torch (all in
 * requirements-interop.txt). Same rule as describeInterop: in CI, or when INIT_WEIGHTS_PYTHON was
 * given, a missing package fails the suite, naming the fix; in a local run it skips loudly.
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { describeInterop, inCI, interopPython } from '../helpers/python.js';

export const FORMAT_PACKAGES = ['pyarrow', 'polars', 'safetensors', 'torch'] as const;

function missingPackages(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', `import ${FORMAT_PACKAGES.join(', ')}`], { encoding: 'utf8', timeout: 120_000 });
  if (probe.status === 0) return undefined;
  return (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`) || 'cannot import them';
}

/** describeInterop, plus a check that the Python has the format readers. */
export function describeFormatInterop(name: string, body: (python: string) => void): void {
  const found = interopPython();
  const problem = found.ok ? missingPackages(found.python) : undefined;
  if (problem === undefined) {
    describeInterop(name, body);
    return;
  }
  const fix = `run scripts/python-env.sh (it installs ${FORMAT_PACKAGES.join(', ')} from requirements-interop.txt)`;
  // Reached only when the Python itself was found: then CI, or an explicitly named Python, must have them.
  if (inCI() || (process.env.INIT_WEIGHTS_PYTHON ?? '') !== '') {
    describe(name, () => {
      it('has pyarrow, polars, safetensors and torch in the interop Python', () => {
        throw new Error(`interop Python lacks the format readers (${problem}): ${fix}.`);
      });
    });
    return;
  }
  const bar = '!'.repeat(100);
  console.warn(`\n${bar}\n!!! FORMAT INTEROP TESTS SKIPPED: the interop Python lacks the format readers (${problem}).\n!!! To run them: ${fix}.\n${bar}\n`);
  describe.skip(name, () => body(''));
}
