import { availableParallelism } from 'node:os';

/** Below this many elements in all, threads cost more to start than they save. */
export const PARALLEL_MIN_ELEMENTS = 1 << 25;

/** Threads used when none are asked for: every core the process may use, up to 8. */
export function defaultThreads(totalElements: number): number {
  return totalElements < PARALLEL_MIN_ELEMENTS ? 1 : Math.min(8, availableParallelism());
}
