/* The directory layout's constants, shared by the writer (generate), the reader (inspect), verify and a forced replace. */

/** The manifest's file name in a directory output. */
export const MANIFEST = 'manifest.json';

/**
 * Largest manifest.json any reader takes (64 MiB: a directory of a million tensors' entries), the
 * same for inspect, verify and gen replacing its own output, so whatever gen writes is read back.
 */
export const MAX_MANIFEST_BYTES = 64 * 2 ** 20;
