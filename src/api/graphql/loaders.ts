/**
 * Per-operation DataLoaders over the query service: every series, latest-point, labeled-series,
 * aggregation and metric-name lookup an operation makes goes through one of these, so the same
 * lookup asked by several fields (an alias, a top-N sort and the field showing the value, the
 * same pod reached twice) is read from the store once, and lookups of one tick are batched.
 *
 * @module
 */
import DataLoader from 'dataloader';
import type { AggregationName, AggregationResult, LabeledSeries, Point, QueryService, SeriesResult } from '../query/types.js';

/** A range as the loaders key it; absent bounds are unbounded. */
export interface RangeMs {
  readonly startMs?: number | undefined;
  readonly endMs?: number | undefined;
}

/** One series lookup. */
export interface SeriesKey extends RangeMs {
  readonly key: string;
  readonly metric: string;
}

/** One labeled-series lookup; `labels` undefined means every label set. */
export interface LabeledKey extends SeriesKey {
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** One aggregation lookup. */
export interface AggregateKey extends LabeledKey {
  readonly bucketMs: number;
}

/** Every aggregation the store computes; all are computed together, as one sort serves them. */
export const allAggregations: readonly AggregationName[] = ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'];

/** The loaders of one operation. */
export interface SeriesLoaders {
  readonly series: DataLoader<SeriesKey, SeriesResult, string>;
  readonly latest: DataLoader<SeriesKey, Point | null, string>;
  readonly labeled: DataLoader<LabeledKey, LabeledSeries[], string>;
  readonly aggregate: DataLoader<AggregateKey, AggregationResult, string>;
  /** `key` → unlabeled names; `metric` is `labeled` for labeled names. */
  readonly metricNames: DataLoader<SeriesKey, string[], string>;
}

function bound(value: number | undefined): string {
  return value === undefined ? '' : String(value);
}

function labelsKey(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '*';
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const seriesKey = (k: SeriesKey): string => `${k.key}\u0000${k.metric}\u0000${bound(k.startMs)}\u0000${bound(k.endMs)}`;
const labeledKey = (k: LabeledKey): string => `${seriesKey(k)}\u0000${labelsKey(k.labels)}`;
const aggregateKey = (k: AggregateKey): string => `${labeledKey(k)}\u0000${k.bucketMs}`;

function rangeOf(k: RangeMs): { startMs?: number; endMs?: number } {
  const range: { startMs?: number; endMs?: number } = {};
  if (k.startMs !== undefined) range.startMs = k.startMs;
  if (k.endMs !== undefined) range.endMs = k.endMs;
  return range;
}

/** Runs `read` per key; an error for one key fails only that key. */
function each<K, V>(keys: readonly K[], read: (key: K) => V): Promise<Array<V | Error>> {
  return Promise.resolve(
    keys.map((key) => {
      try {
        return read(key);
      } catch (error) {
        return error instanceof Error ? error : new Error(String(error));
      }
    }),
  );
}

/** Creates the loaders of one operation over `query`. */
export function createSeriesLoaders(query: QueryService): SeriesLoaders {
  return {
    series: new DataLoader((keys) => each(keys, (k) => query.series(k.key, k.metric, rangeOf(k))), { cacheKeyFn: seriesKey }),
    latest: new DataLoader((keys) => each(keys, (k) => query.latest(k.key, k.metric) ?? null), { cacheKeyFn: seriesKey }),
    labeled: new DataLoader((keys) => each(keys, (k) => query.labeledSeries(k.key, k.metric, k.labels, rangeOf(k))), { cacheKeyFn: labeledKey }),
    aggregate: new DataLoader(
      (keys) =>
        each(keys, (k) => {
          const options = { ...rangeOf(k), bucketMs: k.bucketMs, ...(k.labels ? { labels: k.labels } : {}) };
          return query.aggregate(k.key, k.metric, allAggregations, options);
        }),
      { cacheKeyFn: aggregateKey },
    ),
    metricNames: new DataLoader(
      (keys) => each(keys, (k) => (k.metric === 'labeled' ? query.labeledMetricNames(k.key) : query.metricNames(k.key))),
      { cacheKeyFn: seriesKey },
    ),
  };
}
