import { describe, expect, it } from 'vitest';
import { HELP_WIDTH, helpWidth } from '../../src/cli/process-io.js';
import { quick, quickText } from '../../src/cli/quick.js';

// The bin's fast answers (src/cli/quick.ts); test/cli/startup.test.ts checks the bundled texts
// against what commander prints, byte for byte.
const texts = { help: 'HELP\n', version: 'VERSION\n' };

describe('help width', () => {
  it('is the terminal width up to HELP_WIDTH, and HELP_WIDTH off a terminal', () => {
    expect(HELP_WIDTH).toBe(80);
    expect(helpWidth(undefined)).toBe(80);
    expect(helpWidth(0)).toBe(80);
    expect(helpWidth(60)).toBe(60);
    expect(helpWidth(80)).toBe(80);
    expect(helpWidth(250)).toBe(80);
  });
});

describe('quickText', () => {
  it('answers the help and version flags, alone', () => {
    for (const a of ['--help', '-h', 'help']) expect(quickText([a], texts, undefined)).toBe('HELP\n');
    for (const a of ['--version', '-V']) expect(quickText([a], texts, undefined)).toBe('VERSION\n');
  });

  it('leaves everything else to the CLI', () => {
    for (const argv of [[], ['gen'], ['gen', '--help'], ['help', 'gen'], ['--help', '--version'], ['--Help'], ['-v'], ['toString'], ['__proto__']]) {
      expect(quickText(argv, texts, undefined)).toBeUndefined();
    }
  });

  it('prints help only where commander would wrap it at HELP_WIDTH', () => {
    expect(quickText(['--help'], texts, 80)).toBe('HELP\n');
    expect(quickText(['--help'], texts, 300)).toBe('HELP\n');
    expect(quickText(['--help'], texts, 79)).toBeUndefined();
    expect(quickText(['--version'], texts, 20)).toBe('VERSION\n');
  });

  it('has nothing to say without the texts (the plain modules, not the bundle)', () => {
    expect(quickText(['--help'], {}, undefined)).toBeUndefined();
    expect(quick(['--help'])).toBe(false);
    expect(quick(['--version'])).toBe(false);
  });
});
