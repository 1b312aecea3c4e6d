/**
 * Every output format's name and file extensions, in the registry's order: the CLI's choices and
 * help read this list without loading any writer (the registry loads them all, ~70 ms at start-up).
 * test/cli/names.test.ts checks it equals the registry's FORMATS, so the two cannot drift.
 */
export const FORMAT_EXTENSIONS: readonly { readonly name: string; readonly extensions: readonly string[] }[] = [
  { name: 'npy', extensions: ['.npy'] },
  { name: 'tar', extensions: ['.tar'] },
  { name: 'npz', extensions: ['.npz'] },
  { name: 'safetensors', extensions: ['.safetensors'] },
  { name: 'arrow', extensions: ['.arrow', '.feather'] },
  { name: 'arrow-stream', extensions: ['.arrows'] },
  { name: 'keras', extensions: ['.weights.h5'] },
];

/** The output format names, in the registry's order. */
export const FORMAT_NAMES: readonly string[] = FORMAT_EXTENSIONS.map((f) => f.name);
