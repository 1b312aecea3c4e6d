/*
 * POSIX ustar headers, with a pax extended header ('x') in front when a name does not fit ustar's
 * 100 + 155 bytes or a size passes ustar's 11 octal digits (8 GiB). Pure: bytes in, bytes out.
 * Every field is fixed (mode 0644, owner 0, mtime 0) so the same tensors give the same bytes.
 */

export const TAR_BLOCK = 512;
const MAX_OCTAL_SIZE = 8 ** 11 - 1;

function writeString(buf: Buffer, text: string, offset: number, length: number): void {
  buf.write(text, offset, length, 'utf8');
}

function writeOctal(buf: Buffer, value: number, offset: number, length: number): void {
  // length - 1 digits, zero-padded, then NUL.
  writeString(buf, `${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
}

function ustarBlock(name: string, prefix: string, size: number, type: string): Buffer {
  const h = Buffer.alloc(TAR_BLOCK);
  writeString(h, name, 0, 100);
  writeOctal(h, 0o644, 100, 8);
  writeOctal(h, 0, 108, 8); // uid
  writeOctal(h, 0, 116, 8); // gid
  writeOctal(h, size, 124, 12);
  writeOctal(h, 0, 136, 12); // mtime
  h.fill(0x20, 148, 156); // checksum counted as spaces
  writeString(h, type, 156, 1);
  writeString(h, 'ustar\0', 257, 6);
  writeString(h, '00', 263, 2);
  writeString(h, prefix, 345, 155);
  let sum = 0;
  for (const byte of h) sum += byte;
  writeString(h, `${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

/** Split a name into ustar's (prefix, name) at a '/', or undefined when it cannot fit. */
function splitUstar(name: string): [string, string] | undefined {
  const bytes = Buffer.byteLength(name);
  if (bytes <= 100) return ['', name];
  for (let i = name.indexOf('/'); i !== -1; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${len}${body}`) !== len) len++;
  return `${len}${body}`;
}

function padTo512(n: number): number {
  return (TAR_BLOCK - (n % TAR_BLOCK)) % TAR_BLOCK;
}

/** Header block(s) of a regular file member of `size` bytes. */
export function encodeTarHeader(name: string, size: number): Buffer {
  const split = splitUstar(name);
  const bigSize = size > MAX_OCTAL_SIZE;
  const isAscii = /^[\x20-\x7e]*$/.test(name);
  if (split !== undefined && !bigSize && isAscii) return ustarBlock(split[1], split[0], size, '0');
  let records = '';
  if (split === undefined || !isAscii) records += paxRecord('path', name);
  if (bigSize) records += paxRecord('size', String(size));
  const body = Buffer.from(records, 'utf8');
  const paxHead = ustarBlock('PaxHeader/member', '', body.length, 'x');
  const short = Buffer.from(name, 'utf8').subarray(0, 100).toString('utf8').replace(/\uFFFD+$/, '');
  const main = ustarBlock(short, '', bigSize ? 0 : size, '0');
  return Buffer.concat([paxHead, body, Buffer.alloc(padTo512(body.length)), main]);
}

/** Zero bytes that pad a member's data of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc(padTo512(size));
}

/** The end-of-archive marker: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * TAR_BLOCK);
}

/* Decoding, for the reader: every field is untrusted. */

/** Whether a 512-byte block looks like a ustar/gnu header (magic at 257). */
export function isTarHeader(block: Uint8Array): boolean {
  return block.length >= 262 && Buffer.from(block.subarray(257, 262)).toString('latin1') === 'ustar';
}

/** A NUL-terminated field's bytes. */
export function field(b: Buffer, off: number, len: number): Buffer {
  const f = b.subarray(off, off + len);
  const nul = f.indexOf(0);
  return nul === -1 ? f : f.subarray(0, nul);
}

/** An octal (or GNU base-256) number field, or undefined when malformed. */
export function numberField(b: Buffer, off: number, len: number): number | undefined {
  if ((b[off]! & 0x80) !== 0) {
    let v = 0;
    for (let i = off + 1; i < off + len; i++) v = v * 256 + b[i]!;
    return Number.isSafeInteger(v) ? v : undefined;
  }
  const s = field(b, off, len).toString('latin1').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return undefined;
  return parseInt(s, 8);
}

/** Whether the header block's checksum (field at 148, counted as spaces) is right. */
export function checksumOk(b: Buffer): boolean {
  const want = numberField(b, 148, 8);
  let sum = 0;
  for (let i = 0; i < TAR_BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  return want === sum;
}

/** pax records "LEN key=value\n" → map, or undefined when malformed. */
export function parsePax(body: Buffer): Map<string, Buffer> | undefined {
  const out = new Map<string, Buffer>();
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const len = sp === -1 ? NaN : Number(body.subarray(i, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= 0 || i + len > body.length) return undefined;
    const rec = body.subarray(sp + 1, i + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq === -1) return undefined;
    out.set(rec.subarray(0, eq).toString('latin1'), rec.subarray(eq + 1));
    i += len;
  }
  return out;
}
