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
