import { describe, expect, it } from 'vitest';
import type { GenOptions } from '../../src/cli/commands/gen.js';
import type { InspectOptions } from '../../src/cli/commands/inspect.js';
import { buildProgram } from '../../src/cli/program.js';

/** Parse argv with the real program declaration and return what the command handler received. */
async function parsed(argv: string[]): Promise<GenOptions | InspectOptions> {
  let got: GenOptions | InspectOptions | undefined;
  const program = buildProgram(async (o) => void (got = o), async (o) => void (got = o));
  for (const cmd of [program, ...program.commands]) cmd.exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(argv, { from: 'user' });
  if (got === undefined) throw new Error('no command ran');
  return got;
}

const GEN_DEFAULTS = { params: {}, force: false, json: false, quiet: false };

describe('the program declaration turns argv into one typed options object', () => {
  const cases: [string, string[], GenOptions | InspectOptions][] = [
    ['gen with nothing', ['gen'], GEN_DEFAULTS],
    ['a shape in either spelling', ['gen', '--shape', '784x128'], { ...GEN_DEFAULTS, shape: [784, 128] }],
    ['a scalar shape', ['gen', '--shape', '()'], { ...GEN_DEFAULTS, shape: [] }],
    ['an integer seed stays a number', ['gen', '--seed', '42'], { ...GEN_DEFAULTS, seed: 42 }],
    ['a word seed stays a string', ['gen', '--seed', 'run-7'], { ...GEN_DEFAULTS, seed: 'run-7' }],
    ['initializer parameters by their spec names', ['gen', '--init', 'he_uniform', '--fan-in', '6', '--mean', '0'], { ...GEN_DEFAULTS, init: 'he_uniform', params: { fan_in: 6, mean: 0 } }],
    ['a word parameter', ['gen', '--init', 'variance_scaling', '--mode', 'fan_avg'], { ...GEN_DEFAULTS, init: 'variance_scaling', params: { mode: 'fan_avg' } }],
    ['output, format and its options', ['gen', '-o', 'w/', '--format', 'safetensors', '--max-shard-size', '2GB', '--compress'], { ...GEN_DEFAULTS, output: 'w/', format: 'safetensors', maxShardSize: 2e9, compress: true }],
    ['binary size units', ['gen', '--max-shard-size', '1GiB'], { ...GEN_DEFAULTS, maxShardSize: 2 ** 30 }],
    ['switches', ['gen', '--force', '--json', '-q', '--threads', '3'], { ...GEN_DEFAULTS, force: true, json: true, quiet: true, threads: 3 }],
    ['spec, dtype, layout and name', ['gen', '--spec', '-', '--dtype', 'bfloat16', '--layout', 'torch', '--name', 'w'], { ...GEN_DEFAULTS, spec: '-', dtype: 'bfloat16', layout: 'torch', name: 'w' }],
    ['inspect with defaults', ['inspect', 'w.npy'], { file: 'w.npy', tensors: [], json: false }],
    ['inspect with repeated --tensor', ['inspect', '-', '--tensor', 'a', '--tensor', 'b', '--bins', '7', '--json'], { file: '-', tensors: ['a', 'b'], bins: 7, json: true }],
  ];
  for (const [label, argv, want] of cases) {
    it(label, async () => {
      expect(await parsed(argv)).toEqual(want);
    });
  }

  const refused: [string, string[], RegExp][] = [
    ['a negative dimension', ['gen', '--shape', '3,-1'], /option '--shape <dims>' argument '3,-1' is invalid\. must be non-negative integers/],
    ['a shape past 2^53 elements', ['gen', '--shape', '134217728,134217728'], /must have at most 2\^53 - 1 elements in all/],
    ['a parameter that is not a number', ['gen', '--mean', 'abc'], /must be a finite number/],
    ['zero threads', ['gen', '--threads', '0'], /must be an integer from 1 to 256/],
    ['a size without a number', ['gen', '--max-shard-size', 'big'], /must be a size like 2GB/],
  ];
  for (const [label, argv, message] of refused) {
    it(`refuses ${label}`, async () => {
      await expect(parsed(argv)).rejects.toThrow(message);
    });
  }
});
