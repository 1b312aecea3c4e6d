import { describe, expect, it } from 'vitest';
import { HELP_WIDTH, helpWidth } from '../../src/cli/process-io.js';
import { quick, quickText } from '../../src/cli/quick.js';

// The bin's fast answers (src/cli/quick.ts); test/cli/startup.test.ts checks the bundled texts
// against what commander prints, byte for byte.
const texts = { help: { '': 'HELP\n', gen: 'GEN\n', inspect: 'INSPECT\n' }, version: 'VERSION\n' };

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
  it("answers the program's help and version flags, alone", () => {
    for (const a of ['--help', '-h', 'help']) expect(quickText([a], texts, undefined)).toBe('HELP\n');
    for (const a of ['--version', '-V']) expect(quickText([a], texts, undefined)).toBe('VERSION\n');
  });

  it("answers a command's help asked either way", () => {
    for (const argv of [['gen', '--help'], ['gen', '-h'], ['help', 'gen']]) expect(quickText(argv, texts, undefined)).toBe('GEN\n');
    expect(quickText(['help', 'inspect'], texts, undefined)).toBe('INSPECT\n');
  });

  it('leaves everything else to the CLI', () => {
    for (const argv of [[], ['gen'], ['help', 'help'], ['help', 'nope'], ['nope', '--help'], ['--help', '--version'], ['gen', '--help', 'x'],
      ['gen', '--version'], ['--Help'], ['-v'], ['help', 'toString'], ['__proto__', '-h'], ['help', 'hasOwnProperty']]) {
      expect(quickText(argv, texts, undefined)).toBeUndefined();
    }
  });

  it('prints help only where commander would wrap it at HELP_WIDTH', () => {
    expect(quickText(['--help'], texts, 80)).toBe('HELP\n');
    expect(quickText(['gen', '-h'], texts, 300)).toBe('GEN\n');
    expect(quickText(['--help'], texts, 79)).toBeUndefined();
    expect(quickText(['help', 'gen'], texts, 40)).toBeUndefined();
    expect(quickText(['--version'], texts, 20)).toBe('VERSION\n');
  });

  it('has nothing to say without the texts (the plain modules, not the bundle)', () => {
    expect(quickText(['--help'], {}, undefined)).toBeUndefined();
    expect(quick(['--help'])).toBe(false);
    expect(quick(['--version'])).toBe(false);
  });
});
