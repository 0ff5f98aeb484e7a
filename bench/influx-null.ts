/**
 * The InfluxDB sink against a null InfluxDB: another process that reads every request and answers
 * at once (204 to writes, empty results to queries). What it measures is Heapgraph's side of P6
 * alone — how fast the sink encodes, compresses and sends when InfluxDB costs nothing, how much
 * memory an export adds, how long the event loop waits — at cluster sizes a local influxd cannot
 * take (its index of 12 M series at 5,000 nodes would not fit this machine). Not a test; figures
 * are printed, never asserted.
 *
 * The batch is the simulator's, processed (test/sinks/influxdb/simBatches.ts) at up to 1,000
 * nodes; larger sizes repeat it with the node names made distinct (`-r1`, `-r2`, ...), which keeps
 * the points per node and the line lengths of the real batch.
 *
 * Run: `node --expose-gc --import tsx bench/influx-null.ts [nodes=1000] [exports=3] [concurrency=4]`
 *
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Registry } from 'prom-client';
import type { DataBatch, MetricSet } from '../src/core/types.js';
import { createInfluxMetrics, createInfluxSink, parseInfluxSinkUri } from '../src/sinks/influxdb/index.js';
import { simBatches } from '../test/sinks/influxdb/simBatches.js';
import { spawnTracked, stopAllChildren } from './children.js';

const nodes = Number(process.argv[2] ?? 1_000);
const exports = Number(process.argv[3] ?? 3);
const concurrency = Number(process.argv[4] ?? 4);
const minuteMs = 60_000;
const MiB = 2 ** 20;
const line = (text: string) => process.stdout.write(`${text}\n`);

/** A process that swallows InfluxDB requests; prints its port. */
const nullInfluxd = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url.startsWith('/query')) res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[{"statement_id":0}]}');
    else res.writeHead(204).end();
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

/** `batch` with its sets repeated `times` times, node names made distinct per copy. */
function replicate(batch: DataBatch, times: number): DataBatch {
  const metricSets = new Map(batch.metricSets);
  for (let copy = 1; copy < times; copy++) {
    for (const [key, set] of batch.metricSets) {
      const labels = set.labels.nodename === undefined ? set.labels : { ...set.labels, nodename: `${set.labels.nodename}-r${copy}` };
      metricSets.set(`${key}#r${copy}`, { ...set, labels } as MetricSet);
    }
  }
  return { timestamp: batch.timestamp, metricSets };
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** The kernel's peak-RSS counter of this process (Linux): reset, then read in bytes. */
const resetPeakRss = () => writeFileSync('/proc/self/clear_refs', '5');
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;

async function main(): Promise<void> {
  line(`${nodes} nodes × 30 pods, ${exports} exports, concurrency ${concurrency}; ${cpus().length} CPUs; load average ${loadavg().map((l) => l.toFixed(2)).join(' / ')}`);
  const base = Math.min(nodes, 1_000);
  const [simulated] = simBatches({ nodes: base, podsPerNode: 30, startMs: Math.floor(Date.now() / minuteMs) * minuteMs - 10_000 * minuteMs, count: 1 });
  const batch = replicate(simulated!, Math.ceil(nodes / base));
  const server = spawnTracked(process.execPath, ['-e', nullInfluxd], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => server.stdout!.once('data', (data: Buffer) => resolve(Number(String(data).trim()))));
  const registry = new Registry();
  const sink = createInfluxSink(parseInfluxSinkUri(`influxdb:http://127.0.0.1:${port}?db=k8s&concurrency=${concurrency}`), { metrics: createInfluxMetrics(registry), requestTimeoutMs: 60_000 });
  const counter = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
  try {
    for (let i = 0; i < exports; i++) {
      (globalThis as { gc?: () => void }).gc?.();
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      await new Promise((resolve) => setTimeout(resolve, 30)); // the histogram needs one tick to measure a stall against
      const rssBefore = process.memoryUsage.rss();
      resetPeakRss();
      let mostBytes = 0;
      const sampler = setInterval(() => (mostBytes = Math.max(mostBytes, sink.bufferedBytes)), 50);
      const writtenBefore = await counter('heapgraph_influxdb_points_written_total');
      const cpuStart = cpuMs();
      const started = performance.now();
      await sink.export({ timestamp: batch.timestamp + (i + 1) * minuteMs, metricSets: batch.metricSets }, new AbortController().signal);
      const exportMs = performance.now() - started;
      if (!(await sink.drain(AbortSignal.timeout(600_000)))) throw new Error('the sink did not drain within 600 s');
      const wallMs = performance.now() - started;
      const cpu = cpuMs() - cpuStart;
      clearInterval(sampler);
      await new Promise((resolve) => setTimeout(resolve, 30));
      loop.disable();
      const points = (await counter('heapgraph_influxdb_points_written_total')) - writtenBefore;
      line(
        `export ${i + 1}: ${points} points in ${(wallMs / 1000).toFixed(2)} s = ${((points * 1000) / wallMs / 1000).toFixed(0)}k points/s; ` +
          `CPU ${(cpu / 1000).toFixed(2)} s (${((cpu * 1000) / points).toFixed(2)} µs per point); export() returned after ${exportMs.toFixed(0)} ms; ` +
          `longest event-loop delay ${(loop.max / 1e6).toFixed(0)} ms (10 ms resolution included); ` +
          `RSS ${(rssBefore / MiB).toFixed(0)} MiB at export(), peak ${(peakRss() / MiB).toFixed(0)} MiB; compressed chunks held at most ${(mostBytes / MiB).toFixed(1)} MiB`,
      );
    }
    line(`dropped: ${await counter('heapgraph_influxdb_points_dropped_total')}`);
  } finally {
    await sink.stop(AbortSignal.timeout(30_000));
  }
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => stopAllChildren());
