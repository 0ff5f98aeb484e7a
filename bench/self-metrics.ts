/**
 * What the per-node self-metric summaries cost as cycles go by: prom-client's `Summary` (as it
 * comes, and with client_golang's 10-minute window `maxAgeSeconds: 600, ageBuckets: 5`) against
 * `WindowSummary` (src/core/windowSummary.ts). Each cycle observes one latency per node in two
 * summaries labelled per node, as the source manager does (`heapster_scraper_duration_…{source}`
 * and `heapster_kubelet_summary_request_duration_…{node}`), with the clock moved 60 s; every
 * `every` cycles it renders the registry as `/metrics` does. Not a test and not part of
 * `npm run bench`; figures are printed.
 *
 * Run: `node --expose-gc --import tsx bench/self-metrics.ts <prom|prom-window|window> [nodes=5000] [cycles=400] [every=50]`,
 * one process per kind.
 *
 * @module
 */
import { Registry, Summary } from 'prom-client';
import { WindowSummary } from '../src/core/windowSummary.js';

const kind = process.argv[2] ?? 'window';
const nodes = Number(process.argv[3] ?? 5000);
const cycles = Number(process.argv[4] ?? 400);
const every = Number(process.argv[5] ?? 50);

let now = Date.now();
// prom-client's window rotates on Date.now(); move it with the synthetic cycles.
Date.now = () => now;

const registry = new Registry();
const percentiles = [0.5, 0.9, 0.99];
function summary(name: string, label: string): { observe(labels: Record<string, string>, value: number): void } {
  const common = { name, help: name, labelNames: [label], percentiles, registers: [registry] };
  if (kind === 'prom') return new Summary(common);
  if (kind === 'prom-window') return new Summary({ ...common, maxAgeSeconds: 600, ageBuckets: 5 });
  if (kind === 'window') return new WindowSummary({ ...common, now: () => now });
  throw new Error(`unknown kind ${kind}: prom, prom-window or window`);
}
const bySource = summary('scraper_duration_milliseconds', 'source');
const byNode = summary('summary_request_duration_milliseconds', 'node');
const names = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(5, '0')}`);
const gc = (globalThis as { gc?: () => void }).gc;

console.log(`${kind}: ${nodes} nodes, ${cycles} cycles; cycle, observe ms, render ms, heap MiB after a GC`);
for (let cycle = 1; cycle <= cycles; cycle++) {
  now += 60_000;
  const started = performance.now();
  for (const name of names) {
    const latency = 50 + Math.random() * 3_000;
    bySource.observe({ source: `kubelet_summary:${name}:10250` }, latency);
    byNode.observe({ node: name }, latency);
  }
  const observeMs = performance.now() - started;
  if (cycle % every !== 0 && cycle !== 1) continue;
  const rendering = performance.now();
  const text = await registry.metrics();
  const renderMs = performance.now() - rendering;
  gc?.();
  const heapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`${cycle}\t${observeMs.toFixed(1)}\t${renderMs.toFixed(0)}\t${heapMiB.toFixed(0)}\t(${(text.length / 2 ** 20).toFixed(1)} MiB of text)`);
}
