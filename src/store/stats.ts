/**
 * Aggregation statistics with InfluxDB 1.x semantics, so an answer from memory matches the same
 * question asked of InfluxDB through Heapster's historical API (heapster-reference §1.4).
 * Pure functions over plain arrays; the REST and GraphQL layers may call them directly.
 *
 * @module
 */
import { StoreError, describeReceived } from './errors.js';
import type { AggregationBucket, AggregationName, AggregationResult, Point } from './types.js';

/** Every aggregation name, in Heapster's order. */
export const aggregationNames: readonly AggregationName[] = [
  'average',
  'max',
  'min',
  'median',
  'count',
  '50-perc',
  '95-perc',
  '99-perc',
];

const percentileOf: Readonly<Record<string, number>> = { '50-perc': 50, '95-perc': 95, '99-perc': 99 };

/** Narrows a string (e.g. a REST path segment) to an {@link AggregationName}. */
export function isAggregationName(name: string): name is AggregationName {
  return (aggregationNames as readonly string[]).includes(name);
}

/** Throws `unknown_aggregation` unless every entry is an {@link AggregationName}. */
export function validateAggregations(aggregations: readonly unknown[]): asserts aggregations is readonly AggregationName[] {
  if (!Array.isArray(aggregations)) {
    throw new StoreError('unknown_aggregation', `aggregations must be an array, received ${describeReceived(aggregations)}`);
  }
  for (const name of aggregations) {
    if (typeof name !== 'string' || !isAggregationName(name)) {
      throw new StoreError('unknown_aggregation', `Unknown aggregation "${String(name)}"`, {
        field: 'aggregations',
        received: String(name),
      });
    }
  }
}

/** Arithmetic mean (InfluxDB MEAN); NaN for no values. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** InfluxDB MEDIAN over ascending values: the middle one, or the mean of the two middle ones. */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * InfluxDB PERCENTILE (nearest rank) over ascending values: index floor(n × p / 100 + 0.5) − 1,
 * clamped to the array (InfluxDB returns nothing outside it; clamping keeps a value for tiny n).
 */
export function percentileOfSorted(sorted: ArrayLike<number>, percent: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.floor((n * percent) / 100 + 0.5) - 1;
  return sorted[Math.min(n - 1, Math.max(0, rank))]!;
}

/**
 * One bucket's statistics. `values` is sorted in place when a median or percentile is asked for.
 * Only requested fields are set, besides `count`.
 */
export function summarize(
  timestamp: number,
  values: Float64Array | number[],
  aggregations: readonly AggregationName[],
): AggregationBucket {
  const bucket: AggregationBucket = { timestamp, count: values.length };
  let sorted = false;
  const sortOnce = (): void => {
    if (sorted) return;
    if (values instanceof Float64Array) values.sort();
    else values.sort((a, b) => a - b);
    sorted = true;
  };
  for (const name of aggregations) {
    switch (name) {
      case 'count':
        break;
      case 'average':
        bucket.average = mean(values);
        break;
      case 'max': {
        let max = -Infinity;
        for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
        bucket.maximum = max;
        break;
      }
      case 'min': {
        let min = Infinity;
        for (let i = 0; i < values.length; i++) if (values[i]! < min) min = values[i]!;
        bucket.minimum = min;
        break;
      }
      case 'median':
        sortOnce();
        bucket.median = medianOfSorted(values);
        break;
      case '50-perc':
      case '95-perc':
      case '99-perc':
        sortOnce();
        bucket.percentiles ??= {};
        bucket.percentiles[String(percentileOf[name])] = percentileOfSorted(values, percentileOf[name]!);
        break;
    }
  }
  return bucket;
}

/** How samples are grouped into buckets. */
export interface BucketOptions {
  /** Bucket size; 0 or absent = one bucket. Buckets start at multiples of it since the epoch. */
  bucketMs?: number;
  /** Timestamp of the single bucket when `bucketMs` is 0; defaults to the earliest sample. */
  startMs?: number;
}

/**
 * Aggregates samples given as parallel arrays (any order). Empty buckets are omitted; no samples
 * give no buckets, as InfluxDB returns no series then.
 */
export function aggregateSamples(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  aggregations: readonly AggregationName[],
  options: BucketOptions = {},
): AggregationResult {
  validateAggregations(aggregations);
  const { bucketMs = 0, startMs } = options;
  if (typeof bucketMs !== 'number' || !Number.isFinite(bucketMs) || bucketMs < 0) {
    throw new StoreError('invalid_option', `bucketMs must be a finite number ≥ 0, received ${describeReceived(bucketMs)}`, {
      field: 'bucketMs',
      received: describeReceived(bucketMs),
    });
  }
  const n = timestamps.length;
  const buckets: AggregationBucket[] = [];
  if (n === 0) return { bucketSizeMs: bucketMs, buckets };
  if (bucketMs === 0) {
    let first = Infinity;
    for (let i = 0; i < n; i++) if (timestamps[i]! < first) first = timestamps[i]!;
    buckets.push(summarize(startMs ?? first, Float64Array.from(values), aggregations));
    return { bucketSizeMs: 0, buckets };
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => timestamps[a]! - timestamps[b]!);
  let i = 0;
  while (i < n) {
    const start = Math.floor(timestamps[order[i]!]! / bucketMs) * bucketMs;
    let j = i;
    while (j < n && timestamps[order[j]!]! < start + bucketMs) j++;
    const bucketValues = new Float64Array(j - i);
    for (let k = i; k < j; k++) bucketValues[k - i] = values[order[k]!]!;
    buckets.push(summarize(start, bucketValues, aggregations));
    i = j;
  }
  return { bucketSizeMs: bucketMs, buckets };
}

/** {@link aggregateSamples} over points. */
export function aggregatePoints(
  points: readonly Point[],
  aggregations: readonly AggregationName[],
  options: BucketOptions = {},
): AggregationResult {
  return aggregateSamples(
    points.map((p) => p.timestamp),
    points.map((p) => p.value),
    aggregations,
    options,
  );
}
