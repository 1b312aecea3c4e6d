import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * apache-arrow is imported only when Arrow is written. Proof: a loader hook that makes any import
 * of apache-arrow fail; every other format still writes, and Arrow fails on that import.
 */
const RUN = fileURLToPath(new URL('../../dist/cli/run.js', import.meta.url));
const HOOK = `data:text/javascript,${encodeURIComponent(
  'export async function resolve(s, c, next) { if (s.startsWith("apache-arrow")) throw new Error("apache-arrow was imported"); return next(s, c); }',
)}`;
const dir = mkdtempSync(join(tmpdir(), 'iw-lazy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function genWithoutArrow(output: string, extra: string[] = []): { code: number | null; stderr: string } {
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(HOOK)});
    const { run } = await import(${JSON.stringify(RUN)});
    process.exitCode = await run(['gen', '--shape', '4,3', '--seed', '1', '--quiet', '-o', ${JSON.stringify(output)}, ...${JSON.stringify(extra)}]);
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stderr: r.stderr };
}

describe('apache-arrow is loaded lazily', () => {
  it('the bin is built (these runs use dist/)', () => {
    expect(existsSync(RUN), 'run npm run build').toBe(true);
  });

  for (const file of ['w.npy', 'w.npz', 'w.safetensors', 'w.tar']) {
    it(`writes ${file} without ever importing apache-arrow`, () => {
      const r = genWithoutArrow(join(dir, file));
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(dir, file))).toBe(true);
    });
  }

  it('imports it for Arrow output (so the hook above does catch an import)', () => {
    const r = genWithoutArrow(join(dir, 'w.arrow'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/apache-arrow was imported/);
    expect(existsSync(join(dir, 'w.arrow'))).toBe(false);
  });
});
