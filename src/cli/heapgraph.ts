/**
 * The composition root: the only place where stage implementations meet. Builds the pipeline
 * from a {@link HeapgraphConfig}, starts it, and returns a handle that stops it in order
 * (stop ticking → flush sinks → stop informers → close the HTTP server → stop the simulator).
 *
 * @module
 */
import type { Logger } from '../core/log.js';
import { createManager, type Manager } from '../core/manager.js';
import { createSelfMetrics, type SelfMetrics } from '../core/selfMetrics.js';
import type { DataBatch } from '../core/types.js';
import { createFrontDoor } from '../api/auth/frontDoor.js';
import { handleHealthz } from '../api/rest/healthz.js';
import { createQueryService } from '../api/query/service.js';
import type { QueryService } from '../api/query/types.js';
import { startHttpServer, type HttpServerHandle, type RouteHandler } from '../api/server.js';
import type { Surface, SurfaceFactory } from '../api/surface.js';
import { buildKubeConfig, parseKubeSourceUri, type KubeSourceConfig } from '../kube/config.js';
import { createKubeInformers, type KubeInformers } from '../kube/informers.js';
import { kubeletCredentials } from '../kube/kubeletCredentials.js';
import { nodeTargets } from '../kube/nodes.js';
import { createProcessors } from '../processors/pipeline.js';
import { startSimCluster, type RunningSimCluster } from '../sim/index.js';
import { createInfluxHistory, createInfluxMetrics, createInfluxSink } from '../sinks/influxdb/index.js';
import type { InfluxHistory } from '../sinks/influxdb/historyTypes.js';
import { createLiveFeed, type LiveFeed } from '../sinks/liveFeed.js';
import { createLogSink } from '../sinks/log.js';
import { createSinkManager, type SinkManager } from '../sinks/manager.js';
import { createMetricSink } from '../sinks/metric.js';
import { scheduleFullCollection } from '../core/collectionHint.js';
import type { ExportListener, Sink } from '../sinks/types.js';
import { createKubeletClient } from '../sources/kubelet/client.js';
import { createKubeletSourceManager, type KubeletSourceManager } from '../sources/kubelet/manager.js';
import { createModelStore } from '../store/modelStore.js';
import type { ModelStore } from '../store/types.js';
import type { HeapgraphConfig } from './config.js';
import { createScrapeReporter } from './scrapeReports.js';

/** A running Heapgraph. */
export interface Heapgraph {
  /** Base URL of the APIs. */
  readonly url: string;
  /** The model store, absent with `--disable_metric_sink`. */
  readonly store: ModelStore | undefined;
  readonly manager: Manager;
  readonly sources: KubeletSourceManager;
  readonly informers: KubeInformers;
  readonly sinks: SinkManager;
  /** The embedded simulated cluster, when the source is `sim:`. */
  readonly sim: RunningSimCluster | undefined;
  readonly query: QueryService;
  readonly feed: LiveFeed;
  readonly metrics: SelfMetrics;
  /** The newest processed batch (what healthz checks). */
  latestBatch(): DataBatch | undefined;
  /** Stops everything in order; idempotent. */
  stop(): Promise<void>;
}

async function resolveKubeSource(config: HeapgraphConfig): Promise<{ kube: KubeSourceConfig; sim?: RunningSimCluster }> {
  const { source } = config;
  if (source.kind === 'kubernetes') return { kube: source.kube };
  // Embedded: a free kubelet port unless one was asked for, so two instances never collide.
  const sim = await startSimCluster({ kubeletPort: 0, ...source.sim });
  const kube = parseKubeSourceUri(`kubernetes:${sim.apiUrl}?inClusterConfig=false&kubeletPort=${sim.kubeletPort}`);
  return { kube, sim };
}

function createSinks(config: HeapgraphConfig, store: ModelStore | undefined, feed: LiveFeed, metrics: SelfMetrics, logger: Logger): Sink[] {
  // Once a batch is stored the one before it is garbage: collect it between cycles.
  const onStored = (batch: DataBatch): void => {
    feed.publish(batch);
    scheduleFullCollection();
  };
  const sinks: Sink[] = store ? [createMetricSink(store, onStored)] : [];
  for (const spec of config.sinks) {
    switch (spec.kind) {
      case 'log':
        sinks.push(createLogSink(logger.child({ sink: 'log' })));
        break;
      case 'influxdb':
        sinks.push(createInfluxSink(spec, { metrics: createInfluxMetrics(metrics.registry), logger: logger.child({ stage: 'sink' }) }));
        break;
      case 'metric':
        // Names the in-memory store, which exists unless --disable_metric_sink.
        break;
    }
  }
  return sinks;
}

function exportRecorder(metrics: SelfMetrics, logger: Logger): ExportListener {
  return (e) => {
    metrics.exports.inc({ exporter: e.sink, outcome: e.outcome });
    if (e.outcome === 'dropped') return;
    metrics.exporterDuration.observe({ exporter: e.sink }, e.durationMs);
    metrics.exporterLastTime.set({ exporter: e.sink }, Date.now() / 1000);
    if (e.outcome !== 'ok') logger.warn({ sink: e.sink, outcome: e.outcome, err: e.error }, 'Failed to push data to sink');
  };
}

/** Options of {@link runHeapgraph} beyond the config. */
export interface RunOptions {
  /** API surfaces mounted on the shared server after `/healthz`. @default none */
  surfaces?: readonly SurfaceFactory[];
  /** @default a new registry with process metrics */
  metrics?: SelfMetrics;
}

