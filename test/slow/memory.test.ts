import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Flat memory: a 1e9-element float32 tensor (4 GB of .npy) streamed to stdout, with the process's
 * own peak RSS (process.resourceUsage().maxRSS) read at the end. Not a timing: a bound on memory.
 */
const RUN = fileURLToPath(new URL('../../dist/cli/run.js', import.meta.url));

describe('streaming keeps memory flat', () => {
  it('writes 1e9 float32 values (4 GB) with peak RSS under 200 MB', () => {
    const script = `
      const { run } = await import(${JSON.stringify(RUN)});
      const code = await run(['gen', '--shape', '1000000000', '--seed', '1', '--quiet', '-o', '-']);
      process.stderr.write('MAXRSS_KB ' + process.resourceUsage().maxRSS + ' CODE ' + code + '\\n');
    `;
    const out = spawnSync('bash', ['-c', `"${process.execPath}" --input-type=module -e "$SCRIPT" | wc -c`], {
      env: { ...process.env, SCRIPT: script },
      encoding: 'utf8',
      timeout: 300_000,
    });
    const m = /MAXRSS_KB (\d+) CODE (\d+)/.exec(out.stderr);
    expect(m, out.stderr).not.toBeNull();
    expect(Number(m![2])).toBe(0);
    expect(Number(out.stdout.trim())).toBe(4_000_000_000 + 128);
    const peakMB = Number(m![1]) / 1024;
    console.log(`peak RSS streaming 4 GB: ${peakMB.toFixed(0)} MB`);
    expect(peakMB).toBeLessThan(200);
  }, 300_000);
});
