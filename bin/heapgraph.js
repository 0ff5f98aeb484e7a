#!/usr/bin/env node
// Runs Heapgraph compiled by `npm run build` (tsc → dist/): no TypeScript at run time.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('heapgraph: dist/ is missing; run `npm run build` first (npm start does)\n');
  process.exit(1);
}
await import(main.href);
