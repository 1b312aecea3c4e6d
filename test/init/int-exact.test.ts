import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

/*
 * Integer tensors are written exactly, so a constant typed on the command line must be the number
 * written. Past 2^53 float64 cannot hold every integer: `--value 9007199254740993` read as
 * 9007199254740992 and was written so, silently. The CLI still has the text and refuses it; a
 * library caller's number is the number it passed (2^62 is exact), and is written as given.
 */

describe('the CLI on an integer constant float64 cannot hold', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => {
    t = tempDir();
  });
  afterEach(() => t.cleanup());

  const gen = (value: string, dtype = 'int64') => runCli(['gen', '--shape', '2', '--init', 'constant', '--value', value, '--dtype', dtype, '--seed', '1', '-o', t.path('i.npy'), '-q', '--force']);
  const written = (): bigint[] => {
    const bytes = readFileSync(t.path('i.npy'));
    const data = bytes.subarray(bytes.length - 16);
    return [data.readBigInt64LE(0), data.readBigInt64LE(8)];
  };

  it('refuses --value 9007199254740993: one line naming --value, the rule and the text as typed, exit 2, nothing written', async () => {
    for (const text of ['9007199254740993', '-9007199254740993', '+4611686018427387905', '9007199254740993.0', '9.007199254740993e15', '90071992547409930e-1']) {
      const r = await gen(text);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^init-weights: --value: must be an integer float64 holds exactly for an integer dtype \\(int64\\): past 2\\^53 this one reads as -?\\d+ and would be written so, got \\${text.replace('.', '\\.')}\\n$`));
      expect(readdirSync(t.dir)).toEqual([]);
    }
  });

  it('writes integers float64 holds exactly, past 2^53 too', async () => {
    for (const [text, want] of [['9007199254740991', 2n ** 53n - 1n], ['9007199254740992', 2n ** 53n], ['-4611686018427387904', -(2n ** 62n)], ['1e17', 10n ** 17n], ['9007199254740992.000', 2n ** 53n], ['0', 0n], ['-0.0', 0n]] as const) {
      const r = await gen(text);
      expect(r.stderr, text).toBe('');
      expect(r.code).toBe(0);
      expect(written()).toEqual([want, want]);
    }
  });

  it('names the exact integer that would be written, not its shortest float print', async () => {
    // 1234567890123456789 reads as 1234567890123456768 (which prints as 1234567890123456800).
    expect((await gen('1234567890123456789')).stderr).toContain('reads as 1234567890123456768 and would be written so, got 1234567890123456789\n');
  });

  it('accepts the same text for a float dtype (rounding is what a float dtype does)', async () => {
    expect((await gen('9007199254740993', 'float64')).code).toBe(0);
  });

  it('refuses it with --like and --init too, for the integer tensors it reaches', async () => {
    const like = t.path('shapes.json');
    (await import('node:fs')).writeFileSync(like, JSON.stringify({ n: { shape: [2], dtype: 'int64' } }));
    const r = await runCli(['gen', '--like', like, '--init', 'constant', '--value', '9007199254740993', '--seed', '1', '-o', t.path('o.safetensors'), '-q']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^init-weights: --value: must be an integer float64 holds exactly .*, got 9007199254740993\n$/);
    expect(readdirSync(t.dir)).toEqual(['shapes.json']);
  });
});

describe('the library', () => {
  it('writes the number it is given: an int64 constant of 2^62 stays exact', () => {
    const spec = resolveSpec({ seed: 1, tensors: [{ name: 'c', shape: [2], dtype: 'int64', initializer: { type: 'constant', value: 2 ** 62 } }] });
    expect(spec.tensors[0]!.initializer.params.value).toBe(2 ** 62);
  });
});
