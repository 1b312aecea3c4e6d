import { describe, expect, it } from 'vitest';
import {
  deflatedBound,
  encodeCentralHeader,
  encodeDataDescriptor,
  encodeEnd,
  encodeLocalHeader,
  memberNeedsZip64,
  METHOD_DEFLATE,
  METHOD_STORED,
  ZIP32_MAX,
} from '../../src/formats/npz/header.js';

const GiB = 2 ** 30;

describe('zip records for a streamed .npz', () => {
  it('a local header announces a data descriptor and UTF-8 name, with zero CRC and sizes', () => {
    const h = encodeLocalHeader('dense_1/kernel.npy', METHOD_STORED, false);
    expect(h.readUInt32LE(0)).toBe(0x04034b50);
    expect(h.readUInt16LE(4)).toBe(20);
    expect(h.readUInt16LE(6)).toBe(0x0808);
    expect(h.readUInt16LE(8)).toBe(0);
    expect(h.readUInt32LE(14)).toBe(0);
    expect(h.readUInt32LE(18)).toBe(0);
    expect(h.readUInt32LE(22)).toBe(0);
    expect(h.readUInt16LE(26)).toBe(18);
    expect(h.readUInt16LE(28)).toBe(0);
    expect(h.subarray(30).toString('utf8')).toBe('dense_1/kernel.npy');
  });

  it('a ZIP64 local header needs version 4.5, marks its sizes 0xFFFFFFFF and carries a 16-byte ZIP64 extra', () => {
    const h = encodeLocalHeader('w.npy', METHOD_DEFLATE, true);
    expect(h.readUInt16LE(4)).toBe(45);
    expect(h.readUInt16LE(8)).toBe(8);
    expect(h.readUInt32LE(18)).toBe(ZIP32_MAX);
    expect(h.readUInt32LE(22)).toBe(ZIP32_MAX);
    expect(h.readUInt16LE(28)).toBe(20);
    const extra = h.subarray(30 + 5);
    expect(extra.readUInt16LE(0)).toBe(1);
    expect(extra.readUInt16LE(2)).toBe(16);
  });

  it('a data descriptor has 4-byte sizes, or 8-byte sizes for a ZIP64 member', () => {
    const d = encodeDataDescriptor(0xdeadbeef, 100, 120, false);
    expect([d.length, d.readUInt32LE(0), d.readUInt32LE(4), d.readUInt32LE(8), d.readUInt32LE(12)]).toEqual([16, 0x08074b50, 0xdeadbeef, 100, 120]);
    const big = encodeDataDescriptor(1, 5 * GiB, 5 * GiB, true);
    expect(big.length).toBe(24);
    expect(Number(big.readBigUInt64LE(8))).toBe(5 * GiB);
    expect(Number(big.readBigUInt64LE(16))).toBe(5 * GiB);
  });

  it('refuses a 4 GiB member that was not declared ZIP64 (the header promised 4-byte sizes)', () => {
    expect(() => encodeDataDescriptor(1, 4 * GiB, 4 * GiB, false)).toThrow(/not declared ZIP64/);
  });

  it('a member needs ZIP64 from 4 GiB - 1 bytes on; deflate decides on its worst case growth', () => {
    expect(memberNeedsZip64(ZIP32_MAX - 1, METHOD_STORED)).toBe(false);
    expect(memberNeedsZip64(ZIP32_MAX, METHOD_STORED)).toBe(true);
    expect(memberNeedsZip64(ZIP32_MAX - 1, METHOD_DEFLATE)).toBe(true);
    expect(memberNeedsZip64(ZIP32_MAX - deflatedBound(ZIP32_MAX) + ZIP32_MAX - 100, METHOD_DEFLATE)).toBe(false);
    expect(deflatedBound(1_048_576)).toBeGreaterThan(1_048_576 + 1_048_576 / 4096 + 1_048_576 / 16384 + 13 + 5);
  });

  it('a central header puts only the overflowing values, in APPNOTE order (size, compressed, offset), in its ZIP64 extra', () => {
    const small = encodeCentralHeader({ name: 'a.npy', method: 0, crc: 7, compressedSize: 10, size: 10, offset: 5 * GiB, zip64: false });
    expect(small.readUInt32LE(0)).toBe(0x02014b50);
    expect(small.readUInt32LE(20)).toBe(10);
    expect(small.readUInt32LE(24)).toBe(10);
    expect(small.readUInt32LE(42)).toBe(ZIP32_MAX);
    expect(small.readUInt16LE(30)).toBe(12);
    const extra = small.subarray(46 + 5);
    expect([extra.readUInt16LE(0), extra.readUInt16LE(2), Number(extra.readBigUInt64LE(4))]).toEqual([1, 8, 5 * GiB]);
    expect(small.readUInt16LE(6)).toBe(45);

    const big = encodeCentralHeader({ name: 'b.npy', method: 0, crc: 7, compressedSize: 5 * GiB, size: 5 * GiB, offset: 0, zip64: true });
    const e = big.subarray(46 + 5);
    expect(e.readUInt16LE(2)).toBe(16);
    expect([Number(e.readBigUInt64LE(4)), Number(e.readBigUInt64LE(12))]).toEqual([5 * GiB, 5 * GiB]);
    expect(big.readUInt32LE(42)).toBe(0);
  });

  it('a small archive ends with the classic end record and its comment; a big one adds the ZIP64 end record and locator', () => {
    const plain = encodeEnd(2, 1000, 120, Buffer.from('hi'));
    expect(plain.length).toBe(24);
    expect([plain.readUInt32LE(0), plain.readUInt16LE(10), plain.readUInt32LE(12), plain.readUInt32LE(16), plain.readUInt16LE(20)]).toEqual([0x06054b50, 2, 120, 1000, 2]);
    const big = encodeEnd(2, 5 * GiB, 120);
    expect(big.length).toBe(56 + 20 + 22);
    expect(big.readUInt32LE(0)).toBe(0x06064b50);
    expect(Number(big.readBigUInt64LE(48))).toBe(5 * GiB);
    expect(big.readUInt32LE(56)).toBe(0x07064b50);
    expect(Number(big.readBigUInt64LE(64))).toBe(5 * GiB + 120);
    expect(big.readUInt32LE(76 + 16)).toBe(ZIP32_MAX);
  });

  it('refuses a comment longer than a zip comment field holds', () => {
    expect(() => encodeEnd(0, 0, 0, Buffer.alloc(70000))).toThrow(/comment/);
  });
});

describe('the .npz archive comment', () => {
  it('is the provenance JSON, without the spec when the spec would not fit in a zip comment', async () => {
    const { npzComment } = await import('../../src/formats/npz/writer.js');
    const prov = { tool: 'init-weights', seed: 1, spec: { tensors: ['x'] } };
    expect(JSON.parse(npzComment(prov).toString('utf8'))).toEqual(prov);
    const huge = { ...prov, spec: { tensors: Array.from({ length: 10000 }, (_, i) => `tensor_${i}`) } };
    const c = npzComment(huge);
    expect(c.length).toBeLessThanOrEqual(0xffff);
    expect(JSON.parse(c.toString('utf8'))).toEqual({ tool: 'init-weights', seed: 1, spec: 'omitted: longer than a zip comment holds' });
  });
});
