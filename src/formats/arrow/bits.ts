/*
 * Arrow stores bool columns bit-packed, least significant bit first (value i is bit i % 8 of byte
 * i / 8), while every other format, and the stream, holds one byte (0 or 1) per value. Pure.
 */

/** Bytes of a bitmap of n values. */
export function bitmapBytes(n: number): number {
  return Math.ceil(n / 8);
}

/** One byte per value (non-zero is true) to an LSB-first bitmap; the unused high bits are 0. */
export function packBits(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bitmapBytes(bytes.length));
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) out[i >> 3] = out[i >> 3]! | (1 << (i & 7));
  return out;
}

/**
 * Unpacks a stream of bitmap chunks (any sizes) into one byte per value, for `count` values: the
 * padding bits of the last byte are dropped.
 */
export class BitUnpacker {
  private left: number;

  constructor(
    count: number,
    private readonly push: (bytes: Uint8Array) => void,
  ) {
    this.left = count;
  }

  write(bits: Uint8Array): void {
    const n = Math.min(this.left, bits.length * 8);
    if (n === 0) return;
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (bits[i >> 3]! >> (i & 7)) & 1;
    this.left -= n;
    this.push(out);
  }
}
