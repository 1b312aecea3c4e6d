import type { ByteSource } from '../../io/source.js';
import type { TensorSink } from '../../inspect/types.js';
import { q, utf8 } from '../reader.js';
import { readNpy } from '../npy/reader.js';

const BLOCK = 512;
/** Largest manifest or pax record read whole. */
const MAX_SMALL_MEMBER = 16 << 20;

/** Whether a 512-byte block looks like a ustar/gnu header (magic at 257). */
export function isTarHeader(block: Uint8Array): boolean {
  return block.length >= 262 && Buffer.from(block.subarray(257, 262)).toString('latin1') === 'ustar';
}

function field(b: Buffer, off: number, len: number): Buffer {
  const f = b.subarray(off, off + len);
  const nul = f.indexOf(0);
  return nul === -1 ? f : f.subarray(0, nul);
}

/** An octal (or GNU base-256) number field, or undefined when malformed. */
function numberField(b: Buffer, off: number, len: number): number | undefined {
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

function checksumOk(b: Buffer): boolean {
  const want = numberField(b, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
  return want === sum;
}

/** pax records "LEN key=value\n" → map. */
function parsePax(body: Buffer, src: ByteSource): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const len = sp === -1 ? NaN : Number(body.subarray(i, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= 0 || i + len > body.length) throw src.fail('malformed pax header record');
    const rec = body.subarray(sp + 1, i + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq === -1) throw src.fail('malformed pax header record');
    out.set(rec.subarray(0, eq).toString('latin1'), rec.subarray(eq + 1));
    i += len;
  }
  return out;
}

/**
 * A tar stream as init-weights writes it: NAME.npy members, then manifest.json (provenance).
 * Directories and pax/GNU long-name records are understood; any other member is an error.
 */
export async function readTar(src: ByteSource, sink: TensorSink): Promise<void> {
  let longName: string | undefined;
  let paxSize: number | undefined;
  for (;;) {
    if (await src.atEnd()) throw src.fail('truncated: the tar stream ends without its end-of-archive blocks');
    const at = src.position;
    const h = await src.exact(BLOCK, 'tar header');
    if (h.every((x) => x === 0)) return; // end of archive (the second zero block is not needed)
    if (!checksumOk(h)) throw src.fail(`tar header at offset ${at}: bad checksum`);
    const type = String.fromCharCode(h[156]!);
    const declared = numberField(h, 124, 12);
    if (declared === undefined) throw src.fail(`tar header at offset ${at}: malformed size field`);
    const size = paxSize ?? declared;
    paxSize = undefined;
    const pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      const body = await src.exact(size, 'tar extended header', MAX_SMALL_MEMBER);
      await src.skip(pad, 'tar padding');
      if (type === 'L') longName = decodeName(field(body, 0, body.length), src);
      if (type === 'x') {
        const pax = parsePax(body, src);
        const p = pax.get('path');
        if (p !== undefined) longName = decodeName(p, src);
        const sz = pax.get('size');
        if (sz !== undefined) {
          const n = Number(sz.toString('latin1'));
          if (!Number.isSafeInteger(n) || n < 0) throw src.fail('pax size is not a non-negative integer');
          paxSize = n;
        }
      }
      continue;
    }
    const prefix = field(h, 345, 155);
    const base = field(h, 0, 100);
    const name = longName ?? decodeName(prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), base]) : base, src);
    longName = undefined;
    if (type === '5') {
      await src.skip(size + pad, 'tar directory');
      continue;
    }
    if (type !== '0' && type !== '\0') throw src.fail(`tar member ${q(name)}: unsupported type '${type}' (inspect reads regular files)`);
    if (name === 'manifest.json' || name.endsWith('/manifest.json')) {
      const text = utf8(await src.exact(size, 'manifest.json', MAX_SMALL_MEMBER));
      let value: unknown;
      try {
        value = JSON.parse(text ?? '');
      } catch {
        throw src.fail(`tar member ${q(name)}: not valid JSON`);
      }
      sink.metadata(value);
    } else if (name.endsWith('.npy')) {
      const used = await readNpy(src, sink, name.slice(0, -4), `tar member ${q(name)}`, size);
      if (used !== size) throw src.fail(`tar member ${q(name)}: ${size - used} bytes after the array`);
    } else {
      throw src.fail(`tar member ${q(name)} is not a .npy file or manifest.json`);
    }
    await src.skip(pad, 'tar padding');
  }
}

function decodeName(b: Buffer, src: ByteSource): string {
  const s = utf8(b);
  if (s === undefined) throw src.fail('a tar member name is not valid UTF-8');
  return s;
}
