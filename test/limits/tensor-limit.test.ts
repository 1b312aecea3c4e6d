import { readdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { MAX_TENSORS } from '../../src/weights-spec/types.js';

/* Issue 9 #8: past MAX_TENSORS a spec is refused in one line, exit 2, before any per-tensor work. */
const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('the tensor count limit', () => {
  it(`refuses a spec of MAX_TENSORS + 1 (${MAX_TENSORS + 1}) tensors with one line, exit 2, nothing written`, async () => {
    const spec = tmp.path('over.json');
    // One entry repeated: the count is refused before names (all the same here) are looked at.
    const entry = JSON.stringify({ name: 'same', shape: [1], initializer: 'zeros' });
    writeFileSync(spec, `{"seed":1,"tensors":[${new Array<string>(MAX_TENSORS + 1).fill(entry).join(',')}]}`);
    const r = await runCli(['gen', '--spec', spec, '-o', tmp.path('out.npz'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`must list at most ${MAX_TENSORS} tensors, got ${MAX_TENSORS + 1}`);
    expect(readdirSync(tmp.dir)).toEqual(['over.json']);
  });
});
