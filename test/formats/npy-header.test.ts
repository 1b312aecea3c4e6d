import { describe, expect, it } from 'vitest';
import { encodeNpyHeader } from '../../src/formats/npy/header.js';

/** The header dicts numpy 2.4 writes for np.zeros(shape, np.float32) (np.save, read back by hand). */
const NUMPY: [number[], string][] = [
  [[784, 128], "{'descr': '<f4', 'fortran_order': False, 'shape': (784, 128), }"],
  [[5], "{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"],
  [[], "{'descr': '<f4', 'fortran_order': False, 'shape': (), }"],
  [[3, 0, 2], "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0, 2), }"],
];

describe('the .npy header', () => {
  for (const [shape, dict] of NUMPY) {
    it(`matches numpy's layout for shape ${JSON.stringify(shape)}: magic, version 1.0, dict, spaces, newline, 64-byte aligned`, () => {
      const h = encodeNpyHeader('<f4', shape);
      expect(h.subarray(0, 8)).toEqual(Buffer.from('\x93NUMPY\x01\x00', 'latin1'));
      expect(h.length % 64).toBe(0);
      expect(h.readUInt16LE(8)).toBe(h.length - 10);
      const text = h.subarray(10).toString('latin1');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.trimEnd()).toBe(dict);
      expect(h.length).toBe(128);
    });
  }

  it('uses version 2.0 (4-byte length) only when the header does not fit in 65535 bytes', () => {
    const shape = Array.from({ length: 32 }, () => 9_007_199);
    expect(encodeNpyHeader('<f4', shape)[6]).toBe(1);
    // Not reachable with rank <= 32, so exercise it through a long descr.
    const h = encodeNpyHeader(`<f4${' '.repeat(70000)}`, [1]);
    expect(h[6]).toBe(2);
    expect(h.readUInt32LE(8)).toBe(h.length - 12);
    expect(h.length % 64).toBe(0);
  });
});
