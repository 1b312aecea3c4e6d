/*
 * `gen --compat MODE` and the spec field "compat" through the CLI (in-process): the bytes written are
 * the library's compatValues rounded once to each dtype, in every format; the provenance records the
 * mode so that `verify` and `--check` regenerate compat outputs; bad modes and initializers the mode
 * lacks are one line, exit 2, nothing written.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compatMode, compatValues } from '../../src/compat/stream.js';
import type { CompatModeName } from '../../src/compat/types.js';
import { verify } from '../../src/verify/verify.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { bitsOf } from './cases.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A small spec per mode: sizes below and above 16 and not multiples of it, each mode's own dtypes. */
const SPECS: Record<CompatModeName, Record<string, unknown>> = {
  keras: { seed: 3, tensors: [
    { name: 'k', shape: [5, 7], initializer: { type: 'normal', stddev: 0.3 } },
    { name: 'g', shape: [4, 6], initializer: 'glorot_uniform', seed: 4 },
    { name: 't', shape: [37], initializer: 'truncated_normal', seed: 5 },
    { name: 'b', shape: [3], initializer: 'zeros' },
  ] },
  numpy: { seed: 11, tensors: [
    { name: 'n64', shape: [11], initializer: 'normal', dtype: 'float64' },
    { name: 'u16', shape: [17, 3], initializer: { type: 'uniform', minval: -2, maxval: 2 }, dtype: 'float16', seed: 12 },
    { name: 't', shape: [40], initializer: 'he_normal', seed: 13 },
  ] },
  tfjs: { seed: 5, tensors: [
    { name: 'n', shape: [19], initializer: 'normal' },
    { name: 'u', shape: [2, 4], initializer: 'glorot_uniform', seed: 6 },
  ] },
  torch: { seed: 7, layout: 'torch', tensors: [
    { name: 'w', shape: [6, 5], initializer: { type: 'kaiming_uniform', a: 2.23606797749979 } },
    { name: 'b', shape: [6], initializer: { type: 'uniform', minval: -0.4472135954999579, maxval: 0.4472135954999579 } },
    { name: 'e', shape: [21], initializer: 'normal' },
  ] },
};

const MODES = Object.keys(SPECS) as CompatModeName[];

/** Each tensor's data bytes in a safetensors file, by name. */
function safetensorsData(path: string): { data: Record<string, Buffer>; metadata: Record<string, string> } {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { data_offsets: [number, number] }>;
  const data: Record<string, Buffer> = {};
  for (const [name, e] of Object.entries(header)) if (name !== '__metadata__') data[name] = bytes.subarray(8 + n + e.data_offsets[0], 8 + n + e.data_offsets[1]);
  return { data, metadata: header.__metadata__ as unknown as Record<string, string> };
}