/** Builds and starts Heapgraph. Resolves once the HTTP server listens and the caches synced. */
export async function runHeapgraph(config: HeapgraphConfig, logger: Logger, options: RunOptions = {}): Promise<Heapgraph> {
  const metrics = options.metrics ?? createSelfMetrics();
  const { kube, sim } = await resolveKubeSource(config);
  const kubeConfig = buildKubeConfig(kube);
  const informers = createKubeInformers({ kubeConfig, logger: logger.child({ stage: 'kube' }) });
  const frontDoor = createFrontDoor({
    ...config.security,
    kubeConfig,
    namespaces: () => informers.listers.listNamespaces().flatMap((ns) => (ns.metadata?.name ? [ns.metadata.name] : [])),
    logger: logger.child({ stage: 'auth' }),
  });
  // Heapster's kubelet client reused the API client's CA, client certificate and token.
  const client = createKubeletClient({ https: kube.kubeletHttps, ...kubeletCredentials(kubeConfig, kube.insecure) });
  const scrapeReports = createScrapeReporter(metrics, logger.child({ stage: 'scrape' }));
  const sources = createKubeletSourceManager({
    nodes: () =>
      nodeTargets(informers.listers.listNodes(), { kubeletPort: kube.kubeletPort, hostIdAnnotation: kube.hostIdAnnotation }).targets.map(
        (a) => ({ node: { nodeName: a.nodeName, hostname: a.hostname, hostId: a.hostId }, host: a.ip, port: a.port }),
      ),
    endpoint: kube.endpoint,
    client,
    deadlineMs: Math.min(20_000, config.resolutionMs),
    perNodeTimeoutMs: Math.min(10_000, config.resolutionMs),
    onNodeScraped: (status, detail) => scrapeReports.report(status, detail),
  });
  const processors = createProcessors({
    listers: informers.listers,
    labelSeparator: config.labelSeparator,
    ignoreLabels: config.ignoreLabels,
    storeLabels: config.storeLabels,
    onSkip: (skip) => metrics.processorSkips.inc({ processor: skip.processor, reason: skip.reason }),
  });
  const store = config.disableMetricSink ? undefined : createModelStore({ retentionMs: config.retentionMs });
  const feed = createLiveFeed();
  if (store) metrics.measureStoreWith(() => store.memoryBytes());
  const sinks = createSinkManager({
    sinks: createSinks(config, store, feed, metrics, logger),
    exportTimeoutMs: config.exportTimeoutMs,
    onExport: exportRecorder(metrics, logger.child({ stage: 'sinks' })),
  });
  let latest: DataBatch | undefined;
  const cycleLogger = logger.child({ stage: 'manager' });
  const manager = createManager({
    source: sources,
    processors,
    exportBatch: (batch) => {
      latest = batch;
      sinks.exportData(batch);
    },
    resolutionMs: config.resolutionMs,
    logger: cycleLogger,
    onCycle: (r) => {
      scrapeReports.keepOnly(r.statuses.map((s) => s.nodeName));
      for (const [processor, ms] of Object.entries(r.processorMs)) metrics.processorDuration.observe({ processor }, ms);
      const failed = r.statuses.filter((s) => s.outcome !== 'ok').length;
      cycleLogger.debug({ window: new Date(r.window.endMs).toISOString(), sets: r.sets, nodes: r.statuses.length, failed, scrapeMs: Math.round(r.scrapeMs), processMs: Math.round(r.processMs) }, 'batch processed');
    },
  });
  const reader = { latestBatch: () => latest };
  const healthz: RouteHandler = (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    if (path !== '/healthz' && path !== '/healthz/healthz') return false;
    handleHealthz(req, res, reader, Date.now());
    return true;
  };
  const emptyModel = createModelStore({ retentionMs: config.retentionMs });
  const query = createQueryService({ model: store ?? emptyModel, kube: informers.listers, scrapes: sources });
  const history: InfluxHistory | undefined = config.historicalSource ? createInfluxHistory(config.historicalSource) : undefined;
  const context = { query, feed, metrics, logger, clock: Date.now, resolutionMs: config.resolutionMs, hasModel: store !== undefined, ...(history ? { history } : {}), ...(frontDoor.access ? { access: frontDoor.access } : {}) };
  let http: HttpServerHandle | undefined;
  const surfaces: Surface[] = [];
  try {
    for (const factory of options.surfaces ?? []) surfaces.push(await factory(context));
    http = await startHttpServer({ listenIp: config.listenIp, port: config.port, handlers: [healthz, ...surfaces.flatMap((s) => s.handlers)], logger, ...frontDoor });
    for (const surface of surfaces) surface.attach?.(http.server);
    await informers.start();
  } catch (error) {
    await Promise.allSettled([...surfaces.map((s) => s.stop?.()), http?.close(), informers.stop(), sim?.close(), history?.close()]);
    throw error;
  }
  manager.start();
  const server = http;
  let stopping: Promise<void> | undefined;
  return {
    url: server.url,
    store,
    manager,
    sources,
    informers,
    sinks,
    sim,
    query,
    feed,
    metrics,
    latestBatch: () => latest,
    stop() {
      stopping ??= (async () => {
        await manager.stop();
        await sinks.stop(config.exportTimeoutMs);
        await history?.close();
        await informers.stop();
        client.close();
        await Promise.allSettled(surfaces.map((surface) => surface.stop?.()));
        await server.close();
        await sim?.close();
      })();
      return stopping;
    },
  };
}
