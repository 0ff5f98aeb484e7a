/**
 * The Heapgraph process of a benchmark run: `runHeapgraph` against the simulator (over HTTP),
 * with the REST and GraphQL surfaces on one loopback port and a stock Apollo Server (P4's
 * baseline) on another, driven by the orchestrator over IPC (bench/rpc.ts). Only this process's
 * CPU and memory are Heapgraph's figures; the simulator and every load client run elsewhere.
 *
 * argv: `<sourceUri> <optionsJson>`. Start with `--expose-gc` for the memory breakdown.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph } from '../../src/cli/heapgraph.js';
import { createLogger } from '../../src/core/log.js';
import { serveRpc } from '../rpc.js';
import { createCycleDriver } from './cycles.js';
import { measureInfluxExport, measureRawWrite, type RawWriteOptions } from './influx.js';
import { startStockApollo } from './stockApollo.js';

/** What the orchestrator passes in argv[3]. */
export interface ServerOptions {
  /** Most WebSocket connections the GraphQL surface accepts (P5 needs 10,000 plus probes). */
  maxConnections: number;
  /** Sample allocations from before start-up on (V8's sampling heap profiler), for `heapProfile`. */
  heapSampling?: boolean;
}

const [sourceUri, optionsJson = '{}'] = process.argv.slice(2);
if (!sourceUri) throw new Error('usage: main.ts <sourceUri> <optionsJson>');
const options = JSON.parse(optionsJson) as ServerOptions;

// One inspector session for every profile this process takes.
const inspector = new Session();
inspector.connect();
if (options.heapSampling) {
  await inspector.post('HeapProfiler.enable');
  await inspector.post('HeapProfiler.startSampling', { samplingInterval: 256 * 1024 });
}

const parsed = toConfig(parseFlags([`--source=${sourceUri}`, '--metric_resolution=1h', '--listen_ip=127.0.0.1', '--heapster_port=0', '--log_level=warn']));
if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
const config = parsed.config;
const logger = createLogger({ level: 'warn', pretty: false });
const startedMs = performance.now();
const app = await runHeapgraph(config, logger, {
  surfaces: [createRestSurface(), createGraphqlSurface({ maxConnections: options.maxConnections, landingPage: 'none' })],
});
const startupMs = performance.now() - startedMs;
// The harness drives every cycle. Heapgraph's own timer (1 h, aligned to the hour) would start a
// cycle of its own at the top of the hour, beside the harness's, with a window of now: every
// later (past) synthetic window is then older than the retention and the store ignores it.
await app.manager.stop();
const stock = await startStockApollo(app.query, config.resolutionMs);
const driver = createCycleDriver(app);
const store = app.store!;

async function startCpuProfile(intervalUs: number): Promise<void> {
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await inspector.post('Profiler.start');
}

