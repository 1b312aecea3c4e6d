import { shapeTuple } from '../../weights-spec/shape.js';

/** numpy aligns the data of .npy files to 64 bytes (numpy.lib.format.ARRAY_ALIGN). */
export const NPY_ALIGN = 64;
/** numpy pads the header so the first dimension can grow in place (GROWTH_AXIS_MAX_DIGITS). */
const GROWTH_AXIS_MAX_DIGITS = 21;
/** numpy refuses headers longer than this unless told `max_header_size` (numpy >= 1.24). */
export const NPY_MAX_SAFE_HEADER = 10000;

/**
 * The bytes before the data of a C-order .npy file: magic, version, header length, and the
 * Python-literal dict padded with spaces and a newline, laid out exactly as numpy's np.save does
 * (so our files are byte-identical to numpy's for the same array). Version 1.0 has a 2-byte header
 * length; 2.0 (4-byte) is used only when the header does not fit.
 */
export function encodeNpyHeader(descr: string, shape: readonly number[]): Buffer {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  for (const version of [1, 2]) {
    const lenBytes = version === 1 ? 2 : 4;
    const hlen = dict.length + 1;
    const pad = NPY_ALIGN - ((8 + lenBytes + hlen) % NPY_ALIGN);
    const header = `${dict}${' '.repeat(pad)}\n`;
    if (version === 1 && header.length > 0xffff) continue;
    const out = Buffer.alloc(8 + lenBytes + header.length);
    out.write('\x93NUMPY', 0, 'latin1');
    out[6] = version;
    out[7] = 0;
    if (lenBytes === 2) out.writeUInt16LE(header.length, 8);
    else out.writeUInt32LE(header.length, 8);
    out.write(header, 8 + lenBytes, 'latin1');
    return out;
  }
  throw new RangeError('npy header too long');
}
