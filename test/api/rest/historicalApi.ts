/**
 * The REST surface with a historical source, as the historical tests use it: a SurfaceContext
 * built by hand (a query service over a model store holding whatever batches the test gives it,
 * usually none, and the InfluxDB history given), served over real HTTP on 127.0.0.1; plus what
 * the historical routes should answer for simulated batches, computed from the batches.
 */
import { createQueryService } from '../../../src/api/query/service.js';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { startHttpServer } from '../../../src/api/server.js';
import { silentLogger } from '../../../src/core/log.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { createModelStore } from '../../../src/store/modelStore.js';
import { rawGet, type Fetched } from './fixtureApi.js';

/** A running REST surface with `/api/v1/historical`. */
export interface HistoricalApi {
  readonly url: string;
  get(path: string, headers?: Record<string, string>): Promise<Fetched>;
  /** The value of one `/metrics` sample line, 0 when absent. */
  sample(line: string): Promise<number>;
  close(): Promise<void>;
}

/** Options of {@link startHistoricalApi}. */
export interface HistoricalApiOptions {
  history: InfluxHistory;
  /** The REST clock (the default `end`). */
  nowMs: number;
  /** Batches the in-memory store holds. @default none */
  inMemory?: readonly DataBatch[];
}

/** Mounts createRestSurface() on a server bound to 127.0.0.1, port 0. */
export async function startHistoricalApi({ history, nowMs, inMemory = [] }: HistoricalApiOptions): Promise<HistoricalApi> {
  const store = createModelStore();
  for (const batch of inMemory) store.write(batch);
  const metrics = createSelfMetrics({ processMetrics: false });
  const surface = await createRestSurface()({
    query: createQueryService({ model: store }),
    feed: createLiveFeed(),
    metrics,
    logger: silentLogger(),
    clock: () => nowMs,
    resolutionMs: 60_000,
    hasModel: true,
    history,
  });
  const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surface.handlers });
  const get = (path: string, headers: Record<string, string> = {}) => rawGet(`${server.url}${path}`, headers);
  return {
    url: server.url,
    get,
    async sample(line) {
      const text = (await get('/metrics')).text;
      const escaped = line.replace(/[{}()[\].*+?^$|\\]/g, '\\$&');
      return Number(new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    },
    close: () => server.close(),
  };
}

/** Go's JSON time of a whole-millisecond UTC instant. */
export const goJsonTime = (ms: number): string => new Date(ms).toISOString().replace(/\.000Z$/, 'Z').replace(/(\.\d*?)0+Z$/, '$1Z');

/** RFC 3339 for a query parameter. */
export const isoParam = (ms: number): string => new Date(ms).toISOString();

/** Distinct values, sorted. */
export const sortedSet = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/** One value of a metric set at a batch time. */
export interface TimedValue {
  timestamp: number;
  value: number;
}

/** A metric's values of the set `key` in `batches` strictly between the bounds (labeled when `labels` is given). */
export function valuesBetween(batches: readonly DataBatch[], key: string, metric: string, startMs: number, endMs: number, labels?: Record<string, string>): TimedValue[] {
  const out: TimedValue[] = [];
  for (const batch of batches) {
    if (batch.timestamp <= startMs || batch.timestamp >= endMs) continue;
    const set: MetricSet | undefined = batch.metricSets.get(key);
    if (!set) continue;
    if (labels) {
      for (const lm of set.labeledMetrics) {
        if (lm.name === metric && Object.entries(labels).every(([k, v]) => lm.labels[k] === v)) out.push({ timestamp: batch.timestamp, value: lm.value });
      }
    } else {
      const v = set.metricValues.get(metric);
      if (v !== undefined) out.push({ timestamp: batch.timestamp, value: v });
    }
  }
  return out;
}

/** Heapster's MetricResult for the values: `floatValue` on every point when any value is fractional. */
export function expectedMetricResult(values: readonly TimedValue[]): unknown {
  const float = values.some((v) => !Number.isInteger(v.value));
  const metrics = values.map((v) => ({ timestamp: goJsonTime(v.timestamp), value: Math.trunc(v.value), ...(float ? { floatValue: v.value } : {}) }));
  const latest = Math.max(...values.map((v) => v.timestamp));
  return { metrics, latestTimestamp: values.length === 0 ? '0001-01-01T00:00:00Z' : goJsonTime(latest) };
}

/** InfluxDB 1.x PERCENTILE: nearest rank, `sorted[floor(n × p / 100 + 0.5) − 1]`. */
export function influxPercentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length * p) / 100 + 0.5) - 1]!;
}

/** InfluxDB 1.x MEDIAN: the middle value, or halfway between the two middle ones. */
export function influxMedian(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : s[mid - 1]! + (s[mid]! - s[mid - 1]!) / 2;
}

/** Every aggregation of the historical API, in the order the tests request them. */
export const allAggregations = 'average,max,min,median,count,50-perc,95-perc,99-perc';

/**
 * Heapster's MetricAggregationResult of every aggregation over `bucketMs` buckets (epoch-aligned,
 * empty ones skipped) of the values: a column is `intValue` when all its values are integers.
 */
export function expectedAggregation(values: readonly TimedValue[], bucketMs: number): unknown {
  const starts = sortedSet(values.map((v) => String(Math.floor(v.timestamp / bucketMs) * bucketMs))).map(Number).sort((a, b) => a - b);
  const rows = starts.map((start) => {
    const vs = values.filter((v) => v.timestamp >= start && v.timestamp < start + bucketMs).map((v) => v.value);
    return {
      start,
      count: vs.length,
      average: vs.reduce((a, b) => a + b, 0) / vs.length,
      maximum: Math.max(...vs),
      minimum: Math.min(...vs),
      median: influxMedian(vs),
      p50: influxPercentile(vs, 50),
      p95: influxPercentile(vs, 95),
      p99: influxPercentile(vs, 99),
    };
  });
  type Row = (typeof rows)[number];
  const column = (pick: (r: Row) => number) => {
    const int = rows.every((r) => Number.isInteger(pick(r)));
    return (r: Row) => (int ? { intValue: pick(r) } : { floatValue: pick(r) });
  };
  const [average, maximum, minimum, median] = [column((r) => r.average), column((r) => r.maximum), column((r) => r.minimum), column((r) => r.median)];
  const [p50, p95, p99] = [column((r) => r.p50), column((r) => r.p95), column((r) => r.p99)];
  return {
    buckets: rows.map((r) => ({
      timestamp: goJsonTime(r.start),
      count: r.count,
      average: average(r),
      maximum: maximum(r),
      minimum: minimum(r),
      median: median(r),
      percentiles: { '50': p50(r), '95': p95(r), '99': p99(r) },
    })),
    bucketSize: rows.length === 0 ? 0 : bucketMs * 1e6,
  };
}
