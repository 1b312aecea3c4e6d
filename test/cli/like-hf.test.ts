/*
 * `gen --like DIR/config.json -o DIR/` through the real bin makes a checkpoint in place that
 * transformers loads: a tiny Llama config saved by transformers (test/interop/py/hf_models.py make),
 * the bin run beside it, then from_pretrained(DIR, output_loading_info=True) (hf_models.py check).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runPythonJson } from '../helpers/python.js';
import { describeFormatInterop } from '../interop/formats-python.js';
import { BIN, PY_DIR, tempDir } from '../interop/support.js';

const SCRIPT = { script: join(PY_DIR, 'hf_models.py') };

interface LoadReport { missing: string[]; unexpected: string[]; mismatched: string[][]; errors: string[]; newly_initialized: string[]; tensors: Record<string, { kind: string; law: number; min: number; max: number }> }

describeFormatInterop('gen --like config.json -o DIR/ through the bin, loaded by transformers', (python) => {
  let dir = '';
  let remove: () => Promise<void> = async () => undefined;
  let report: LoadReport;
  let run: ReturnType<typeof spawnSync>;
  let config = '';

  beforeAll(async () => {
    ({ dir, remove } = await tempDir('like-hf-cli'));
    await runPythonJson(python, SCRIPT, ['make', dir], { timeoutMs: 200_000 });
    const ckpt = join(dir, 'llama');
    writeFileSync(join(ckpt, 'README.md'), '# my model\n');
    config = readFileSync(join(ckpt, 'config.json'), 'utf8');
    run = spawnSync(process.execPath, [BIN, 'gen', '--like', 'llama/config.json', '--seed', '1', '-o', 'llama/'], { cwd: dir, encoding: 'utf8' });
    const reports = await runPythonJson<Record<string, LoadReport>>(python, SCRIPT, ['check', ckpt], { timeoutMs: 200_000 });
    report = reports[ckpt]!;
  }, 400_000);
  afterAll(() => remove());

  it('writes model.safetensors and manifest.json beside config.json and README.md, changing neither', () => {
    expect(run.status, String(run.stderr)).toBe(0);
    expect(readdirSync(join(dir, 'llama')).sort()).toEqual(['README.md', 'config.json', 'manifest.json', 'model.safetensors']);
    expect(readFileSync(join(dir, 'llama', 'config.json'), 'utf8')).toBe(config);
  });

  it('loads with from_pretrained: no missing, unexpected or mismatched keys, no newly initialized weights, norms exactly 1', () => {
    expect(report.missing, 'missing keys').toEqual([]);
    expect(report.unexpected, 'unexpected keys').toEqual([]);
    expect(report.mismatched, 'mismatched keys').toEqual([]);
    expect(report.errors, 'load errors').toEqual([]);
    expect(report.newly_initialized, '"newly initialized" warnings').toEqual([]);
    const norms = Object.entries(report.tensors).filter(([, t]) => t.kind === 'ones');
    expect(norms.length).toBe(5); // 2 layers x 2 norms + the final norm
    for (const [name, t] of norms) expect([t.min, t.max], name).toEqual([1, 1]);
  });
});
