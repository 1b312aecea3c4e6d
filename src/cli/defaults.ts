/*
 * generate/plan.ts's default output names, for the help text: importing plan.ts would load every
 * format writer (~70 ms of each `--help`). test/cli/names.test.ts checks both pairs are equal.
 */

/** Where one tensor goes with no -o and a terminal on stdout. */
export const DEFAULT_FILE = 'weights.npy';
/** Where several tensors go with no -o and a terminal on stdout. */
export const DEFAULT_DIR = 'weights/';
