import type { CompatModeName } from './types.js';

// A record, not an array: the type checker refuses a missing or an unknown mode name here.
const MODE_NAMES: Readonly<Record<CompatModeName, true>> = { keras: true, numpy: true, tfjs: true, torch: true };

/**
 * The compat mode names, without the modes: the CLI's choices and help read them without loading
 * every framework's generator (~15-40 ms at start-up). stream.ts exports this same list.
 */
export const COMPAT_MODE_NAMES = Object.keys(MODE_NAMES) as CompatModeName[];
