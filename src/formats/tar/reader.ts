import type { ByteSource } from '../../io/source.js';
import type { FormatReader, TensorSink } from '../types.js';
import { isUtf8 } from 'node:buffer';
import { q, utf8 } from '../reader.js';
import { readNpy } from '../npy/reader.js';
import { MAX_MANIFEST_BYTES } from '../directory/header.js';
import { ManifestNotJson, scanManifest } from '../directory/manifest-scan.js';
import { checksumOk, field, isTarHeader, numberField, parsePax, TAR_BLOCK } from './header.js';

/** Largest pax record read whole. */
const MAX_SMALL_MEMBER = 16 << 20;

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
    const h = await src.exact(TAR_BLOCK, 'tar header');
    if (h.every((x) => x === 0)) return; // end of archive (the second zero block is not needed)
    if (!checksumOk(h)) throw src.fail(`tar header at offset ${at}: bad checksum`);
    const type = String.fromCharCode(h[156]!);
    const declared = numberField(h, 124, 12);
    if (declared === undefined) throw src.fail(`tar header at offset ${at}: malformed size field`);
    const size = paxSize ?? declared;
    paxSize = undefined;
    const pad = (TAR_BLOCK - (size % TAR_BLOCK)) % TAR_BLOCK;
    if (type === 'x' || type === 'g' || type === 'L') {
      const body = await src.exact(size, 'tar extended header', MAX_SMALL_MEMBER);
      await src.skip(pad, 'tar padding');
      if (type === 'L') longName = decodeName(field(body, 0, body.length), src);
      if (type === 'x') {
        const pax = parsePax(body);
        if (pax === undefined) throw src.fail('malformed pax header record');
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
      // The one manifest cap of gen, verify and inspect (a 100k-tensor tar's is ~50 MB).
      // Scanned, not parsed whole: its tree was ~2-3x its size (see scanManifest). Well-formed
      // UTF-8 is required and a byte order mark skipped, as a fatal TextDecoder did.
      const bytes = await src.exact(size, 'manifest.json', MAX_MANIFEST_BYTES);
      let scanned;
      try {
        if (!isUtf8(bytes)) throw new ManifestNotJson();
        scanned = scanManifest(bytes, bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
      } catch (err) {
        if (err instanceof ManifestNotJson) throw src.fail(`tar member ${q(name)}: not valid JSON`);
        throw err;
      }
      sink.metadata(scanned.value);
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

/** A tar stream (ustar magic at offset 257). */
export const tarReader: FormatReader = {
  input: 'tar',
  detect: isTarHeader,
  read: (src, sink) => readTar(src, sink),
};
