/*
 * `gen --like`, the spec field `like` and `gen --print-spec` through the CLI (in-process): the spec
 * loadSpec builds, the summary's count per rule, a checkpoint written beside config.json, and bad
 * input as one line, exit 2, nothing written.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/weights-spec/load.js';
import { printableSpec, resolveSpec } from '../../src/weights-spec/parse.js';
import { runCli, tempDir } from '../helpers/cli.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** What `{k: list(v.shape) for k, v in model.state_dict().items()}` dumps for a tiny module. */
const DUMP = { 'fc.weight': [4, 3], 'fc.bias': [4], 'norm.weight': [3], 'head.weight': [2, 4] };
/** A tiny Llama config, as transformers' save_pretrained writes the fields the table reads. */
const LLAMA = {
  model_type: 'llama', architectures: ['LlamaForCausalLM'], hidden_size: 16, intermediate_size: 32, num_hidden_layers: 1,
  num_attention_heads: 2, num_key_value_heads: 1, vocab_size: 40, max_position_embeddings: 32,
};

interface Summary { tensors: { name: string; initializer: { type: string; stddev?: number } }[]; rules?: { rule: string; taken: number }[]; defaultsTaken?: number; like?: { kind: string } }
const inits = (s: Summary) => Object.fromEntries(s.tensors.map((t) => [t.name, t.initializer.type]));

