import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeNpyHeader } from '../../src/formats/npy/header.js';
import { resolveSpec } from '../../src/weights-spec/parse.js';
import { builtinSpec } from '../../src/weights-spec/builtin.js';
import { tensorChunks } from '../../src/io/chunks.js';
import { runCli, tempDir } from '../helpers/cli.js';
import { tensor } from '../helpers/spec.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const npyOf = (t: ReturnType<typeof tensor>) => Buffer.concat([encodeNpyHeader('<f4', t.shape), ...tensorChunks(t)]);

describe('init-weights gen', () => {
  it('writes the same .npy bytes as the library for the same seed', async () => {
    const r = await runCli(['gen', '--shape', '784,128', '--seed', '42', '--name', 'dense_1/kernel', '-o', tmp.path('k.npy')]);
    expect(r.code).toBe(0);
    const file = readFileSync(tmp.path('k.npy'));
    expect(file).toEqual(npyOf(tensor('dense_1/kernel', [784, 128], { seed: 42 })));
    expect(r.stderr).toContain(`sha256 ${sha(file)}`);
  });

  it('accepts 784x128 for a shape and puts the stddev and mean flags into the normal initializer', async () => {
    const r = await runCli(['gen', '--shape', '784x128', '--mean', '1', '--stddev', '0.5', '--seed', '3', '-o', tmp.path('k.npy')]);
    expect(r.code).toBe(0);
    expect(readFileSync(tmp.path('k.npy'))).toEqual(npyOf(tensor('weights', [784, 128], { seed: 3, mean: 1, stddev: 0.5 })));
  });

  it('streams one tensor to stdout as .npy when stdout is not a terminal and no -o is given', async () => {
    const r = await runCli(['gen', '--shape', '5', '--seed', '1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(npyOf(tensor('weights', [5], { seed: 1 })));
    expect(r.stderr).toContain('wrote stdout');
  });

  it('writes the built-in MLP as a directory of .npy files with a manifest', async () => {
    const r = await runCli(['gen', '--mean', '0', '--stddev', '0.05', '--seed', '42', '-o', tmp.path('w/')]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(tmp.path('w/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ tool: 'init-weights', seed: 42, streamVersion: 1 });
    const spec = resolveSpec(builtinSpec({ type: 'normal', mean: 0, stddev: 0.05 }), { seed: 42 });
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(spec.tensors.map((t) => `${t.name}.npy`));
    for (const f of manifest.files) {
      const bytes = readFileSync(tmp.path(`w/${f.path}`));
      expect(sha(bytes)).toBe(f.sha256);
      const t = spec.tensors.find((x) => x.name === f.tensor)!;
      expect(bytes).toEqual(npyOf(t));
    }
    expect(readdirSync(tmp.dir)).toEqual(['w']);
  });

  it('writes the same directory twice byte for byte (CI fixtures)', async () => {
    await runCli(['gen', '--seed', '9', '-o', tmp.path('a/')]);
    await runCli(['gen', '--seed', '9', '-o', tmp.path('b/')]);
    expect(readFileSync(tmp.path('a/manifest.json'))).toEqual(readFileSync(tmp.path('b/manifest.json')));
  });

  it('streams several tensors to stdout as a tar of NAME.npy members then manifest.json', async () => {
    const r = await runCli(['gen', '--seed', '42']);
    expect(r.code).toBe(0);
    const names: string[] = [];
    for (let off = 0; off + 512 <= r.stdout.length;) {
      const h = r.stdout.subarray(off, off + 512);
      if (h.every((b) => b === 0)) break;
      const name = h.subarray(0, 100).toString().replace(/\0.*$/s, '');
      const size = parseInt(h.subarray(124, 136).toString(), 8);
      names.push(name);
      off += 512 + Math.ceil(size / 512) * 512;
    }
    expect(names).toEqual(['dense/kernel.npy', 'dense/bias.npy', 'dense_1/kernel.npy', 'dense_1/bias.npy', 'dense_2/kernel.npy', 'dense_2/bias.npy', 'manifest.json']);
    expect(r.stdout.length % 512).toBe(0);
  });

  it('reads a spec from a file and from stdin, with --seed and --dtype replacing file-level values', async () => {
    const spec = { seed: 1, tensors: [{ name: 'a', shape: [4], initializer: 'normal' }, { name: 'b', shape: [2], initializer: { type: 'constant', value: 0.5 }, dtype: 'float64' }] };
    writeFileSync(tmp.path('s.json'), JSON.stringify(spec));
    const fromFile = await runCli(['gen', '--spec', tmp.path('s.json'), '--seed', '8', '--dtype', 'float16', '-o', tmp.path('x.tar')]);
    expect(fromFile.code).toBe(0);
    const fromStdin = await runCli(['gen', '--spec', '-', '--seed', '8', '--dtype', 'float16', '--format', 'tar'], { stdin: JSON.stringify(spec) });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toEqual(readFileSync(tmp.path('x.tar')));
    const manifest = fromStdin.stdout.toString('latin1');
    expect(manifest).toContain('"dtype": "float16"');
    expect(manifest).toContain('"seed": 8');
  });

  it('prints a drawn seed on stderr and records it, so the run can be repeated', async () => {
    const r = await runCli(['gen', '--shape', '3', '-o', tmp.path('a.npy')]);
    const seed = /seed (\d+) \(drawn; pass --seed \1 to repeat/.exec(r.stderr)?.[1];
    expect(seed).toBeDefined();
    await runCli(['gen', '--shape', '3', '--seed', seed!, '-o', tmp.path('b.npy')]);
    expect(readFileSync(tmp.path('a.npy'))).toEqual(readFileSync(tmp.path('b.npy')));
  });

  it('prints a JSON summary with --json and nothing with --quiet', async () => {
    const j = await runCli(['gen', '--shape', '2,2', '--seed', '1', '--json', '-o', tmp.path('j.npy')]);
    const summary = JSON.parse(j.stderr);
    expect(summary).toMatchObject({ format: 'npy', layout: 'file', seed: 1, tensors: [{ name: 'weights', shape: [2, 2], dtype: 'float32' }] });
    expect(summary.files[0].sha256).toBe(sha(readFileSync(tmp.path('j.npy'))));
    const q = await runCli(['gen', '--shape', '2,2', '--seed', '1', '--quiet', '-o', tmp.path('q.npy')]);
    expect(q.stderr).toBe('');
  });

  it('replaces an existing output only with --force', async () => {
    await runCli(['gen', '--shape', '2', '--seed', '1', '-o', tmp.path('a.npy')]);
    const again = await runCli(['gen', '--shape', '2', '--seed', '2', '-o', tmp.path('a.npy')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/a\.npy: already exists; pass --force to replace it/);
    const forced = await runCli(['gen', '--shape', '2', '--seed', '2', '-o', tmp.path('a.npy'), '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(tmp.path('a.npy'))).toEqual(npyOf(tensor('weights', [2], { seed: 2 })));
  });

  it('replaces the files it writes in a directory it wrote with --force', async () => {
    await runCli(['gen', '--seed', '1', '-o', tmp.path('w/')]);
    expect((await runCli(['gen', '--seed', '2', '-o', tmp.path('w/'), '--force'])).code).toBe(0);
    expect(JSON.parse(readFileSync(tmp.path('w/manifest.json'), 'utf8')).seed).toBe(2);
  });

  it('never deletes or changes files it did not write: --force replaces only its own files beside them', async () => {
    await runCli(['gen', '--seed', '1', '-o', tmp.path('w/')]);
    writeFileSync(tmp.path('w/NOTES.txt'), 'mine');
    const r = await runCli(['gen', '--seed', '2', '-o', tmp.path('w/'), '--force']);
    expect([r.code, r.stderr.split('\n')[0]]).toEqual([0, `init-weights: wrote ${tmp.path('w')} (npy directory + manifest.json, 428.0 KiB)`]);
    expect(readFileSync(tmp.path('w/NOTES.txt'), 'utf8')).toBe('mine');
    expect(JSON.parse(readFileSync(tmp.path('w/manifest.json'), 'utf8')).seed).toBe(2);
  });

  it('stores a tensor named __proto__ in safetensors like any other name, and refuses __metadata__', async () => {
    const spec = (name: string) => JSON.stringify({ seed: 1, tensors: [{ name, shape: [3], initializer: 'normal' }] });
    const ok = await runCli(['gen', '--spec', '-', '-o', tmp.path('p.safetensors')], { stdin: spec('__proto__') });
    expect(ok.code).toBe(0);
    const file = readFileSync(tmp.path('p.safetensors'));
    const header = JSON.parse(file.subarray(8, 8 + Number(file.readBigUInt64LE(0))).toString('utf8'));
    expect(Object.prototype.hasOwnProperty.call(header, '__proto__')).toBe(true);
    const bad = await runCli(['gen', '--spec', '-', '-o', tmp.path('m.safetensors')], { stdin: spec('__metadata__') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/a tensor named "__metadata__" cannot be stored in safetensors/);
    expect(existsSync(tmp.path('m.safetensors'))).toBe(false);
  });

  it('accepts a spec file that starts with a UTF-8 byte order mark', async () => {
    const r = await runCli(['gen', '--spec', '-', '-o', tmp.path('b.npy')], { stdin: `\ufeff${JSON.stringify({ seed: 1, tensors: [{ name: 'w', shape: [2], initializer: 'ones' }] })}` });
    expect(r.code).toBe(0);
  });

  it('writes to weights.npy when stdout is a terminal and names it', async () => {
    const cwd = process.cwd();
    process.chdir(tmp.dir);
    try {
      const r = await runCli(['gen', '--shape', '2', '--seed', '1'], { stdoutTTY: true });
      expect(r.code).toBe(0);
      expect(existsSync(tmp.path('weights.npy'))).toBe(true);
      expect(r.stderr).toContain('wrote weights.npy');
      expect(r.stdout.length).toBe(0);
    } finally {
      process.chdir(cwd);
    }
  });

  it('never writes binary to a terminal', async () => {
    const r = await runCli(['gen', '--shape', '2', '--seed', '1', '-o', '-'], { stdoutTTY: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write binary data to a terminal/);
    expect(r.stdout.length).toBe(0);
  });

  it('shows a progress bar only when stderr is a terminal', async () => {
    const quiet = await runCli(['gen', '--shape', '3000000', '--seed', '1', '-o', tmp.path('p.npy')]);
    expect(quiet.stderr).not.toContain('%');
  });
});

describe('gen: the built-in spec and the initializers', () => {
  /**
   * sha256 of the built-in's .npy files for `gen --seed 42` (stream v1), pinned when the built-in
   * took Keras 3's names (dense, dense_1, dense_2; after 0.1.0): the values are keyed by name, so they
   * changed once then. The zero bias is the same bytes as before.
   */
  const BUILTIN_SHA = {
    'dense/kernel.npy': '9c4f8bb7c004a7a839d08194963956107a6a34c3cd26ac5255ede47d7e29eb67',
    'dense/bias.npy': 'bbfaf67af7b5d758f23d9f646ce52f9ee3e7fd28616a7dbcacbe13484c12e824',
    'dense_2/kernel.npy': '1c39c0629e5b7f335623967db79c8218323dff54324952831943840480c2ecae',
  };

  it('the headline command gives normal(0, 0.05) kernels and zero biases under the names Keras 3 gives the article\'s model, byte for byte', async () => {
    const r = await runCli(['gen', '--mean', '0', '--stddev', '0.05', '--seed', '42', '-o', tmp.path('w/')]);
    expect(r.code).toBe(0);
    for (const [file, digest] of Object.entries(BUILTIN_SHA)) expect(sha(readFileSync(tmp.path(`w/${file}`))), file).toBe(digest);
    expect(readFileSync(tmp.path('w/dense/kernel.npy'))).toEqual(npyOf(tensor('dense/kernel', [784, 128], { seed: 42, initializer: { type: 'normal', mean: 0, stddev: 0.05 } })));
    expect(r.stderr).toMatch(/dense\/kernel +float32 +\(784, 128\) +normal\(mean=0, stddev=0\.05\)/);
  });

  it('--init gives the built-in kernels another initializer, with fans from their shapes', async () => {
    const r = await runCli(['gen', '--init', 'glorot_uniform', '--seed', '42', '-o', tmp.path('w/')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/dense_1\/kernel +float32 +\(128, 64\) +glorot_uniform\(fan_in=128, fan_out=64\)/);
    expect(r.stderr).toMatch(/dense_1\/bias +float32 +\(64,\) +zeros/);
  });

  it('--layout torch gives the built-in torch names, (out, in) weights and torch bias defaults', async () => {
    const r = await runCli(['gen', '--layout', 'torch', '--seed', '42', '-o', tmp.path('w/')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/0\.weight +float32 +\(128, 784\) +normal\(mean=0, stddev=0\.05\)/);
    expect(r.stderr).toMatch(/2\.bias +float32 +\(10,\) +uniform\(minval=-0\.125, maxval=0\.125\)/);
  });

  it('word flags (--mode, --distribution) and number flags reach the initializer, and the bytes are the library\'s', async () => {
    const args = ['gen', '--shape', '3,3,16,32', '--init', 'variance_scaling', '--scale', '2', '--mode', 'fan_avg', '--distribution', 'uniform', '--seed', '5', '-o', tmp.path('k.npy')];
    const r = await runCli(args);
    expect(r.code).toBe(0);
    const t = tensor('weights', [3, 3, 16, 32], { seed: 5, initializer: { type: 'variance_scaling', scale: 2, mode: 'fan_avg', distribution: 'uniform' } });
    expect(readFileSync(tmp.path('k.npy'))).toEqual(npyOf(t));
  });

  it('--layout changes the fans of --shape, and --fan-in replaces them', async () => {
    const keras = await runCli(['gen', '--shape', '64,32,3,3', '--init', 'he_uniform', '--seed', '1', '-o', tmp.path('a.npy')]);
    expect(keras.stderr).toContain('he_uniform(fan_in=6144, fan_out=6144)');
    const torch = await runCli(['gen', '--shape', '64,32,3,3', '--init', 'he_uniform', '--layout', 'torch', '--seed', '1', '-o', tmp.path('b.npy')]);
    expect(torch.stderr).toContain('he_uniform(fan_in=288, fan_out=576)');
    const given = await runCli(['gen', '--shape', '4,4', '--init', 'he_uniform', '--fan-in', '6', '--seed', '1', '-o', tmp.path('c.npy')]);
    expect(given.stderr).toContain('he_uniform(fan_in=6, fan_out=4)');
  });

  for (const [what, args, message] of [
    ['a word outside the initializer\'s choices', ['--shape', '4,4', '--init', 'kaiming_normal', '--mode', 'fan_avg'], /^init-weights: --mode: must be one of fan_in, fan_out, got "fan_avg"\n$/],
    ['a word no initializer knows', ['--shape', '4,4', '--init', 'variance_scaling', '--distribution', 'cauchy'], /argument 'cauchy' is invalid\. Allowed choices are truncated_normal, untruncated_normal, uniform\./],
    ['orthogonal on a vector', ['--shape', '5', '--init', 'orthogonal'], /^init-weights: --init orthogonal: orthogonal needs a shape of rank 2 or more .*, got \[5\]\n$/],
    ['orthogonal past its size limit', ['--shape', '8192,4096', '--init', 'orthogonal'], /^init-weights: --init orthogonal: orthogonal holds the whole matrix in memory: at most 2\^24 = 16777216 elements, this is 8192 x 4096, got \[8192,4096\]\n$/],
    ['uniform bounds the wrong way round', ['--shape', '4', '--init', 'uniform', '--minval', '1', '--maxval', '0'], /^init-weights: --maxval: must be >= minval \(1\), got 0\n$/],
  ] as const) {
    it(`rejects ${what} with one line and exit 2`, async () => {
      const r = await runCli(['gen', ...args, '--seed', '1', '-o', tmp.path('x.npy')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(tmp.path('x.npy'))).toBe(false);
    });
  }
});

describe('gen: initializers that need the whole tensor (orthogonal, identity)', () => {
  // These pass once src/stream/generate.ts's fillBlock hands the block's position to the
  // initializer (fillInitializerBlock in src/init/fill.ts); see docs/initializers.md.
  it('orthogonal through the CLI writes the library\'s orthogonal matrix', async () => {
    const r = await runCli(['gen', '--shape', '300,400', '--init', 'orthogonal', '--gain', '2', '--seed', '3', '--dtype', 'float64', '-o', tmp.path('o.npy')]);
    expect(r.stderr).toContain('orthogonal(gain=2, layout=keras)');
    expect(r.code).toBe(0);
    const { initializerValues } = await import('../../src/init/fill.js');
    const t = tensor('weights', [300, 400], { seed: 3, dtype: 'float64', initializer: { type: 'orthogonal', gain: 2 } });
    const bytes = readFileSync(tmp.path('o.npy'));
    const data = new Float64Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 300 * 400 * 8, bytes.byteOffset + bytes.length));
    expect(data).toEqual(initializerValues(t));
  });

  it('identity through the CLI writes gain on the diagonal', async () => {
    const r = await runCli(['gen', '--shape', '2,3', '--init', 'identity', '--gain', '5', '--dtype', 'float64', '--seed', '1', '-o', tmp.path('i.npy')]);
    expect(r.code).toBe(0);
    const bytes = readFileSync(tmp.path('i.npy'));
    expect(Array.from(new Float64Array(bytes.buffer.slice(bytes.byteOffset + bytes.length - 48, bytes.byteOffset + bytes.length)))).toEqual([5, 0, 0, 0, 5, 0]);
  });
});

describe('the default output on a terminal', () => {
  it('is weights.<ext> of the chosen format, or weights/ for several one-tensor files or shards', async () => {
    const { defaultOutput } = await import('../../src/generate/plan.js');
    expect(defaultOutput(1, undefined, false)).toBe('weights.npy');
    expect(defaultOutput(6, undefined, false)).toBe('weights/');
    expect(defaultOutput(6, 'tar', false)).toBe('weights.tar');
    expect(defaultOutput(6, 'safetensors', false)).toBe('weights.safetensors');
    expect(defaultOutput(6, 'safetensors', true)).toBe('weights/');
    expect(defaultOutput(1, 'arrow', false)).toBe('weights.arrow');
    expect(defaultOutput(6, 'npz', false)).toBe('weights.npz');
  });
});
