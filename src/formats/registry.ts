import { arrowFileFormat, arrowStreamFormat } from './arrow/writer.js';
import { kerasFormat } from './keras/writer.js';
import { npyFormat } from './npy/writer.js';
import { npzFormat } from './npz/writer.js';
import { safetensorsFormat } from './safetensors/writer.js';
import { tarFormat } from './tar/writer.js';
import type { FormatDef, FormatReader } from './types.js';

/** Every output format; one line per format (apache-arrow itself is loaded only when Arrow is written). */
export const FORMATS: readonly FormatDef[] = [npyFormat, tarFormat, npzFormat, safetensorsFormat, arrowFileFormat, arrowStreamFormat, kerasFormat];

export { FORMAT_NAMES } from './names.js';

/** Every format's reader, in detection order: exact magic numbers first, safetensors' looser test last. */
export const READERS: readonly FormatReader[] = [npyFormat, npzFormat, arrowFileFormat, arrowStreamFormat, tarFormat, kerasFormat, safetensorsFormat].map((f) => f.reader!);

export function findFormat(name: string): FormatDef | undefined {
  return FORMATS.find((f) => f.name === name);
}

/** The format whose extension ends `path` (case-insensitive), if any. */
export function formatForPath(path: string): FormatDef | undefined {
  const lower = path.toLowerCase();
  return FORMATS.find((f) => f.extensions.some((e) => lower.endsWith(e)));
}
