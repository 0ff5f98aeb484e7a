/**
 * Heapgraph's own Prometheus metrics, built from a registry passed in (style rule 14). Names are
 * Heapster's where Heapster had the metric (heapster-reference §1.9), else `heapgraph_<stage>_…`.
 * The composition root feeds them from the stages' hooks; `/metrics` serves the registry.
 *
 * @module
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { WindowSummary } from './windowSummary.js';

/** Every self metric, grouped by the stage that updates it. */
export interface SelfMetrics {
  readonly registry: Registry;
  /** Source manager, per node (`source` = `kubelet_summary:<ip>:<port>`). */
  readonly scraperLastTime: Gauge<'source'>;
  readonly scraperDuration: WindowSummary<'source'>;
  /** Source manager, per node by hostname: `/stats/summary` request latency. */
  readonly kubeletSummaryRequestDuration: WindowSummary<'node'>;
  /** Source manager: scrapes by outcome (`ok`, `timeout`, `http_status`, `malformed`, `too_large`, `connection`). */
  readonly nodeScrapes: Counter<'outcome'>;
  /** Failed scrapes per node and outcome: which node fails, and how, without reading logs. */
  readonly nodeScrapeFailures: Counter<'node' | 'outcome'>;
  /** Manager: time per processor per batch. */
  readonly processorDuration: WindowSummary<'processor'>;
  /** Processors: skipped values by processor and reason. */
  readonly processorSkips: Counter<'processor' | 'reason'>;
  /** Sink manager: last export time and duration per sink. */
  readonly exporterLastTime: Gauge<'exporter'>;
  readonly exporterDuration: WindowSummary<'exporter'>;
  /** Sink manager: exports by sink and outcome (`ok`, `error`, `timeout`, `dropped`). */
  readonly exports: Counter<'exporter' | 'outcome'>;
  /** Model store: bytes held, read from {@link SelfMetrics.measureStoreWith}'s source at scrape time. */
  readonly storeBytes: Gauge;
  /** Sets where `heapgraph_store_bytes` reads from when `/metrics` is scraped. */
  measureStoreWith(source: () => number): void;
  /** REST and GraphQL: requests by handler, method and status code. */
  readonly httpRequests: Counter<'handler' | 'method' | 'code'>;
  readonly httpRequestDuration: WindowSummary<'handler'>;
}

/** Options for {@link createSelfMetrics}. */
export interface SelfMetricsOptions {
  /** @default a new Registry */
  registry?: Registry;
  /** Include Node.js process metrics. @default true */
  processMetrics?: boolean;
}

/** Creates and registers every self metric. */
export function createSelfMetrics({ registry = new Registry(), processMetrics = true }: SelfMetricsOptions = {}): SelfMetrics {
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let storeBytesSource: (() => number) | undefined;
  return {
    registry,
    scraperLastTime: new Gauge({ name: 'heapster_scraper_last_time_seconds', help: 'Last time Heapster performed a scrape since unix epoch in seconds.', labelNames: ['source'], registers }),
    scraperDuration: new WindowSummary({ name: 'heapster_scraper_duration_milliseconds', help: 'Time spent scraping sources in milliseconds.', labelNames: ['source'], registers }),
    kubeletSummaryRequestDuration: new WindowSummary({ name: 'heapster_kubelet_summary_request_duration_milliseconds', help: 'The Kubelet summary request latencies in milliseconds.', labelNames: ['node'], registers }),
    nodeScrapes: new Counter({ name: 'heapgraph_source_node_scrapes_total', help: 'Node scrapes by outcome (updated by the source manager).', labelNames: ['outcome'], registers }),
    nodeScrapeFailures: new Counter({ name: 'heapgraph_source_node_scrape_failures_total', help: 'Failed node scrapes by node and outcome.', labelNames: ['node', 'outcome'], registers }),
    processorDuration: new WindowSummary({ name: 'heapster_processor_duration_milliseconds', help: 'The Heapster processor latencies in milliseconds.', labelNames: ['processor'], registers }),
    processorSkips: new Counter({ name: 'heapgraph_processor_skips_total', help: 'Values skipped by processors, by reason (updated by the processors).', labelNames: ['processor', 'reason'], registers }),
    exporterLastTime: new Gauge({ name: 'heapster_exporter_last_time_seconds', help: 'Last time Heapster exported metrics since unix epoch in seconds.', labelNames: ['exporter'], registers }),
    exporterDuration: new WindowSummary({ name: 'heapster_exporter_duration_milliseconds', help: 'Time spent exporting data to sink in milliseconds.', labelNames: ['exporter'], registers }),
    exports: new Counter({ name: 'heapgraph_sink_exports_total', help: 'Batch exports by sink and outcome (updated by the sink manager).', labelNames: ['exporter', 'outcome'], registers }),
    // Measured when scraped, not after every write: the estimate walks the latest batch
    // (≈0.5 s at 5,000 nodes), which would otherwise delay every batch's subscribers.
    storeBytes: new Gauge({
      name: 'heapgraph_store_bytes',
      help: 'Bytes held by the model store (measured when scraped).',
      registers,
      collect() {
        if (storeBytesSource) this.set(storeBytesSource());
      },
    }),
    measureStoreWith(source) {
      storeBytesSource = source;
    },
    httpRequests: new Counter({ name: 'http_requests_total', help: 'Total number of HTTP requests made.', labelNames: ['handler', 'method', 'code'], registers }),
    httpRequestDuration: new WindowSummary({ name: 'http_request_duration_microseconds', help: 'The HTTP request latencies in microseconds.', labelNames: ['handler'], registers }),
  };
}
