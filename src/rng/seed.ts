import { randomInt } from 'node:crypto';

/**
 * A seed: a safe integer or a string. A string that spells a canonical integer ("42", "-7") is the
 * same seed as that integer, so a seed of 42 and `"seed": "42"` agree.
 */
export type Seed = number | string;

/** Normalise a seed, or return undefined if it is not one (non-integer or unsafe number, empty string). */
export function normalizeSeed(value: unknown): Seed | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string' || value.length === 0) return undefined;
  if (/^-?(0|[1-9]\d*)$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n) && !Object.is(n, -0)) return n;
  }
  return value;
}

/** A fresh seed for runs that did not give one: a 9-digit integer, easy to read back and retype. */
export function drawSeed(): number {
  return randomInt(100_000_000, 1_000_000_000);
}
