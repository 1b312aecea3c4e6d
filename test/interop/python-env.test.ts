/* How the interop suites find their Python, and when a missing one fails rather than skips. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inCI, locatePython, REPO_ROOT } from '../helpers/python.js';

describe('the interop Python', () => {
  it('counts as CI when $CI is set to anything but "", "false" or "0"', () => {
    expect(inCI({ CI: 'true' })).toBe(true);
    expect(inCI({ CI: '1' })).toBe(true);
    expect(inCI({})).toBe(false);
    expect(inCI({ CI: '' })).toBe(false);
    expect(inCI({ CI: 'false' })).toBe(false);
    expect(inCI({ CI: '0' })).toBe(false);
  });

  it('is missing, not explicit, when the repository has no .venv (so a local run may skip)', () => {
    const found = locatePython({}, join(tmpdir(), 'no-such-init-weights-repo'));
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.explicit).toBe(false);
      expect(found.problem).toMatch(/no interop Python at .*\.venv\/bin\/python/);
    }
  });

  it('is explicit when INIT_WEIGHTS_PYTHON names it, so a broken one fails even locally', () => {
    const found = locatePython({ INIT_WEIGHTS_PYTHON: join(tmpdir(), 'no-such-python') });
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.explicit).toBe(true);
      expect(found.problem).toMatch(/INIT_WEIGHTS_PYTHON=.*no-such-python/);
    }
  });

  it('is explicit and found wrong when INIT_WEIGHTS_PYTHON cannot import numpy and ml_dtypes', () => {
    const found = locatePython({ INIT_WEIGHTS_PYTHON: process.execPath }, REPO_ROOT); // node is no python
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.explicit).toBe(true);
  });
});
