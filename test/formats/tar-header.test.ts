import { describe, expect, it } from 'vitest';
import { encodeTarHeader, tarEnd, tarPadding, TAR_BLOCK } from '../../src/formats/tar/header.js';

function field(h: Buffer, offset: number, length: number): string {
  return h.subarray(offset, offset + length).toString('utf8').replace(/\0.*$/s, '');
}

function checksumOk(h: Buffer): boolean {
  const copy = Buffer.from(h);
  copy.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of copy) sum += b;
  return parseInt(field(h, 148, 8), 8) === sum;
}

describe('tar headers', () => {
  it('write a plain ustar block for a short name, with size in octal and a valid checksum', () => {
    const h = encodeTarHeader('dense_1/kernel.npy', 401536);
    expect(h.length).toBe(TAR_BLOCK);
    expect(field(h, 0, 100)).toBe('dense_1/kernel.npy');
    expect(parseInt(field(h, 124, 12), 8)).toBe(401536);
    expect(field(h, 257, 6)).toBe('ustar');
    expect(field(h, 156, 1)).toBe('0');
    expect(checksumOk(h)).toBe(true);
  });

  it('split a long name into prefix and name at a slash when it fits', () => {
    const name = `${'a'.repeat(120)}/kernel.npy`;
    const h = encodeTarHeader(name, 10);
    expect(h.length).toBe(TAR_BLOCK);
    expect(field(h, 345, 155)).toBe('a'.repeat(120));
    expect(field(h, 0, 100)).toBe('kernel.npy');
  });

  it('put a pax header first for names that do not fit ustar and for sizes of 8 GiB or more', () => {
    const name = `${'n'.repeat(200)}.npy`;
    const h = encodeTarHeader(name, 2 ** 33);
    expect(field(h, 156, 1)).toBe('x');
    expect(checksumOk(h.subarray(0, TAR_BLOCK))).toBe(true);
    const body = h.subarray(TAR_BLOCK, TAR_BLOCK + parseInt(field(h, 124, 12), 8)).toString('utf8');
    expect(body).toContain(` path=${name}\n`);
    expect(body).toContain(` size=${2 ** 33}\n`);
    for (const rec of body.split('\n').filter(Boolean)) expect(Buffer.byteLength(`${rec}\n`)).toBe(parseInt(rec, 10));
    expect(h.length % TAR_BLOCK).toBe(0);
    expect(checksumOk(h.subarray(h.length - TAR_BLOCK))).toBe(true);
  });

  it('pad data to whole blocks and end with two zero blocks', () => {
    expect(tarPadding(0).length).toBe(0);
    expect(tarPadding(1).length).toBe(511);
    expect(tarPadding(512).length).toBe(0);
    expect(tarEnd()).toEqual(Buffer.alloc(1024));
  });
});
