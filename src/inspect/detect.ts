import { READERS } from '../formats/registry.js';
import type { FormatReader } from '../formats/types.js';
import type { InputFormat } from './types.js';

/** Bytes detection looks at: a tar header's magic sits at 257. */
export const DETECT_BYTES = 512;

/** The reader for an input's first bytes (pure), or undefined when none matches. */
export function detectReader(head: Uint8Array): FormatReader | undefined {
  const b = Buffer.from(head.buffer, head.byteOffset, head.length);
  return READERS.find((r) => r.detect(b));
}

/** The format of an input from its first bytes (pure), or undefined when none matches. */
export function detectFormat(head: Uint8Array): Exclude<InputFormat, 'directory'> | undefined {
  return detectReader(head)?.input;
}
