import { describe, expect, it } from 'vitest';
import { CommanderError as CommanderErrorEsm } from 'commander';
import { DEFAULT_DIR, DEFAULT_FILE } from '../../src/cli/defaults.js';
import { CommanderError } from '../../src/cli/commander.js';
import { COMPAT_MODE_NAMES } from '../../src/compat/names.js';
import { COMPAT_MODE_NAMES as STREAM_MODE_NAMES, compatMode, isCompatMode } from '../../src/compat/stream.js';
import { FORMAT_EXTENSIONS, FORMAT_NAMES } from '../../src/formats/names.js';
import { FORMATS } from '../../src/formats/registry.js';
import { DEFAULT_DIR as PLAN_DIR, DEFAULT_FILE as PLAN_FILE } from '../../src/generate/plan.js';
import { INITIALIZER_NAMES, INITIALIZER_PARAMS, PARAMS_BY_NAME } from '../../src/init/names.js';
import { INITIALIZER_NAMES as TABLE_NAMES, INITIALIZERS, PARAMS } from '../../src/init/table.js';

/* The CLI declares its choices and help from light name lists; each must equal the registry it mirrors. */

describe('the light name lists agree with the registries they stand for', () => {
  it('formats: the same names and extensions, in the same order', () => {
    expect(FORMAT_EXTENSIONS).toStrictEqual(FORMATS.map((f) => ({ name: f.name, extensions: f.extensions })));
    expect(FORMAT_NAMES).toStrictEqual(FORMATS.map((f) => f.name));
  });

  it('compat modes: every listed name is a mode named so, and the stream exports this same list', () => {
    for (const name of COMPAT_MODE_NAMES) {
      expect(isCompatMode(name)).toBe(true);
      expect(compatMode(name).name).toBe(name);
    }
    expect(STREAM_MODE_NAMES).toBe(COMPAT_MODE_NAMES);
    expect(isCompatMode('jax')).toBe(false);
  });

  it('initializers: the same names and parameter rows, row by row', () => {
    expect(INITIALIZER_PARAMS).toStrictEqual(INITIALIZERS.map((d) => ({ name: d.name, params: d.params })));
    expect(INITIALIZER_NAMES).toStrictEqual(TABLE_NAMES);
  });

  it('initializer parameters by name: the same rows and users as the table (one flag each)', () => {
    expect([...PARAMS_BY_NAME.keys()]).toStrictEqual([...PARAMS.keys()]);
    for (const [name, entry] of PARAMS) expect(PARAMS_BY_NAME.get(name), name).toStrictEqual(entry);
  });

  it('default outputs: the names the help states are the planner\'s', () => {
    expect([DEFAULT_FILE, DEFAULT_DIR]).toStrictEqual([PLAN_FILE, PLAN_DIR]);
  });

  it('commander through require gives the same classes as its ESM entry', () => {
    expect(CommanderError).toBe(CommanderErrorEsm);
  });
});
