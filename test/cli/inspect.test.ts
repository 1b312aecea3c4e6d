import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { fixture, runInspectCli } from '../inspect/helpers.js';

/* The `inspect` command: a thin adapter over the library's report, text or JSON, file or pipe. */

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function gen(args: string[], out: string): Promise<string> {
  const path = tmp.path(out);
  const r = await runCli(['gen', ...args, '-o', path, '--quiet']);
  expect(r.code, r.stderr).toBe(0);
  return path;
}

describe('init-weights inspect', () => {
  it('prints a plain-text report of a .npy on stdout and nothing on stderr', async () => {
    const r = await runInspectCli(['inspect', fixture('normal_f32.npy')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('normal_f32  float32  (200, 100)  20,000 values  78.1 KiB');
    expect(r.stdout).toMatch(/histogram {2}20 bins on/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('checks the declared initializer when the file carries init-weights provenance', async () => {
    const path = await gen(['--seed', '42', '--format', 'tar'], 'mlp.tar');
    const r = await runInspectCli(['inspect', path]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('made by init-weights');
    expect(r.stdout).toMatch(/matches normal\(mean=0, stddev=0\.05\): yes, D=0\.00\d+/);
    expect(r.stdout).toMatch(/matches zeros: yes/);
  });

  it('says no when the data do not follow the declared initializer', async () => {
    const dir = await gen(['--shape', '200,100', '--seed', '1', '--stddev', '0.05', '--name', 'w'], 'lie/');
    // Rewrite the manifest to claim a different stddev: the fit check must catch it.
    const manifestPath = `${dir}/manifest.json`;
    const { writeFileSync } = await import('node:fs');
    const manifest = readFileSync(manifestPath, 'utf8').replace(/"stddev": 0\.05/g, '"stddev": 0.06');
    writeFileSync(manifestPath, manifest);
    const r = await runInspectCli(['inspect', dir]);
    expect(r.stdout).toMatch(/matches normal\(mean=0, stddev=0\.06\): no, D=/);
  });

  it('reads the same tensors from a pipe as from the file', async () => {
    const path = await gen(['--seed', '7', '--format', 'tar'], 'pipe.tar');
    const fromFile = JSON.parse((await runInspectCli(['inspect', path, '--json'])).stdout) as { tensors: { name: string; count: number; min: number; max: number }[] };
    const fromPipe = JSON.parse((await runInspectCli(['inspect', '-', '--json'], { stdin: readFileSync(path) })).stdout) as typeof fromFile;
    expect(fromPipe.tensors.map((t) => [t.name, t.count, t.min, t.max])).toEqual(fromFile.tensors.map((t) => [t.name, t.count, t.min, t.max]));
  });

  it('--tensor picks tensors, in file order, and may be repeated', async () => {
    const r = await runInspectCli(['inspect', fixture('stored.npz'), '--tensor', 'head', '--tensor', 'layer/bias', '--json']);
    const report = JSON.parse(r.stdout) as { tensors: { name: string }[] };
    expect(report.tensors.map((t) => t.name)).toEqual(['layer/bias', 'head']);
  });

  it('--tensor with a name the file lacks is a usage error listing what it has (exit 2)', async () => {
    const r = await runInspectCli(['inspect', fixture('stored.npz'), '--tensor', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tensor: .*stored\.npz has no tensor "nope" \(it has "layer\/kernel", "layer\/bias", "head"\)\n$/);
  });

  it('--bins sets the number of histogram bins', async () => {
    const r = await runInspectCli(['inspect', fixture('normal_f32.npy'), '--bins', '7', '--json']);
    const report = JSON.parse(r.stdout) as { tensors: { histogram: { counts: number[]; underflow: number; overflow: number } }[] };
    const h = report.tensors[0]!.histogram;
    expect(h.counts).toHaveLength(7);
    expect(h.counts.reduce((a, b) => a + b, 0) + h.underflow + h.overflow).toBe(20_000);
  });

  it('--bins 0 is a usage error', async () => {
    const r = await runInspectCli(['inspect', fixture('normal_f32.npy'), '--bins', '0']);
    expect(r.code).toBe(2);
  });

  it('colours the report on a terminal', async () => {
    const r = await runInspectCli(['inspect', fixture('normal_f32.npy')], { tty: true });
    expect(r.stdout).toContain('\x1b[1mnormal_f32\x1b[22m');
  });

  it('never colours with NO_COLOR, even on a terminal', async () => {
    const r = await runInspectCli(['inspect', fixture('normal_f32.npy')], { tty: true, env: { NO_COLOR: '1' } });
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('reads a directory written by gen through its manifest', async () => {
    const dir = await gen(['--seed', '5'], 'mlp/');
    const r = await runInspectCli(['inspect', dir, '--json']);
    const report = JSON.parse(r.stdout) as { format: string; tensors: { name: string }[]; provenance: { seed: unknown } };
    expect(report.format).toBe('directory');
    expect(report.provenance.seed).toBe(5);
    expect(report.tensors.map((t) => t.name)).toEqual(['dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias', 'dense_2/kernel', 'dense_2/bias']);
  });

  it('reads float16 and bfloat16 outputs of gen exactly', async () => {
    for (const dtype of ['float16', 'bfloat16']) {
      const path = await gen(['--shape', '300,100', '--seed', '3', '--dtype', dtype], `w-${dtype}.npy`);
      const r = JSON.parse((await runInspectCli(['inspect', path, '--json'])).stdout) as { tensors: { dtype: string; quantileRelativeError: number }[] };
      expect(r.tensors[0]).toMatchObject({ dtype, quantileRelativeError: 0 });
    }
  });
});

describe('init-weights inspect - on a terminal', () => {
  it('refuses to wait for binary input typed at a terminal (exit 2)', async () => {
    const { PassThrough } = await import('node:stream');
    const { run } = await import('../../src/cli/run.js');
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    let err = '';
    const sink = new PassThrough();
    const stderr = new PassThrough();
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await run(['inspect', '-'], { stdout: sink, stderr, stdin, env: {} });
    expect(code).toBe(2);
    expect(err).toMatch(/stdin is a terminal/);
  });
});
