/**
 * Compiles `dist/` (`npm run build`) once before the tests: the command tests start
 * `bin/heapgraph.js`, which runs the compiled JavaScript that ships, not the sources.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
