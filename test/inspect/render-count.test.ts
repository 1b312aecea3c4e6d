import { describe, expect, it } from 'vitest';
import { count } from '../../src/inspect/render.js';

describe('counts in the text report', () => {
  it('group thousands exactly as en-US toLocaleString does (without its per-call cost)', () => {
    for (const n of [0, 7, 999, 1000, 65_536, 999_999, 1_000_000, 700_000, 2 ** 31, 2 ** 53 - 1]) expect(count(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
});
