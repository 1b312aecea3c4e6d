import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, ftruncateSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { summaryJson, summaryText } from '../../src/cli/commands/gen.js';
import { readAllText } from '../../src/cli/io.js';
import { MAX_SPEC_BYTES } from '../../src/generate/bounded-read.js';
import type { GenerateResult } from '../../src/generate/generate.js';
import type { WeightsSpec } from '../../src/weights-spec/types.js';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('gen reads a spec only from a regular file of bounded size', () => {
  it('refuses a FIFO at once (exit 2) instead of waiting for a writer', async () => {
    expect(spawnSync('mkfifo', [tmp.path('f')]).status).toBe(0);
    const r = await runCli(['gen', '--spec', tmp.path('f'), '-o', tmp.path('w.npy')]);
    expect([r.code, r.stderr]).toEqual([2, `init-weights: --spec: cannot read ${JSON.stringify(tmp.path('f'))}: not a regular file (a directory, a FIFO or a device); give a spec file, or - for stdin\n`]);
    expect(readdirSync(tmp.dir)).toEqual(['f']);
  });

  it('refuses a device such as /dev/zero without reading it', async () => {
    const r = await runCli(['gen', '--spec', '/dev/zero', '-o', tmp.path('w.npy')]);
    expect([r.code, r.stderr]).toEqual([2, 'init-weights: --spec: cannot read "/dev/zero": not a regular file (a directory, a FIFO or a device); give a spec file, or - for stdin\n']);
  });

  it('refuses a spec file one byte over 64 MiB (a sparse file: nothing is read)', async () => {
    const fd = openSync(tmp.path('big.json'), 'w');
    ftruncateSync(fd, MAX_SPEC_BYTES + 1);
    closeSync(fd);
    const r = await runCli(['gen', '--spec', tmp.path('big.json'), '-o', tmp.path('w.npy')]);
    expect([r.code, r.stderr]).toEqual([2, `init-weights: --spec: cannot read ${JSON.stringify(tmp.path('big.json'))}: larger than 64 MiB, the largest spec read\n`]);
    expect(readdirSync(tmp.dir)).toEqual(['big.json']);
  });

  it('stops reading stdin one byte past the cap', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 1000;
        this.push(Buffer.alloc(1000, 0x20));
      },
    });
    expect(await readAllText(endless, 10_000)).toBeUndefined();
    expect(pulled).toBeLessThanOrEqual(10_000 + 1000 * 17); // the cap plus what the stream read ahead (highWaterMark 16 KiB)
    expect(await readAllText(Readable.from([Buffer.from('{"a":'), Buffer.from('1}')]), 7)).toBe('{"a":1}');
  });
});

describe('the summary of a spec with very many tensors', () => {
  it('is built without spreading the tensor list into a call (300,000 tensors)', () => {
    const n = 300_000;
    const tensors = Array.from({ length: n }, (_, i) => ({ name: `t${i}`, shape: [i % 7], dtype: 'float32', seed: 1, size: i % 7, initializer: { type: 'zeros', params: {} } }));
    const spec = { seed: 1, seedDrawn: false, dtype: 'float32', tensors } as unknown as WeightsSpec;
    const result: GenerateResult = { output: 'w.safetensors', format: 'safetensors', layout: 'file', seed: 1, seedDrawn: false, streamVersion: 1, toolVersion: 'x', files: [], unchanged: false };
    const text = summaryText(spec, result);
    expect(text.split('\n')).toHaveLength(n + 3);
    expect(text.endsWith(`\n  t${n - 1}  float32   (${(n - 1) % 7},)  zeros\n  seed 1, stream v1, init-weights x\n`)).toBe(true);
    expect((summaryJson(spec, result).tensors as unknown[]).length).toBe(n);
  });
});
