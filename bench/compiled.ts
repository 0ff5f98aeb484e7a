/**
 * The Heapgraph process of the benchmark runs compiled JavaScript, as `npm start` and the image
 * do, not the sources under tsx: tsx's loader (a second V8 isolate in Node 20) and caches add
 * ~60–100 MiB of RSS that a deployment does not have (docs/benchmarks.md, the change to compiled
 * JavaScript). `tsc -p tsconfig.bench.json` compiles `bench/server/` and the sources it imports
 * into `.bench-build/` (the repository's layout, one level down), once per orchestrator run; the
 * files the code reads beside itself through `import.meta.url` (`schema.graphql`,
 * `package.json`) are copied to the same place relative to it.
 *
 * @module
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './children.js';

const outDir = '.bench-build';
const assets = ['schema.graphql', 'package.json'];
let compiled = false;

/** The compiled path of a `.ts` module under `bench/` or `src/` (relative to the repository), compiling on first use. */
export function compiledModule(modulePath: string): string {
  if (!compiled) {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.bench.json'], { cwd: repoRoot, stdio: 'inherit' });
    for (const asset of assets) copyFileSync(join(repoRoot, asset), join(repoRoot, outDir, asset));
    compiled = true;
  }
  return join(outDir, modulePath.replace(/\.ts$/, '.js'));
}
