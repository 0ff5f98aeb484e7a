/**
 * `npm run bench` — the benchmark harness of issue 7. For every cluster size: the simulator in
 * its own process, Heapgraph in another (over real HTTP on loopback), load clients in others;
 * measures P1–P6 and a CPU profile of one cycle, writes the raw results as JSON and the tables
 * into docs/benchmarks.md. Timings are reported, never asserted.
 *
 * Quick mode (default): 100 and 1,000 nodes × 30 pods. `--full` adds 5,000 nodes.
 * `--help` lists the options.
 *
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stopAllChildren } from './children.js';
import { machineInfo } from './machine.js';
import { benchUsage, parseBenchArgs } from './options.js';
import { writeReport } from './report/index.js';
import type { BenchResults, SizeResult } from './results.js';
import { runSize } from './scenario.js';
import { cyclePauseMs } from './server/cycles.js';

async function main(argv: readonly string[]): Promise<number> {
  let options;
  try {
    options = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n${benchUsage}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${benchUsage}\n`);
    return 0;
  }
  if (options.fromJson) {
    // Re-render a saved run (e.g. after changing the report layout) without measuring again.
    const saved = JSON.parse(readFileSync(options.fromJson, 'utf8')) as BenchResults;
    writeReport(options.reportPath || 'docs/benchmarks.md', saved);
    process.stdout.write(`bench: ${saved.mode} results of ${saved.startedAt} written to ${options.reportPath || 'docs/benchmarks.md'}\n`);
    return 0;
  }
  const started = Date.now();
  const machine = machineInfo();
  const sizes: SizeResult[] = [];
  const failures: string[] = [];
  const results = (): BenchResults => ({
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    nodeFlags: [...options.nodeFlags],
    simNice: options.simNice,
    cyclePauseMs,
    mode: options.mode,
    startedAt: new Date(started).toISOString(),
    durationS: (Date.now() - started) / 1000,
    machine,
    sizes,
    failures,
  });
  mkdirSync(dirname(options.jsonPath), { recursive: true });
  for (const nodes of options.sizes) {
    for (let run = 0; run < options.runs; run++) {
      try {
        sizes.push(await runSize(nodes, options));
      } catch (error) {
        // A size that could not even fill its window (a crash, a simulator that never came up).
        failures.push(`${nodes} nodes: ${error instanceof Error ? error.message : String(error)}`);
        process.stderr.write(`bench: ${nodes} nodes failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
      // Saved after every size, so a later crash loses nothing measured.
      writeFileSync(options.jsonPath, JSON.stringify(results(), null, 1));
    }
  }
  const final = results();
  writeFileSync(options.jsonPath, JSON.stringify(final, null, 1));
  process.stdout.write(`bench: raw results in ${options.jsonPath}\n`);
  if (options.reportPath !== '') {
    writeReport(options.reportPath, final);
    process.stdout.write(`bench: report in ${options.reportPath}\n`);
  }
  process.stdout.write(`bench: done in ${(final.durationS / 60).toFixed(1)} min\n`);
  return failures.length > 0 || sizes.some((s) => s.errors.length > 0) ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`bench: ${signal}, stopping every process it started\n`);
    void stopAllChildren().finally(() => process.exit(130));
  });
}

main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => stopAllChildren());
