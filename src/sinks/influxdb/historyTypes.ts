/**
 * The historical-source seam: what Heapster's `/api/v1/historical` routes (heapster-reference
 * §1.4) and GraphQL's "older than memory" lookups need from InfluxDB. `createInfluxHistory`
 * (history.ts) implements it; the REST and GraphQL layers depend only on this file.
 *
 * Times are epoch milliseconds. Bounds are EXCLUSIVE on both ends (`time > start AND time < end`),
 * as Heapster's InfluxDB queries were; an absent bound is unbounded.
 *
 * @module
 */
import type { ValueType } from '../../core/types.js';
import type { WorkloadKind } from '../../core/keys.js';
import type { AggregationName } from '../../store/types.js';

export type { AggregationName };

/** The entity a historical lookup is about; one variant per InfluxQL predicate of §1.4. */
export type HistoricalKey =
  | { kind: 'cluster' }
  | { kind: 'node'; node: string }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'pod'; namespace: string; pod: string }
  /** A pod by UID (`pod-id` routes); matches the `pod_id` tag Heapgraph writes. */
  | { kind: 'podUid'; podId: string }
  | { kind: 'podContainer'; namespace: string; pod: string; container: string }
  | { kind: 'podUidContainer'; podId: string; container: string }
  | { kind: 'systemContainer'; node: string; container: string }
  /** Heapgraph's workload sets (`namespace:<ns>/<kind>:<name>`). */
  | { kind: 'workload'; namespace: string; workloadKind: WorkloadKind; workload: string };

/** Exclusive time bounds, ms. */
export interface HistoricalRange {
  startMs?: number;
  endMs?: number;
}

/** One stored value. */
export interface HistoricalPoint {
  timestamp: number;
  value: number;
}

/**
 * The points of one key, ascending. Empty when InfluxDB has no series for the key in range
 * (Heapster's routes answered 500 then: see `requireSeries`).
 */
export interface HistoricalSeries {
  /** `int64` when every value is integral (Heapster's rule), else `float`. */
  valueType: ValueType;
  points: HistoricalPoint[];
}

/** One lookup of a batch (see {@link InfluxHistory.seriesBatch}). */
export interface SeriesRequest extends HistoricalRange {
  key: HistoricalKey;
  metric: string;
  /** Only points of a labeled metric with these labels (e.g. `{resource_id: '/'}`). */
  labels?: Readonly<Record<string, string>>;
}

/** One time bucket; only the requested aggregations are set. */
export interface HistoricalBucket {
  /** Bucket start as InfluxDB aligns it; without buckets the range start (0 when unbounded). */
  timestamp: number;
  count?: number;
  average?: number;
  maximum?: number;
  minimum?: number;
  median?: number;
  /** Keyed `"50"`, `"95"`, `"99"`. */
  percentiles?: Record<string, number>;
}

/** The aggregations of one key. */
export interface HistoricalAggregation {
  /** The requested bucket size, ms (0 = one bucket over the range). */
  bucketSizeMs: number;
  /** Ascending, empty buckets omitted (`fill(none)`). */
  buckets: HistoricalBucket[];
  /** Per requested aggregation other than `count`: `int64` when every bucket's value is integral. */
  valueTypes: Partial<Record<AggregationName, ValueType>>;
}

/** Aggregation options. */
export interface AggregateRequest extends HistoricalRange {
  /** 0 or absent: no GROUP BY, one bucket. */
  bucketMs?: number;
  labels?: Readonly<Record<string, string>>;
}

/**
 * InfluxDB as a historical source. Every method rejects with `InfluxError`: `invalid_input`
 * (Heapster's sanitising, message as Heapster's), `connection`, `http_status`, `query_failed`,
 * `malformed_response`, `aborted`.
 */
export interface InfluxHistory {
  /** Measurements (metric names; with `withfields`, `measurement/field` names) that have points for `key`. */
  metricNames(key: HistoricalKey, signal?: AbortSignal): Promise<string[]>;
  /** Every `nodename` tag value, sorted. */
  nodes(signal?: AbortSignal): Promise<string[]>;
  /** Every `namespace_name` tag value, sorted. */
  namespaces(signal?: AbortSignal): Promise<string[]>;
  /** Pod names of a namespace (pod series), sorted. */
  podsOf(namespace: string, signal?: AbortSignal): Promise<string[]>;
  /** System-container names of a node, sorted. */
  systemContainersOf(node: string, signal?: AbortSignal): Promise<string[]>;
  /** One metric for many keys, as one InfluxQL request; results in the order of `keys`. */
  series(keys: readonly HistoricalKey[], metric: string, labels: Readonly<Record<string, string>> | undefined, range: HistoricalRange, signal?: AbortSignal): Promise<HistoricalSeries[]>;
  /** Any lookups (different metrics, keys, ranges) as one InfluxQL request; results in request order (DataLoader batches). */
  seriesBatch(requests: readonly SeriesRequest[], signal?: AbortSignal): Promise<HistoricalSeries[]>;
  /** Aggregations of one metric for many keys, as one InfluxQL request; results in the order of `keys`. */
  aggregate(keys: readonly HistoricalKey[], metric: string, aggregations: readonly AggregationName[], request: AggregateRequest, signal?: AbortSignal): Promise<HistoricalAggregation[]>;
  /** Ends idle connections. */
  close(): void;
}