async function stopCpuProfile(path: string): Promise<string> {
  const { profile } = await inspector.post('Profiler.stop');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(profile));
  return path;
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const rpc = serveRpc({
  info: () => ({ url: app.url, stockUrl: stock.url, startupMs, pid: process.pid, memory: process.memoryUsage() }),
  cycles: ({ count }: { count: number }) => driver.run(count),
  cpu: () => ({ cpuMs: cpuMs(), atMs: performance.timeOrigin + performance.now() }),
  memory: ({ gc }: { gc: boolean }) => {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (gc && collect) collect();
    return {
      usage: process.memoryUsage(),
      storeBytes: store.memoryBytes(),
      gcRan: Boolean(gc && collect),
      spaces: getHeapSpaceStatistics().map((s) => ({ name: s.space_name, usedBytes: s.space_used_size })),
      retainedBatches: store.timestamps().length,
    };
  },
  /** Entities the load clients ask for: one pod, the namespace with most pods, 100 distinct pods. */
  targets: ({ subscriptionPods }: { subscriptionPods: number }) => {
    const pods = store.entities('pod').map((e) => ({ namespace: e.labels.namespace_name ?? '', name: e.labels.pod_name ?? '' }));
    if (pods.length === 0) throw new Error('no pods in the store yet: run a cycle first');
    const byNamespace = new Map<string, number>();
    for (const pod of pods) byNamespace.set(pod.namespace, (byNamespace.get(pod.namespace) ?? 0) + 1);
    const [dashboardNamespace, dashboardPods] = [...byNamespace].sort((a, b) => b[1] - a[1])[0]!;
    pods.sort((a, b) => (a.namespace + a.name < b.namespace + b.name ? -1 : 1));
    const step = Math.max(1, Math.floor(pods.length / subscriptionPods));
    const spread = Array.from({ length: Math.min(subscriptionPods, pods.length) }, (_, i) => pods[i * step]!);
    return { probePod: pods[Math.floor(pods.length / 2)]!, dashboardNamespace, dashboardPods, subscriptionPods: spread, podCount: pods.length };
  },
  /** Records the next `count` cycles' CPU profile (the inspector's sampling profiler) to `path`. */
  profileCycles: async ({ path, count, intervalUs }: { path: string; count: number; intervalUs: number }) => {
    await startCpuProfile(intervalUs);
    const cycles = await driver.run(count);
    await stopCpuProfile(path);
    return { path, cycles };
  },
  /** Starts a CPU profile (e.g. while a load client runs); `cpuProfileStop` writes it. */
  cpuProfileStart: ({ intervalUs }: { intervalUs: number }) => startCpuProfile(intervalUs),
  cpuProfileStop: ({ path }: { path: string }) => stopCpuProfile(path),
  /** Writes the live allocations sampled since start-up (needs `heapSampling`). */
  heapProfile: async ({ path }: { path: string }) => {
    if (!options.heapSampling) throw new Error('start the process with heapSampling to take a heap profile');
    (globalThis as { gc?: () => void }).gc?.();
    const { profile } = await inspector.post('HeapProfiler.getSamplingProfile');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(profile));
    return path;
  },
  /** Values in the newest batch (each becomes one InfluxDB point). */
  batchPoints: () => {
    let points = 0;
    for (const set of store.latestBatch()?.metricSets.values() ?? []) points += set.metricValues.size + set.labeledMetrics.length;
    return points;
  },
  /** P6: the reference writer on new series, each sink configuration in turn, then the reference writer again. */
  influx: async ({ configs, firstWrite, raw }: { configs: Array<{ label: string; sinkUri: string; runs: number }>; firstWrite?: RawWriteOptions; raw?: RawWriteOptions }) => {
    const batch = store.latestBatch();
    if (!batch) throw new Error('no batch stored yet');
    const results = [];
    let shiftMs = 60_000;
    // A reference write that fails (influxd overwhelmed on a busy machine) must not take the sink's figures with it.
    const referenceErrors: string[] = [];
    const reference = (options: RawWriteOptions | undefined, at: number, what: string) =>
      options ? measureRawWrite(batch, options, at).catch((error: unknown) => void referenceErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`)) : undefined;
    const first = await reference(firstWrite, shiftMs, 'first write');
    shiftMs += 60_000;
    for (const config of configs) {
      results.push({ ...config, ...(await measureInfluxExport(batch, config.sinkUri, config.runs, shiftMs)) });
      shiftMs += (config.runs + 1) * 60_000;
    }
    return { configs: results, firstWrite: first ?? undefined, raw: (await reference(raw, shiftMs, 'influxd alone')) ?? undefined, referenceErrors };
  },
  stop: async () => {
    await stock.stop();
    await app.stop();
    setImmediate(() => process.exit(0));
    return true;
  },
});

// Registered before any subscription, so it runs before the fan-out (but after Heapgraph's own
// listeners); the fan-out's clock starts when the store finished writing the batch.
app.feed.onBatch((batch) => {
  const stored = driver.lastStored();
  const atMs = performance.timeOrigin + performance.now();
  rpc.emit('published', { timestamp: batch.timestamp, atMs, cpuMs: cpuMs(), storedAtMs: stored?.timestamp === batch.timestamp ? stored.atMs : atMs, storedCpuMs: stored?.timestamp === batch.timestamp ? stored.cpuMs : cpuMs() });
});
rpc.emit('ready', { url: app.url, stockUrl: stock.url });
