import { describe, expect, it } from 'vitest';
import { num, plainDecimal } from '../../src/inspect/render.js';

/*
 * num() builds its fixed-notation text from toPrecision's digits instead of String(number) (V8's
 * number-to-string cache kept every report's numbers alive into the old generation): the text must
 * be exactly what String(Number(x.toPrecision(d))) gave.
 */
describe('numbers in the text report', () => {
  it('read as String(Number(toPrecision)) for edge values and 60,000 seeded ones in [1e-3, 1e6)', () => {
    const values = [1e-3, 0.0010004, 0.00999951, 0.1, 0.5, 1, 9.9995, 10, 99.995, 100, 999.95, 1000, 9999.5, 10000, 12345.6, 99995, 1e5, 123456, 999999.9];
    let s = 2024;
    const rnd = (): number => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let k = 0; k < 60_000; k++) {
      const v = 10 ** (-3 + 9 * rnd());
      // Round values and values just under a rounding step land on toPrecision's carries.
      values.push(k % 5 === 0 ? Math.round(v) : k % 7 === 0 ? Number(v.toPrecision(2)) * (1 - 1e-13) : v);
    }
    const wrong: string[] = [];
    let checked = 0;
    for (const v of values.filter((x) => x >= 1e-3 && x < 1e6)) {
      for (const x of [v, -v]) {
        for (const d of [2, 3, 4]) {
          const p = x.toPrecision(d);
          if (plainDecimal(p) !== String(Number(p))) wrong.push(`${x} at ${d} digits (${p}): ${plainDecimal(p)}`);
        }
        if (num(x) !== String(Number(x.toPrecision(4)))) wrong.push(`num(${x}): ${num(x)}`);
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(100_000);
  });
});
