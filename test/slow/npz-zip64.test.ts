import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { resolveSpec, tensorValues } from '../../src/index.js';
import { describeInterop, runPythonJson } from '../helpers/python.js';

/*
 * ZIP64 for real: a .npz whose first member is 4.4 GB (past the 4 GiB of classic zip fields) and
 * whose second member therefore starts past 4 GiB, so the member sizes, a local header offset and
 * the central directory's offset all need ZIP64 records. numpy and python -m zipfile read it.
 */
const RUN = fileURLToPath(new URL('../../dist/cli/run.js', import.meta.url));
const BIG = 1_100_000_000;
const dir = mkdtempSync(join(tmpdir(), 'iw-zip64-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPEC = { seed: 64, dtype: 'float32', tensors: [
  { name: 'big', shape: [BIG], initializer: { type: 'normal', mean: 0, stddev: 0.05 } },
  { name: 'after/small', shape: [3, 5], initializer: { type: 'normal', mean: 1, stddev: 2 } },
] };

const CHECK = `
import json, subprocess, sys, zipfile
import numpy as np
path = sys.argv[1]
zf = zipfile.ZipFile(path)
infos = {i.filename: {"size": i.file_size, "offset": i.header_offset} for i in zf.infolist()}
# The big member through numpy's own .npy reader, without holding 4.4 GB: header, head, then a seek to the tail.
with zf.open("big.npy") as f:
    version = np.lib.format.read_magic(f)
    read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = read_header(f)
    start = f.tell()
    head = np.frombuffer(f.read(12), dtype=dtype)
    f.seek(start + (shape[0] - 5) * 4)
    tail = np.frombuffer(f.read(20), dtype=dtype)
z = np.load(path)
out = {"infos": infos, "big_shape": list(shape), "big_tail": tail.astype(float).tolist(), "big_head": head.astype(float).tolist(),
       "small": z["after/small"].astype(float).tolist()}
r = subprocess.run([sys.executable, "-m", "zipfile", "-t", path], capture_output=True, text=True)
out["zipfile_t"] = [r.returncode, r.stdout.strip(), r.stderr.strip()]
print(json.dumps(out))
`;

// The file is 4.4 GB: on a machine without room for it (plus margin) the test is reported as
// skipped, loudly, rather than failing for want of disk.
const fs = statfsSync(tmpdir());
const freeBytes = fs.bavail * fs.bsize;
const ROOM = freeBytes > 10 * 2 ** 30;
if (!ROOM) console.warn(`!!! ZIP64 test skipped: only ${(freeBytes / 2 ** 30).toFixed(1)} GiB free in ${tmpdir()}, it needs 10 GiB`);

describeInterop('a .npz past 4 GiB (ZIP64)', (python) => {
  it.runIf(ROOM)('numpy reads a 4.4 GB member (header, first and last values) and loads the member after it; python -m zipfile -t checks every CRC', async () => {
    const specPath = join(dir, 'spec.json');
    writeFileSync(specPath, JSON.stringify(SPEC));
    const out = join(dir, 'big.npz');
    const gen = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { run } = await import(${JSON.stringify(RUN)});
      process.exitCode = await run(['gen', '--spec', ${JSON.stringify(specPath)}, '--quiet', '-o', ${JSON.stringify(out)}]);
    `], { encoding: 'utf8', timeout: 600_000 });
    expect(gen.status, gen.stderr).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(2 ** 32);

    const r = await runPythonJson<{ infos: Record<string, { size: number; offset: number }>; big_shape: number[]; big_tail: number[]; big_head: number[]; small: number[][]; zipfile_t: [number, string, string] }>(
      python, { code: CHECK }, [out], { timeoutMs: 600_000 });
    expect(r.infos['big.npy']!.size).toBe(128 + BIG * 4);
    expect(r.infos['after/small.npy']!.offset).toBeGreaterThan(2 ** 32);
    expect(r.big_shape).toEqual([BIG]);
    const spec = resolveSpec(SPEC);
    expect(r.big_head).toEqual([...tensorValues(spec.tensors[0]!, 0, 3)]);
    expect(r.big_tail).toEqual([...tensorValues(spec.tensors[0]!, BIG - 5, 5)]);
    expect(r.small.flat()).toEqual([...tensorValues(spec.tensors[1]!)]);
    expect(r.zipfile_t).toEqual([0, 'Done testing', '']);
  }, 900_000);
});
