/**
 * Shared helpers for tests that run a whole Heapgraph: config from command-line flags, and
 * polling until a condition holds.
 */
import { toConfig, type HeapgraphConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';

/** The config `heapgraph <argv>` would run with; throws with every problem when the flags are bad. */
export function configFrom(argv: string[]): HeapgraphConfig {
  const result = toConfig(parseFlags(argv));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  return result.config;
}

/** Polls `probe` every 100 ms until it returns a value; rejects after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
