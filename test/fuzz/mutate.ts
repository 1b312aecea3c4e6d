/** A seeded byte mutator for fuzzing readers: same seed, same mutations. */

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff];

/** One seeded mutation of `input`: truncate, flip bytes, plant an extreme integer, insert, delete, or splice. */
export function mutate(input: Buffer, r: () => number): Buffer {
  const pick = (n: number): number => Math.floor(r() * n);
  const b = Buffer.from(input);
  const rounds = 1 + pick(3);
  let out: Buffer = b;
  for (let k = 0; k < rounds; k++) {
    const len = out.length;
    const at = pick(Math.max(1, len));
    switch (pick(6)) {
      case 0:
        out = out.subarray(0, pick(len + 1));
        break;
      case 1:
        for (let i = 0, n = 1 + pick(8); i < n && len > 0; i++) out[pick(len)] = pick(256);
        break;
      case 2: {
        const v = EXTREMES[pick(EXTREMES.length)]!;
        const width = [1, 2, 4, 8][pick(4)]!;
        if (at + width <= len) {
          if (width === 8) out.writeBigUInt64LE(BigInt(v) * (r() < 0.5 ? 1n : 0x100000000n), at);
          else out.writeUIntLE(v % 2 ** (8 * width), at, width);
        }
        break;
      }
      case 3:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(16) }, () => pick(256))), out.subarray(at)]);
        break;
      case 4:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(len, at + 1 + pick(64)))]);
        break;
      default: {
        const from = pick(Math.max(1, len));
        out = Buffer.concat([out.subarray(0, at), out.subarray(from, from + 1 + pick(256)), out.subarray(at)]);
      }
    }
  }
  return out;
}

/**
 * `count` seeded mutations of a JSON text, each 1-3 splices of a structural or literal character
 * (insert, replace or delete): the same texts for the same seed.
 */
export function jsonTextMutations(base: string, count: number, seed: number): string[] {
  let x = seed;
  const rnd = (n: number): number => (x = (x * 1103515245 + 12345) % 2147483648) % n;
  const chars = '{}[],:" \\0a1-e.';
  const out: string[] = [];
  for (let k = 0; k < count; k++) {
    const a = base.split('');
    for (let j = 0; j < 1 + rnd(3); j++) a.splice(rnd(a.length), rnd(2), chars[rnd(chars.length)]!);
    out.push(a.join(''));
  }
  return out;
}
