#!/usr/bin/env node
// The CLI as bundled by `npm run build` (scripts/bundle-cli.mjs: fewer files to load at start-up);
// dist/cli/run.js is the same program as plain modules.
import { main } from '../dist/bundle/run.js';

await main();