describe('gen --like', () => {
  it('takes names and shapes from a shape dump, with the convention law, and says how many tensors each rule took', async () => {
    writeFileSync(tmp.path('dump.json'), JSON.stringify(DUMP));
    const r = await runCli(['gen', '--like', tmp.path('dump.json'), '--seed', '1', '-o', tmp.path('w.safetensors')]);
    expect(r.code).toBe(0);
    // One line per rule of the resolved spec (the source's convention), with its count, then defaults.
    const { spec } = await loadSpec({ like: tmp.path('dump.json'), overrides: { seed: 1 } });
    const want = spec.rules!.map((u) => `  ${u.rule} (${u.description}): ${u.taken} tensor${u.taken === 1 ? '' : 's'}`);
    expect(r.stderr.split('\n').filter((l) => /^ {2}(rules\[|defaults:)/.test(l))).toEqual([...want, '  defaults: 0 tensors']);
    expect(want.filter((l) => l.includes('(norm weights: ones): 1 tensor') || l.includes('"**.bias" (biases: zeros): 1 tensor') || l.endsWith('"**" (everything else: normal(0, 0.02)): 2 tensors'))).toHaveLength(3);
    expect(r.stderr).toContain(`  like ${tmp.path('dump.json')} (shape-dump)\n`);
    const j = await runCli(['gen', '--like', tmp.path('dump.json'), '--seed', '1', '-o', tmp.path('j.safetensors'), '--json']);
    const s = JSON.parse(j.stderr) as Summary;
    expect(inits(s)).toEqual({ 'fc.weight': 'normal', 'fc.bias': 'zeros', 'norm.weight': 'ones', 'head.weight': 'normal' });
    expect(s.rules!.map((u) => u.taken)).toEqual(spec.rules!.map((u) => u.taken));
    expect([s.defaultsTaken, s.like!.kind]).toEqual([0, 'shape-dump']);
  });

  it('with --init, that initializer replaces the source\'s law for every tensor', async () => {
    writeFileSync(tmp.path('dump.json'), JSON.stringify(DUMP));
    const r = await runCli(['gen', '--like', tmp.path('dump.json'), '--init', 'uniform', '--minval', '-0.1', '--maxval', '0.1', '--seed', '1', '-o', tmp.path('w.npz'), '--json']);
    expect(r.code).toBe(0);
    expect(Object.values(inits(JSON.parse(r.stderr) as Summary))).toEqual(['uniform', 'uniform', 'uniform', 'uniform']);
  });

  it('with --spec, the spec adds to the source: its rules first, its own tensors by name', async () => {
    writeFileSync(tmp.path('dump.json'), JSON.stringify(DUMP));
    writeFileSync(tmp.path('s.json'), JSON.stringify({
      rules: [{ match: 'head.*', initializer: { type: 'normal', stddev: 0.5 } }],
      tensors: [{ name: 'extra', shape: [2], initializer: 'ones' }],
    }));
    const r = await runCli(['gen', '--spec', tmp.path('s.json'), '--like', tmp.path('dump.json'), '--seed', '1', '-o', tmp.path('w.npz'), '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stderr) as Summary;
    expect(inits(s)).toEqual({ 'fc.weight': 'normal', 'fc.bias': 'zeros', 'norm.weight': 'ones', 'head.weight': 'normal', extra: 'ones' });
    expect(s.tensors.find((t) => t.name === 'head.weight')!.initializer.stddev).toBe(0.5);
  });

  it('reads the spec field "like" relative to the spec file, and writes what loadSpec resolves', async () => {
    mkdirSync(tmp.path('m'));
    writeFileSync(tmp.path('m/dump.json'), JSON.stringify(DUMP));
    writeFileSync(tmp.path('m/s.json'), JSON.stringify({ like: 'dump.json', seed: 4 }));
    const r = await runCli(['gen', '--spec', tmp.path('m/s.json'), '--print-spec']);
    expect(r.code).toBe(0);
    const { spec } = await loadSpec({ specText: readFileSync(tmp.path('m/s.json'), 'utf8'), specPath: tmp.path('m/s.json') });
    expect(JSON.parse(r.stdout.toString())).toEqual(printableSpec(spec));
  });

  it('writes a Hugging Face checkpoint beside config.json (-o DIR/), touching nothing else', async () => {
    mkdirSync(tmp.path('ckpt'));
    writeFileSync(tmp.path('ckpt/config.json'), JSON.stringify(LLAMA));
    writeFileSync(tmp.path('ckpt/tokenizer.json'), '{}');
    const r = await runCli(['gen', '--like', tmp.path('ckpt/config.json'), '--seed', '1', '-o', tmp.path('ckpt/')]);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([0, expect.stringMatching(/^init-weights: wrote .*ckpt \(safetensors directory \+ manifest\.json, /)]);
    expect(readdirSync(tmp.path('ckpt')).sort()).toEqual(['config.json', 'manifest.json', 'model.safetensors', 'tokenizer.json']);
    expect([readFileSync(tmp.path('ckpt/config.json'), 'utf8'), readFileSync(tmp.path('ckpt/tokenizer.json'), 'utf8')]).toEqual([JSON.stringify(LLAMA), '{}']);
    const again = await runCli(['gen', '--like', tmp.path('ckpt/config.json'), '--seed', '1', '-o', tmp.path('ckpt/'), '--check']);
    expect(again.code).toBe(0);
    expect((await runCli(['verify', tmp.path('ckpt')])).code).toBe(0);
    // -o ckpt (no slash) names the same existing directory: the same checkpoint, already there.
    const plain = await runCli(['gen', '--like', tmp.path('ckpt/config.json'), '--seed', '1', '-o', tmp.path('ckpt')]);
    expect([plain.code, plain.stderr.split('\n')[0]]).toEqual([0, expect.stringMatching(/ckpt unchanged \(safetensors directory/)]);
  });
});

describe('gen --print-spec', () => {
  it('prints the resolved spec as JSON (a tensor per line) on stdout, writes nothing, and reads back to the same spec', async () => {
    writeFileSync(tmp.path('dump.json'), JSON.stringify(DUMP));
    const r = await runCli(['gen', '--like', tmp.path('dump.json'), '--seed', '9', '--dtype', 'bfloat16', '--print-spec', '-o', tmp.path('out/')]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(readdirSync(tmp.dir)).toEqual(['dump.json']);
    const text = r.stdout.toString();
    expect(text.split('\n').filter((l) => l.startsWith('    {"name":'))).toHaveLength(4);
    const printed = JSON.parse(text) as Record<string, unknown>;
    expect(printed.tensors).toContainEqual({ name: 'norm.weight', shape: [3], initializer: { type: 'ones' }, dtype: 'bfloat16', seed: 9, chosen_by: expect.stringMatching(/^rules\[0\] /) });
    expect(printableSpec(resolveSpec(printed))).toEqual(printed);
  });

  it('and --check together are refused (one line, exit 2)', async () => {
    const r = await runCli(['gen', '--print-spec', '--check', '-o', tmp.path('w.npz')]);
    expect([r.code, r.stderr]).toEqual([2, 'init-weights: --print-spec and --check: --print-spec only prints the spec; drop one of them\n']);
  });
});

describe('gen --help', () => {
  it('shows --like, --print-spec and --compat, each with an example', async () => {
    const r = await runCli(['gen', '--help']);
    const help = r.stdout.toString();
    expect(r.code).toBe(0);
    for (const flag of ['--like <path>', '--print-spec', '--compat <mode>']) expect(help).toContain(`  ${flag}`);
    expect(help).toContain('$ init-weights gen --like ckpt/config.json --seed 1 -o ckpt/');
    expect(help).toMatch(/\$ init-weights gen [^\n]*--print-spec/);
    expect(help).toContain('$ init-weights gen --compat keras --seed 42 --format npz -o mlp.npz');
    expect(help).toMatch(/--compat[\s\S]*one thread, --threads is ignored/);
  });
});

describe('--like errors: one line, exit 2, nothing written', () => {
  const cases: { name: string; argv: (dump: string) => string[]; line: string | RegExp }[] = [
    { name: '--like with --shape', argv: (d) => ['--like', d, '--shape', '3'], line: 'init-weights: --shape and --like: give one or the other, not both\n' },
    { name: '--like with --name', argv: (d) => ['--like', d, '--name', 'x'], line: 'init-weights: --name: names the tensor of --shape; --like names its own tensors\n' },
    { name: 'a parameter without --init', argv: (d) => ['--like', d, '--stddev', '0.1'], line: 'init-weights: --stddev: parameters of --init; with --like give --init too (for example --init normal --stddev 0.02)\n' },
    { name: '--init with --spec alone', argv: () => ['--spec', 'x.json', '--init', 'zeros'], line: "init-weights: --init: not used with --spec (initializers are in the spec file; with --like, --init replaces the source's law)\n" },
    { name: 'a path that does not exist', argv: (d) => ['--like', `${d}.missing`], line: /^init-weights: [^\n]*dump\.json\.missing[^\n]*\n$/ },
    { name: 'a file that describes no model', argv: (d) => ['--like', d.replace('dump.json', 'bad.json')], line: /^init-weights: [^\n]*bad\.json[^\n]*\n$/ },
  ];
  it.each(cases)('$name', async ({ argv, line }) => {
    writeFileSync(tmp.path('dump.json'), JSON.stringify(DUMP));
    writeFileSync(tmp.path('bad.json'), JSON.stringify({ hello: 'world' }));
    const r = await runCli(['gen', ...argv(tmp.path('dump.json')), '-o', tmp.path('w.npz')]);
    expect(r.code).toBe(2);
    if (typeof line === 'string') expect(r.stderr).toBe(line);
    else expect(r.stderr).toMatch(line);
    expect(readdirSync(tmp.dir).sort()).toEqual(['bad.json', 'dump.json']);
  });
});
