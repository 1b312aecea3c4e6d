import { DTYPE_NAMES } from '../dtype/table.js';
import type { FormatDef } from './types.js';

/** A FormatDef with the usual defaults: every dtype, and one tensor's file named by the first extension. */
export function defineFormat(def: Omit<FormatDef, 'dtypes' | 'fileExtension'> & Partial<Pick<FormatDef, 'dtypes' | 'fileExtension'>>): FormatDef {
  return { ...def, dtypes: def.dtypes ?? DTYPE_NAMES, fileExtension: def.fileExtension ?? def.extensions[0]! };
}

/**
 * A writer for `declared` bytes that counts what passes through `write` and, at `end()`, throws
 * when the count differs: the header declared the size before the data was generated.
 */
export function sizeChecked(what: string, declared: number, write: (chunk: Uint8Array) => Promise<void>): { write(chunk: Uint8Array): Promise<void>; end(): void } {
  let written = 0;
  return {
    write(chunk) {
      written += chunk.byteLength;
      return write(chunk);
    },
    end() {
      if (written !== declared) throw new Error(`${what}: size mismatch (declared ${declared}, wrote ${written})`);
    },
  };
}
