/**
 * The Heapgraph process of the soak: `runHeapgraph` (REST and GraphQL mounted) against the
 * soak's simulator over HTTP, sampled by the orchestrator over IPC. Only this process's memory,
 * handles and sockets are measured; the simulator, influxd and the WebSocket subscribers run
 * elsewhere. Start with `--expose-gc`: heap figures are taken after a full collection.
 *
 * argv: `<optionsJson>` ({@link SoakHeapgraphOptions}).
 *
 * @module
 */
import { appendFileSync, readdirSync } from 'node:fs';
import { pino } from 'pino';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { toConfig } from '../../src/cli/config.js';
import { parseFlags } from '../../src/cli/flags.js';
import { runHeapgraph } from '../../src/cli/heapgraph.js';
import type { DataBatch } from '../../src/core/types.js';
import type { InfluxSink } from '../../src/sinks/influxdb/index.js';
import { serveRpc } from '../../bench/rpc.js';

/** What the orchestrator passes in argv[2]. */
export interface SoakHeapgraphOptions {
  /** Heapgraph's command-line flags. */
  argv: string[];
  /** Where log lines at warn and above are appended. */
  logPath: string;
}

/** One measurement of the Heapgraph process. */
export interface SoakSample {
  rssBytes: number;
  /** Heap in use right after a full collection. */
  heapUsedBytes: number;
  externalBytes: number;
  /**
   * `process.getActiveResourcesInfo()` counted by type (TCPSocketWrap, Timeout, ...): what keeps
   * the process alive, so not idle keep-alive sockets (unreferenced); `openFiles` counts those.
   */
  resources: Record<string, number>;
  /** Open file descriptors (sockets of every kind, pipes, files); undefined where /proc is missing. */
  openFiles: number | undefined;
  /** Listeners on the live feed (one per distinct subscription), not counting the soak's own counter. */
  feedListeners: number;
  /** Subscribers served by the last execution of each subscription (server side). */
  subscribers: number;
  /** Batches the manager produced (its `batch processed` log lines). */
  produced: number;
  /** Batches the model store took (live-feed publications). */
  stored: number;
  /** Sink exports by `sink/outcome`. */
  exports: Record<string, number>;
  /** Points of the stored batches: one per metric value and labeled value (what the InfluxDB sink encodes). */
  points: number;
  influx: { written: number; dropped: number; buffered: number; writeErrors: number };
  /** Node scrapes by outcome. */
  scrapes: Record<string, number>;
  informerRestarts: number;
  /** Log lines at warn or above so far. */
  warnings: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as SoakHeapgraphOptions;
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('start the soak Heapgraph with --expose-gc');

let produced = 0;
let warnings = 0;
// Counts cycles from the manager's debug line and keeps warnings in a file, nothing else.
const logger = pino({ level: 'debug' }, {
  write(line: string) {
    if (line.includes('"msg":"batch processed"')) produced++;
    else if (/"level":(4|5|6)0/.test(line)) {
      warnings++;
      appendFileSync(options.logPath, line);
    }
  },
});

const parsed = toConfig(parseFlags(options.argv));
if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
const lastExecution = new Map<string, { batchTimestamp: number; subscribers: number }>();
const app = await runHeapgraph(parsed.config, logger, {
  surfaces: [
    createRestSurface(),
    createGraphqlSurface({ landingPage: 'none', onSubscriptionExecution: (e) => lastExecution.set(e.subscriptionKey, e) }),
  ],
});

let stored = 0;
let points = 0;
const pointsOf = (batch: DataBatch) => {
  let n = 0;
  for (const set of batch.metricSets.values()) n += set.metricValues.size + set.labeledMetrics.length;
  return n;
};
app.feed.onBatch((batch) => {
  stored++;
  points += pointsOf(batch);
});
const ownFeedListeners = 1;
const influx = app.sinks.sinks.find((s) => s.name === 'InfluxDB Sink') as InfluxSink | undefined;

async function counter(name: string, by?: string): Promise<Record<string, number>> {
  const metric = app.metrics.registry.getSingleMetric(name);
  const out: Record<string, number> = {};
  if (!metric) return out;
  for (const v of (await metric.get()).values) {
    const key = by === undefined ? 'all' : by.split(',').map((l) => String(v.labels[l] ?? '')).join('/');
    out[key] = (out[key] ?? 0) + v.value;
  }
  return out;
}

function openFiles(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined; // not Linux
  }
}

async function sample(): Promise<SoakSample> {
  collect!();
  const memory = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  const newest = Math.max(0, ...[...lastExecution.values()].map((e) => e.batchTimestamp));
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  return {
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    externalBytes: memory.external,
    resources,
    openFiles: openFiles(),
    feedListeners: app.feed.listenerCount() - ownFeedListeners,
    subscribers: [...lastExecution.values()].filter((e) => e.batchTimestamp === newest).reduce((a, e) => a + e.subscribers, 0),
    produced,
    stored,
    exports: await counter('heapgraph_sink_exports_total', 'exporter,outcome'),
    points,
    influx: {
      written: sum(await counter('heapgraph_influxdb_points_written_total')),
      dropped: sum(await counter('heapgraph_influxdb_points_dropped_total')),
      buffered: influx?.bufferedPoints ?? 0,
      writeErrors: sum(await counter('heapgraph_influxdb_write_errors_total')),
    },
    scrapes: await counter('heapgraph_source_node_scrapes_total', 'outcome'),
    informerRestarts: Object.values(app.informers.status()).reduce((a, s) => a + s.restarts, 0),
    warnings,
  };
}

const rpc = serveRpc({
  sample,
  /** Stops producing batches, lets every sink finish and InfluxDB drain; resolves to a last sample. */
  async finish({ drainMs }: { drainMs: number }) {
    await app.manager.stop();
    await app.sinks.idle();
    const drained = influx ? await influx.drain(AbortSignal.timeout(drainMs)) : true;
    return { drained, sample: await sample() };
  },
  stop: async () => {
    await app.stop();
    setImmediate(() => process.exit(0));
  },
});
rpc.emit('ready', { url: app.url });