describe.each(MODES)('gen --compat %s', (mode) => {
  it("writes exactly the library's compatValues, rounded once to each dtype, and records the mode in the provenance", async () => {
    writeFileSync(tmp.path('s.json'), JSON.stringify(SPECS[mode]));
    const r = await runCli(['gen', '--spec', tmp.path('s.json'), '--compat', mode, '-o', tmp.path('w.safetensors'), '--threads', '3', '-q']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const spec = resolveSpec({ ...SPECS[mode], compat: mode });
    const want = compatValues(mode, spec.tensors);
    const { data, metadata } = safetensorsData(tmp.path('w.safetensors'));
    expect(Object.keys(data)).toEqual(spec.tensors.map((t) => t.name));
    spec.tensors.forEach((t, i) => expect(data[t.name]!.equals(Buffer.from(bitsOf(want[i]!, t.dtype))), t.name).toBe(true));
    expect(JSON.parse(metadata.compat!)).toEqual({ mode, follows: compatMode(mode).follows });
    expect(JSON.parse(metadata.spec!).compat).toBe(mode);
  });

  it('the spec field "compat" gives the same bytes as the flag, and verify passes', async () => {
    writeFileSync(tmp.path('s.json'), JSON.stringify(SPECS[mode]));
    writeFileSync(tmp.path('c.json'), JSON.stringify({ ...SPECS[mode], compat: mode }));
    await runCli(['gen', '--spec', tmp.path('s.json'), '--compat', mode, '-o', tmp.path('a.npz'), '-q']);
    const r = await runCli(['gen', '--spec', tmp.path('c.json'), '-o', tmp.path('b.npz'), '-q']);
    expect(r.code).toBe(0);
    expect(readFileSync(tmp.path('b.npz')).equals(readFileSync(tmp.path('a.npz')))).toBe(true);
    const v = await verify(tmp.path('b.npz'));
    expect([v.ok, v.compat]).toEqual([true, mode]);
  });
});

/** Outputs of every layout and format, for one torch spec (order matters most there). */
const LAYOUTS: { name: string; out: string; flags: string[] }[] = [
  { name: 'a directory of .npy files + manifest.json', out: 'd/', flags: [] },
  { name: 'safetensors shards + index', out: 'ck/', flags: ['--max-shard-size', '200'] },
  { name: 'npz', out: 'w.npz', flags: [] },
  { name: 'compressed npz', out: 'c.npz', flags: ['--compress'] },
  { name: 'tar', out: 'w.tar', flags: [] },
  { name: 'a directory of Arrow files', out: 'a/', flags: ['--format', 'arrow'] },
  { name: 'one safetensors file', out: 'w.safetensors', flags: [] },
];

describe.each(LAYOUTS)('a torch compat output as $name', ({ out, flags }) => {
  it('verify passes, --check passes, and a rerun leaves it unchanged; tampered, verify fails on that tensor', async () => {
    const spec = JSON.stringify(SPECS.torch);
    const gen = (...more: string[]) => runCli(['gen', '--spec', '-', '--compat', 'torch', '-o', tmp.path(out), ...flags, ...more], { stdin: spec });
    expect((await gen('-q')).code).toBe(0);
    expect((await verify(tmp.path(out))).ok).toBe(true);
    expect((await gen('--check')).code).toBe(0);
    expect((await gen()).stderr).toMatch(/unchanged/);
  });
});

describe('verify and --check on a tampered compat output', () => {
  it('fail naming the tensor and the element (verify exit 1, --check exit 1)', async () => {
    writeFileSync(tmp.path('s.json'), JSON.stringify({ ...SPECS.keras, compat: 'keras' }));
    await runCli(['gen', '--spec', tmp.path('s.json'), '-o', tmp.path('w.safetensors'), '-q']);
    const bytes = readFileSync(tmp.path('w.safetensors'));
    const spec = resolveSpec({ ...SPECS.keras, compat: 'keras' });
    const g = Buffer.from(bitsOf(compatValues('keras', spec.tensors)[1]!, 'float32'));
    bytes[bytes.indexOf(g) + 4 * 5 + 3]! ^= 0x40; // element 5 of "g", in its sign/exponent byte
    writeFileSync(tmp.path('w.safetensors'), bytes);
    const v = await runCli(['verify', tmp.path('w.safetensors')]);
    expect(v.code).toBe(1);
    expect(v.stdout.toString()).toMatch(/1 of 4 tensors do not match \(seed 3, compat keras, [^\n]*\n {2}ok {4}"k"\n {2}FAIL {2}"g": element 5 differs: expected /);
    const c = await runCli(['gen', '--spec', tmp.path('s.json'), '-o', tmp.path('w.safetensors'), '--check']);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/tensor "g": element 5 differs/);
  });
});

describe('the summary of a compat run', () => {
  it("names the mode and what it follows, and warns that the built-in MLP's kernels share seed 42 in keras mode", async () => {
    const r = await runCli(['gen', '--compat', 'keras', '--seed', '42', '-o', tmp.path('w.npz')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`  seed 42, compat keras (${compatMode('keras').follows}), init-weights `);
    expect(r.stderr).toContain('  warning: tensors "dense/kernel", "dense_1/kernel", "dense_2/kernel" share a seed: their values start the same');
    const j = await runCli(['gen', '--compat', 'keras', '--seed', '42', '-o', tmp.path('j.npz'), '--json']);
    expect(JSON.parse(j.stderr).compat).toEqual({ mode: 'keras', follows: compatMode('keras').follows, sharedSeeds: [['dense/kernel', 'dense_1/kernel', 'dense_2/kernel']] });
  });

  it('has no warning in torch mode, whose one generator runs on from tensor to tensor', async () => {
    const r = await runCli(['gen', '--compat', 'torch', '--seed', '42', '--init', 'uniform', '-o', tmp.path('w.npz')]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
  });

  it('--print-spec shows the mode and writes nothing', async () => {
    const r = await runCli(['gen', '--compat', 'numpy', '--seed', '1', '--print-spec', '-o', tmp.path('w.npz')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.toString()).compat).toBe('numpy');
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});

describe('compat errors: one line, exit 2, nothing written', () => {
  const cases: { name: string; argv: string[]; stdin?: object; line: string | RegExp }[] = [
    { name: 'an unknown mode', argv: ['--compat', 'jax', '--shape', '3'], line: "init-weights: option '--compat <mode>' argument 'jax' is invalid. Allowed choices are keras, numpy, tfjs, torch.\n" },
    { name: 'an initializer the mode does not have', argv: ['--compat', 'keras', '--shape', '3,3', '--init', 'orthogonal'], line: /^init-weights: --compat: tensor "weights" initializer\.type: compat mode keras supports the initializers normal, [^\n]*, got "orthogonal"\n$/ },
    { name: 'seed 0 in tfjs mode', argv: ['--compat', 'tfjs', '--shape', '3', '--seed', '0'], line: /^init-weights: --compat: tensor "weights" seed: compat mode tfjs cannot draw a normal with seed 0: [^\n]*, got 0\n$/ },
    { name: 'a string seed', argv: ['--compat', 'numpy', '--shape', '3', '--seed', 'abc'], line: /^init-weights: --compat: tensor "weights" seed: compat mode numpy needs an integer seed [^\n]*, got "abc"\n$/ },
    { name: 'an unknown mode in the spec', argv: ['--spec', '-'], stdin: { compat: 'jax', tensors: [{ name: 'w', shape: [2], initializer: 'normal' }] }, line: 'init-weights: spec compat: must be one of keras, numpy, tfjs, torch (the framework whose own seeded initializers to reproduce; docs/compat/), got "jax"\n' },
    { name: 'an initializer the spec\'s mode does not have, at the path written', argv: ['--spec', '-'], stdin: { compat: 'keras', seed: 1, tensors: [{ name: 'w', shape: [2], initializer: 'normal' }, { name: 'o', shape: [3, 3], initializer: 'orthogonal' }] }, line: /^init-weights: spec tensors\[1\]\.initializer: compat mode keras supports the initializers [^\n]* \(tensor "o"\), got "orthogonal"\n$/ },
    { name: 'a dtype the spec\'s mode does not draw', argv: ['--spec', '-'], stdin: { compat: 'torch', seed: 1, dtype: 'float64', tensors: [{ name: 'w', shape: [2], initializer: 'normal' }] }, line: /^init-weights: spec dtype: compat mode torch supports float32 [^\n]* \(tensor "w"\), got "float64"\n$/ },
  ];
  it.each(cases)('$name', async ({ argv, stdin, line }) => {
    const r = await runCli(['gen', ...argv, '-o', tmp.path('w.npz')], stdin ? { stdin: JSON.stringify(stdin) } : {});
    expect(r.code).toBe(2);
    if (typeof line === 'string') expect(r.stderr).toBe(line);
    else expect(r.stderr).toMatch(line);
    expect(readdirSync(tmp.dir)).toEqual([]);
  });
});
