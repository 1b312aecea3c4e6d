import { Tychei } from './tychei.js';
import type { Seed } from './seed.js';

/** Version of the value stream. Changing any value for an existing version is a breaking change. */
export const STREAM_VERSION = 1;

/** Elements per block: each block of each tensor has its own generator. */
export const BLOCK_SIZE = 65536;

/**
 * The seed string of block `block` of tensor `name`: the JSON text of [version, seed, name, block]
 * (no spaces; integers as integers, strings as JSON strings). See docs/stream.md.
 */
export function blockSeedString(seed: Seed, name: string, block: number): string {
  return JSON.stringify([STREAM_VERSION, seed, name, block]);
}

/** The generator of one block, seeded through seedrandom's tychei. */
export function blockGenerator(seed: Seed, name: string, block: number): Tychei {
  return Tychei.fromString(blockSeedString(seed, name, block));
}
