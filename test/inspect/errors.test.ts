import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { f32, fixture, npyBytes, runInspectCli, safetensorsBytes, zipBytes } from './helpers.js';

/*
 * Untrusted input: every malformed file gives exactly one line on stderr, naming the input and the
 * problem, and exit 1; never a stack trace, an internal error, or a hang.
 */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const NPY = "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }";
const good = npyBytes(NPY, f32([1, 2, 3, 4]));
const F = (n: number): Buffer => f32(Array.from({ length: n }, (_, i) => i));

function tarOf(name: Buffer, body: Buffer, type = '0'): Buffer {
  const h = Buffer.alloc(512);
  name.copy(h, 0, 0, Math.min(100, name.length));
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.fill(0x20, 148, 156);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return Buffer.concat([h, body, Buffer.alloc((512 - (body.length % 512)) % 512), Buffer.alloc(1024)]);
}

const CASES: { what: string; bytes: Buffer; problem: RegExp }[] = [
  { what: 'a .npy cut in its data', bytes: good.subarray(0, good.length - 3), problem: /needs 16 bytes of float32 data, only 13 present/ },
  { what: 'a .npy whose shape is larger than its data', bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000, 1000), }", F(4)), problem: /shape \(1000, 1000\) needs 4000000 bytes/ },
  { what: 'a .npy with a negative dimension', bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }", F(4)), problem: /negative dimension/ },
  { what: 'a .npy with huge dimensions', bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", F(4)), problem: /too many elements/ },
  { what: 'a .npy header length past the end', bytes: Buffer.concat([good.subarray(0, 8), Buffer.from([0xff, 0xff]), good.subarray(10, 40)]), problem: /header length 65535 runs past the end/ },
  { what: 'a .npy of 16-bit integers', bytes: npyBytes("{'descr': '<i2', 'fortran_order': False, 'shape': (4,), }", F(4)), problem: /unsupported dtype "<i2"/ },
  { what: 'a .npy with garbage after the array', bytes: Buffer.concat([good, Buffer.from('xyz')]), problem: /data after the array/ },
  { what: 'a .npy header with a newline and escape codes in a dimension', bytes: npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4\n\x1b[2J,), }", F(4)), problem: /dimension that is not an integer/ },
  { what: 'an empty input', bytes: Buffer.alloc(0), problem: /empty input/ },
  { what: 'text that is no weights format', bytes: Buffer.from('hello world, this is not a weights file'), problem: /not a weights file inspect can read/ },
  {
    what: 'safetensors offsets that overlap',
    bytes: safetensorsBytes({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, F(3)),
    problem: /tensor "b": data_offsets overlap the previous tensor/,
  },
  {
    what: 'safetensors offsets that leave a hole',
    bytes: safetensorsBytes({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, F(3)),
    problem: /a hole in the data before offset 8/,
  },
  {
    what: 'safetensors whose shape disagrees with its offsets',
    bytes: safetensorsBytes({ a: { dtype: 'F32', shape: [100], data_offsets: [0, 8] } }, F(2)),
    problem: /shape \(100,\) of F32 is 400 bytes, data_offsets \[0, 8\] hold 8/,
  },
  {
    what: 'safetensors data shorter than the header declares',
    bytes: safetensorsBytes({ a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, F(2)),
    problem: /truncated: the header declares 16 data bytes, the file has 8/,
  },
  { what: 'a safetensors header length past the end', bytes: Buffer.concat([Buffer.from([0x10, 0x27, 0, 0, 0, 0, 0, 0]), Buffer.from('{"a": 1}')]), problem: /header length 10000 runs past the end/ },
  { what: 'a zip member that is not .npy', bytes: zipBytes(Buffer.from('notes.txt'), Buffer.from('hello')), problem: /zip member "notes.txt" is not a \.npy file/ },
  { what: 'a zip member name that is not UTF-8', bytes: zipBytes(Buffer.from([0x77, 0xff, 0xfe, 0x2e, 0x6e, 0x70, 0x79]), good), problem: /name is not valid UTF-8/ },
  { what: 'a zip member whose .npy is cut short', bytes: zipBytes(Buffer.from('w.npy'), good.subarray(0, good.length - 6)), problem: /member "w.npy": shape \(4,\) needs 16 bytes of float32 data, only 10 present/ },
  { what: 'a tar member that is not .npy', bytes: tarOf(Buffer.from('README'), Buffer.from('hi')), problem: /tar member "README" is not a \.npy file/ },
  { what: 'a tar member name that is not UTF-8', bytes: tarOf(Buffer.from([0x61, 0xc3, 0x28, 0x2e, 0x6e, 0x70, 0x79]), good), problem: /name is not valid UTF-8/ },
  { what: 'a tar header with a bad checksum', bytes: (() => { const t = tarOf(Buffer.from('w.npy'), good); t[0] = 0x78; return t; })(), problem: /bad checksum/ },
  { what: 'an Arrow file with a string column', bytes: readFileSync(fixture('wrong_type.arrow')), problem: /column "label": type Utf8 is not a column \(or fixed-size list\) of floats, int64, int32, uint8 or bool/ },
  { what: 'an Arrow stream cut in a record batch', bytes: readFileSync(fixture('tensors.arrows')).subarray(0, 1500), problem: /truncated/ },
];

describe('inspect on malformed input', () => {
  for (const c of CASES) {
    it(`${c.what}: one line naming the file and the problem, exit 1`, async () => {
      const path = tmp.path(`case-${CASES.indexOf(c)}.bin`);
      writeFileSync(path, c.bytes);
      const r = await runInspectCli(['inspect', path]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^init-weights: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [^\\n]*\\n$`));
      expect(r.stderr).toMatch(c.problem);
    });
    it(`${c.what}: the same from a pipe`, async () => {
      const r = await runInspectCli(['inspect', '-'], { stdin: c.bytes });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^init-weights: stdin: [^\n]*\n$/);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }

  it('a file that does not exist', async () => {
    const r = await runInspectCli(['inspect', tmp.path('nope.npy')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.npy: no such file\n$/);
  });

  it('a manifest whose path leaves the directory', async () => {
    const dir = tmp.path('escape');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(`${dir}/manifest.json`, JSON.stringify({ files: [{ tensor: 'w', path: '../case-0.npy' }] }));
    const r = await runInspectCli(['inspect', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/path "\.\.\/case-0\.npy" leaves the directory/);
  });
});
