import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const RUN = fileURLToPath(new URL('../../dist/cli/run.js', import.meta.url));

/**
 * Run the built CLI's `run(argv)` in a child node and read that process's own peak RSS
 * (process.resourceUsage().maxRSS) at the end: a bound on memory, not a timing. `stdinFrom` is a
 * shell command piped into it, `stdoutTo` one its stdout is piped into. The run must exit 0.
 */
export function runWithPeak(argv: readonly string[], options: { stdinFrom?: string; stdoutTo?: string; timeout?: number } = {}): { peakMB: number; stdout: string } {
  const script = `
    const { run } = await import(${JSON.stringify(RUN)});
    const code = await run(${JSON.stringify(argv)});
    process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + ' CODE ' + code + '\\n');
  `;
  const node = `"${process.execPath}" --input-type=module -e "$SCRIPT"`;
  const cmd = `${options.stdinFrom ? `${options.stdinFrom} | ` : ''}${node}${options.stdoutTo ? ` | ${options.stdoutTo}` : ''}`;
  const out = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], {
    env: { ...process.env, SCRIPT: script },
    encoding: 'utf8',
    timeout: options.timeout ?? 300_000,
    maxBuffer: 64 << 20,
  });
  const m = /MAXRSS_KB (\d+) CODE (\d+)/.exec(out.stderr);
  expect(m, out.stderr).not.toBeNull();
  expect(Number(m![2]), out.stderr).toBe(0);
  return { peakMB: Number(m![1]) / 1024, stdout: out.stdout };
}
