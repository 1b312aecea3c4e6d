import { chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
  writeFileSync(tmp.path('bad.json'), '{\n  "tensors": [\n    {"name": "w" "shape": [1]}\n  ]\n}\n');
  writeFileSync(tmp.path('dup.json'), JSON.stringify({ seed: 1, tensors: [{ name: 'w', shape: [1], initializer: 'zeros' }, { name: 'w', shape: [2], initializer: 'ones' }] }));
  writeFileSync(tmp.path('existing.npy'), 'keep me');
});
afterAll(() => tmp.cleanup());

/** argv (with OUT standing for a path in the temp dir) -> the one line expected on stderr. */
const CASES: [string, string[], RegExp][] = [
  ['a negative stddev', ['--stddev', '-1'], /^init-weights: --stddev: must be >= 0, got -1$/],
  ['a NaN mean', ['--mean', 'NaN'], /^init-weights: option '--mean <number>' argument 'NaN' is invalid\. must be a finite number \(decimal, like 0\.05 or 5e-2\)\.$/],
  ['a hexadecimal mean', ['--mean', '0x10'], /^init-weights: option '--mean <number>' argument '0x10' is invalid\. must be a finite number \(decimal/],
  ['a binary stddev', ['--stddev', '0b11'], /argument '0b11' is invalid\. must be a finite number/],
  ['an infinite stddev', ['--stddev', 'Infinity'], /argument 'Infinity' is invalid\. must be a finite number/],
  ['a negative dimension', ['--shape', '3,-1'], /^init-weights: option '--shape <dims>' argument '3,-1' is invalid\. must be non-negative integers/],
  ['a non-integer dimension', ['--shape', '2.5,3'], /argument '2\.5,3' is invalid/],
  ['a product past 2^53', ['--shape', '134217728,134217728'], /must have at most 2\^53 - 1 elements/],
  ['an unknown dtype', ['--dtype', 'int8'], /^init-weights: option '--dtype <dtype>' argument 'int8' is invalid\. Allowed choices are float32, float64, float16, bfloat16, int64, int32, uint8, bool\.$/],
  ['an unknown format', ['--format', 'pickle'], /argument 'pickle' is invalid\. Allowed choices are npy, tar, npz, safetensors, arrow, arrow-stream, keras\./],
  ['an unknown initializer', ['--init', 'glorot'], /argument 'glorot' is invalid\. Allowed choices are normal, uniform, truncated_normal, zeros, ones, constant, variance_scaling, glorot_normal, .*, orthogonal, identity\./],
  ['a parameter of another initializer', ['--init', 'zeros', '--stddev', '1'], /^init-weights: --stddev: does not apply to --init zeros \(its parameters: none\)$/],
  ['a missing required parameter', ['--init', 'constant', '--shape', '2'], /^init-weights: --value: required by --init constant$/],
  ['an empty seed', ['--seed', ''], /argument '' is invalid\. must be an integer or a non-empty string\./],
  ['an unknown flag', ['--stdev', '1'], /^init-weights: unknown option '--stdev' \(Did you mean --stddev\?\)$/],
  ['both --shape and --spec', ['--shape', '2', '--spec', 'x.json'], /^init-weights: --shape and --spec: give one or the other, not both$/],
  ['a missing spec file', ['--spec', 'OUT/nope.json'], /^init-weights: --spec: cannot read ".*nope\.json": no such file$/],
  ['malformed spec JSON', ['--spec', 'OUT/bad.json'], /^init-weights: .*bad\.json: not valid JSON: expected "," or "}", found "\\"" at line 3, column 18$/],
  ['duplicate tensor names', ['--spec', 'OUT/dup.json'], /^init-weights: spec tensors\[1\]\.name: must be unique \(tensors\[0\] has it too\), got "w"$/],
  ['an existing file', ['--shape', '2', '-o', 'OUT/existing.npy'], /existing\.npy: already exists; pass --force to replace it$/],
  ['a missing directory', ['--shape', '2', '-o', 'OUT/no/such/dir/w.npy'], /w\.npy: the directory .*no\/such\/dir does not exist$/],
  ['an unknown extension', ['--shape', '2', '-o', 'OUT/w.bin'], /cannot tell the format of ".*w\.bin" from its extension \(known: \.npy, \.tar, \.npz, \.safetensors, \.arrow\/\.feather, \.arrows, \.weights\.h5\)/],
  ['several tensors into one .npy file', ['-o', 'OUT/all.npy'], /a npy file holds one tensor and the spec has 6; give a directory \(like -o weights\/\) or a file of a format that holds several \(\.tar, \.npz, \.safetensors, \.weights\.h5\)$/],
  ['several tensors as .npy on stdout', ['--format', 'npy', '-o', '-'], /npy holds one tensor and the spec has 6: to stream them all use --format tar/],
  ['--name with the built-in spec', ['--name', 'x'], /--name: names the tensor of --shape/],
  ['a format option the format does not take', ['--shape', '2', '--compress', '-o', 'OUT/w.npy'], /^init-weights: --compress: does not apply to npy output \(it applies to: .*\)$/],
  ['a bad shard size', ['--max-shard-size', '2 parsecs'], /argument '2 parsecs' is invalid\. must be a size like 2GB, 500MB or 1GiB\./],
  ['a format that disagrees with the extension', ['--shape', '2', '--format', 'npz', '-o', 'OUT/w.safetensors'], /w\.safetensors: the extension says safetensors but --format is npz; give a path ending in \.npz, or drop --format$/],
  ['a constant past the dtype', ['--shape', '2', '--init', 'constant', '--value', '1e39'], /^init-weights: --init constant: reaches values past the largest finite float32 \(3\.4028234663852886e\+38\), which would be written as infinity, got/],
  ['a uniform bound past float16', ['--shape', '2', '--dtype', 'float16', '--init', 'uniform', '--minval', '0', '--maxval', '70000'], /reaches values past the largest finite float16 \(65504\)/],
  ['a uniform span past float64', ['--shape', '2', '--dtype', 'float64', '--init', 'uniform', '--minval', '-1e308', '--maxval', '1e308'], /has maxval - minval past the largest float64/],
  ['a name part too long for a file name', ['--shape', '2', '--name', 'x'.repeat(201)], /name: must have "\/"-separated parts of at most 200 bytes/],
  ['a stray argument', ['extra'], /too many arguments/],
];

describe('bad input to gen', () => {
  for (const [label, args, message] of CASES) {
    it(`${label}: one line, exit 2, nothing written`, async () => {
      const argv = ['gen', ...args.map((a) => a.replace(/^OUT/, tmp.dir))];
      if (!argv.includes('-o')) argv.push('-o', tmp.path('out.npy'));
      const before = readdirSync(tmp.dir).sort();
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr.trimEnd()).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout.length).toBe(0);
      expect(readdirSync(tmp.dir).sort()).toEqual(before);
    });
  }

  it('an unwritable directory: one line, exit 2', async () => {
    if (process.getuid?.() === 0) {
      // root may write anywhere; use a path under a regular file instead, which no one can create.
      const r = await runCli(['gen', '--shape', '2', '-o', tmp.path('existing.npy/w.npy')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/does not exist/);
      return;
    }
    const locked = tmp.path('locked');
    (await import('node:fs')).mkdirSync(locked);
    chmodSync(locked, 0o500);
    const r = await runCli(['gen', '--shape', '2', '-o', `${locked}/w.npy`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not writable/);
  });

  it('help exits 0 with examples', async () => {
    const r = await runCli(['gen', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('Examples:');
    expect(r.stdout.toString()).toContain('--stddev <number>');
  });
});
