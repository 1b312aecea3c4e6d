import { existsSync, readFileSync } from 'node:fs';

/**
 * This package's version, from its package.json: the nearest one above this module, which is one
 * directory up from src/ and dist/, two from the bundled CLI in dist/bundle/.
 */
function readVersion(): string {
  for (let dir = new URL('.', import.meta.url), i = 0; i < 3; i++, dir = new URL('..', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  throw new Error('internal: package.json not found above the module');
}

export const TOOL_VERSION: string = readVersion();
