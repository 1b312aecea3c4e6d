#!/usr/bin/env node
// The CLI as bundled by `npm run build` (scripts/bundle-cli.mjs: fewer files to load at start-up);
// dist/cli/run.js is the same program as plain modules. `--help` and `--version` are answered
// first from text rendered at build time (src/cli/quick.ts), without loading the parser.
import { quick } from '../dist/bundle/quick.js';

if (!quick(process.argv.slice(2))) await (await import('../dist/bundle/run.js')).main();
