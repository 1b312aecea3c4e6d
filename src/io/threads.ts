import { availableParallelism } from 'node:os';

/** Below this many elements in all, threads cost more to start than they save. */
export const PARALLEL_MIN_ELEMENTS = 1 << 25;

/**
 * The cores this process may use: os.availableParallelism(), or INIT_WEIGHTS_CORES when set to a
 * positive integer (for containers that report the host's cores, and for tests of many workers on
 * a small machine).
 */
export function usableCores(): number {
  const set = Number(process.env.INIT_WEIGHTS_CORES);
  return Number.isSafeInteger(set) && set > 0 ? set : availableParallelism();
}

/** Threads used when none are asked for: every core the process may use, up to 8. */
export function defaultThreads(totalElements: number): number {
  return totalElements < PARALLEL_MIN_ELEMENTS ? 1 : Math.min(8, usableCores());
}
