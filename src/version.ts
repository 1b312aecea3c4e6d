import { existsSync, readFileSync } from 'node:fs';

/** Set by the CLI bundle (scripts/bundle-cli.mjs) to package.json's version; absent in dist/ and src/. */
declare const __INIT_WEIGHTS_VERSION__: string | undefined;

/**
 * This package's version, from its package.json: the nearest one above this module, which is one
 * directory up from src/ and dist/. The bundled CLI has it written in at build time instead (no
 * file to find and parse on every `--help`).
 */
function readVersion(): string {
  if (typeof __INIT_WEIGHTS_VERSION__ === 'string') return __INIT_WEIGHTS_VERSION__;
  for (let dir = new URL('.', import.meta.url), i = 0; i < 3; i++, dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  throw new Error('internal: package.json not found above the module');
}

export const TOOL_VERSION: string = readVersion();
