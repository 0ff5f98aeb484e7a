/**
 * The GraphQL surface with an InfluxDB history, as the history-influx tests use it: a
 * SurfaceContext built by hand (a query service over a model store with a short retention holding
 * the batches the test gives it), served over real HTTP on 127.0.0.1; plus the points and
 * statistics GraphQL should answer, computed from the batches themselves.
 */
import pino from 'pino';
import { createGraphqlSurface, type GraphqlSurfaceOptions } from '../../../src/api/graphql/index.js';
import { createQueryService } from '../../../src/api/query/service.js';
import { startHttpServer } from '../../../src/api/server.js';
import type { Surface } from '../../../src/api/surface.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import { copyMetricSet } from '../../helpers/metricSets.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { createModelStore } from '../../../src/store/modelStore.js';
import type { ModelStore } from '../../../src/store/types.js';
import type { GqlResponse } from './harness.js';

/** A running GraphQL surface over a hand-fed store. */
export interface HistoryGraphql {
  readonly url: string;
  readonly store: ModelStore;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  /** JSON lines the surface logged at `warn` and above. */
  readonly logLines: string[];
  close(): Promise<void>;
}

/** Options of {@link startHistoryGraphql}. */
export interface HistoryGraphqlOptions {
  /** Absent: a surface without historical source. */
  history?: InfluxHistory;
  /** Written into the store in order; the retention evicts the older ones. */
  inMemory: readonly DataBatch[];
  retentionMs: number;
  options?: GraphqlSurfaceOptions;
}

/** Mounts createGraphqlSurface() on a server bound to 127.0.0.1, port 0. */
export async function startHistoryGraphql({ history, inMemory, retentionMs, options = {} }: HistoryGraphqlOptions): Promise<HistoryGraphql> {
  const store = createModelStore({ retentionMs });
  for (const batch of inMemory) store.write(batch);
  const logLines: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) });
  const surface: Surface = await createGraphqlSurface({ landingPage: 'none', ...options })({
    query: createQueryService({ model: store }),
    feed: createLiveFeed(),
    metrics: createSelfMetrics({ processMetrics: false }),
    logger,
    clock: () => store.timestamps().at(-1) ?? 0,
    resolutionMs: 1_000,
    hasModel: true,
    ...(history ? { history } : {}),
  });
  const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surface.handlers });
  return {
    url: server.url,
    store,
    logLines,
    async gql(query, variables) {
      const response = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async close() {
      await surface.stop?.();
      await server.close();
    },
  };
}

/** One point as the tests compare them. */
export interface TimedValue {
  timestamp: number;
  value: number;
}

/** GraphQL points (`{ timestamp: RFC 3339, value }`) as numbers. */
export const timed = (points: ReadonlyArray<{ timestamp: string; value: number }>): TimedValue[] => points.map((p) => ({ timestamp: Date.parse(p.timestamp), value: p.value }));

/** Values of `metric` of the set `key` (of the label set `labels`, when given) in `batches` within `[startMs, endMs]`. */
export function valuesIn(batches: readonly DataBatch[], key: string, metric: string, startMs: number, endMs: number, labels?: Record<string, string>): TimedValue[] {
  const out: TimedValue[] = [];
  for (const batch of batches) {
    if (batch.timestamp < startMs || batch.timestamp > endMs) continue;
    const set: MetricSet | undefined = batch.metricSets.get(key);
    if (!set) continue;
    if (labels) {
      const match = set.labeledMetrics.toArray().find((lm) => lm.name === metric && JSON.stringify(Object.entries(lm.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
      if (match) out.push({ timestamp: batch.timestamp, value: match.value });
    } else {
      const v = set.metricValues.get(metric);
      if (v !== undefined) out.push({ timestamp: batch.timestamp, value: v });
    }
  }
  return out;
}

/** A copy of `batch` whose every value is `change(value)` (InfluxDB holding other values than memory). */
export function withValues(batch: DataBatch, change: (value: number) => number): DataBatch {
  const metricSets = new Map<string, MetricSet>();
  for (const [key, set] of batch.metricSets) {
    metricSets.set(key, copyMetricSet(set, change));
  }
  return { timestamp: batch.timestamp, metricSets };
}

/** Nearest rank, `sorted[floor(n × p / 100 + 0.5) − 1]` (InfluxDB's PERCENTILE). */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor((sorted.length * p) / 100 + 0.5) - 1))]!;
}

/** The middle value, or the mean of the two middle ones (InfluxDB's MEDIAN). */
function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** GraphQL's Aggregation buckets for `values` (InfluxDB's formulas; epoch-aligned buckets, empty ones left out). */
export function expectedBuckets(values: readonly TimedValue[], bucketMs: number): unknown[] {
  const starts = [...new Set(values.map((v) => Math.floor(v.timestamp / bucketMs) * bucketMs))].sort((a, b) => a - b);
  return starts.map((start) => {
    const vs = values.filter((v) => v.timestamp >= start && v.timestamp < start + bucketMs).map((v) => v.value);
    const sorted = [...vs].sort((a, b) => a - b);
    return {
      start: new Date(start).toISOString(),
      count: vs.length,
      average: vs.reduce((a, b) => a + b, 0) / vs.length,
      minimum: Math.min(...vs),
      maximum: Math.max(...vs),
      median: median(sorted),
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
    };
  });
}

/** The Aggregation selection {@link expectedBuckets} matches. */
export const bucketFields = 'buckets { start count average minimum maximum median p50 p95 p99 }';
