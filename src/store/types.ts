/**
 * The model store seam: what the query service (GraphQL and REST) reads and what the store sink
 * writes. It replaces Heapster's in-memory metric sink (heapster-reference §6): every metric of
 * every set is kept for one retention window, not two metrics for 15 min plus ~140 s of batches.
 *
 * Times are milliseconds since the Unix epoch. Only `createModelStore` (modelStore.ts) builds one.
 *
 * @module
 */
import type { Steps } from '../core/slices.js';
import type { DataBatch, MetricType, ValueType } from '../core/types.js';
import type { SlotArenaOptions } from './arena.js';

/** One stored value of one series. */
export interface Point {
  timestamp: number;
  value: number;
}

/** An unlabeled series; `points` is empty when the entity or metric is unknown. */
export interface SeriesResult {
  metricType: MetricType;
  valueType: ValueType;
  /** Ascending by timestamp, at most one point per batch. */
  points: Point[];
}

/** The series of one label set of a labeled metric (e.g. `filesystem/usage` of one `resource_id`). */
export interface LabeledSeries {
  labels: Readonly<Record<string, string>>;
  metricType: MetricType;
  valueType: ValueType;
  points: Point[];
}

/** An interned metric set. */
export interface EntityInfo {
  /** A handle, stable while the entity is in retention; reused for another key after it ages out. */
  readonly id: number;
  /** The metric-set key (`core/keys.ts`). */
  readonly key: string;
  /** The set's `type` label (`node`, `pod`, ...); empty when the set had none. */
  readonly type: string;
  /** Set labels as of the newest batch that contained the set. */
  readonly labels: Readonly<Record<string, string>>;
  /** Collection start time (ms) as of the newest batch that contained the set. */
  readonly collectionStartTime: number;
  /** Timestamp of the newest batch that contained the set. */
  readonly lastSeenMs: number;
}

/** Aggregation names of Heapster's historical API (heapster-reference §1.4). */
export type AggregationName = 'average' | 'max' | 'min' | 'median' | 'count' | '50-perc' | '95-perc' | '99-perc';

/** One time bucket of an aggregation; only requested fields besides `count` are set. */
export interface AggregationBucket {
  /** Bucket start (aligned to a multiple of the bucket size), or the range start for one bucket. */
  timestamp: number;
  /** Number of points in the bucket (always set; serialisers omit it when not requested). */
  count: number;
  average?: number;
  maximum?: number;
  minimum?: number;
  median?: number;
  /** Keyed `"50"`, `"95"`, `"99"`. */
  percentiles?: Record<string, number>;
}

/** Inclusive on both ends; an absent bound is unbounded. */
export interface TimeRange {
  startMs?: number;
  endMs?: number;
}

/** Options of {@link ModelStore.aggregate}. */
export interface AggregateOptions extends TimeRange {
  /** Bucket size; 0 or absent = one bucket over the whole range. */
  bucketMs?: number;
  /** Aggregate a labeled metric: points of every label set matching these labels are pooled. */
  labels?: Readonly<Record<string, string>>;
}

/** Result of {@link ModelStore.aggregate}. */
export interface AggregationResult {
  /** The requested bucket size (0 without buckets). */
  bucketSizeMs: number;
  /** Ascending, empty buckets omitted. */
  buckets: AggregationBucket[];
}

/** The in-memory columnar store. One writer (the store sink); any number of synchronous readers. */
export interface ModelStore {
  /**
   * Stores a whole batch (replacing a stored batch with the same timestamp) and evicts points at
   * or before `newest − retentionMs`. Throws `StoreError` `invalid_batch` when the batch itself
   * is malformed; malformed sets and values inside it are skipped.
   */
  write(batch: DataBatch): void;
  /**
   * {@link write} as resumable steps (core/slices.ts) for the housekeeping path. Readers see the
   * batch only once the last step ran. Throws `StoreError` `write_in_progress` if a write starts
   * before the previous sliced write finished.
   */
  writeSteps(batch: DataBatch): Steps<void>;
  /** The stored batch with the greatest timestamp (the object itself); undefined when empty. */
  latestBatch(): DataBatch | undefined;
  /** Retained batch timestamps, ascending. */
  timestamps(): readonly number[];
  /** The entity of a metric-set key while a batch within retention contained it. */
  entity(key: string): EntityInfo | undefined;
  /** Metric-set keys of the latest batch. */
  keys(): string[];
  /** Sets of `type` in the latest batch whose labels match every pair of `labelFilter`. */
  entities(type: string, labelFilter?: Readonly<Record<string, string>>): EntityInfo[];
  /** Unlabeled metric names of `key` with at least one point in retention, sorted. */
  metricNames(key: string): string[];
  /** Labeled metric names of `key` with at least one point in retention, sorted. */
  labeledMetricNames(key: string): string[];
  /** One unlabeled series. */
  series(key: string, metric: string, range?: TimeRange): SeriesResult;
  /**
   * Series of a labeled metric. With `labels`, Heapster's match rule (same number of labels, every
   * pair equal); with `undefined`, every label set. Sorted by label set.
   */
  labeledSeries(
    key: string,
    metric: string,
    labels: Readonly<Record<string, string>> | undefined,
    range?: TimeRange,
  ): LabeledSeries[];
  /** The newest point of an unlabeled series. */
  latest(key: string, metric: string): Point | undefined;
  /** InfluxDB-compatible aggregation over one series (or pooled matching labeled series). Throws `StoreError`. */
  aggregate(
    key: string,
    metric: string,
    aggregations: readonly AggregationName[],
    options?: AggregateOptions,
  ): AggregationResult;
  /** Bytes held by the store's own structures (see modelStore.ts for what is estimated). */
  memoryBytes(): number;
  readonly retentionMs: number;
}

/** Options of `createModelStore`. */
export interface ModelStoreOptions {
  /**
   * How long points are kept, measured back from the newest batch timestamp.
   * @default 900000 (15 min)
   */
  retentionMs?: number;
  /** Sizes of the slot arena (`arena.ts`); the defaults suit every cluster size, tests shrink them. */
  arena?: SlotArenaOptions;
}
