/**
 * Per-operation DataLoaders over the query service: every series, latest-point, labeled-series,
 * aggregation and metric-name lookup an operation makes goes through one of these, so the same
 * lookup asked by several fields (an alias, a top-N sort and the field showing the value, the
 * same pod reached twice) is read from the store once, and lookups of one tick are batched.
 * With a historical source, series, labeled series and aggregations whose range starts before
 * memory are completed from InfluxDB (completion.ts), all of the operation in one request.
 *
 * @module
 */
import DataLoader from 'dataloader';
import type { AggregationName, AggregationResult, LabeledSeries, Point, QueryService, SeriesResult } from '../query/types.js';
import { completeAggregate, completeLabeled, completeSeries, labelSetKey } from './completion.js';
import type { HistoryReader } from './history.js';

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
  return labels === undefined ? '*' : labelSetKey(labels);
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs `read` per key (memory reads synchronously, in key order); an error for one key fails only that key. */
function each<K, V>(keys: readonly K[], read: (key: K) => V | Promise<V>): Promise<Array<V | Error>> {
  return Promise.all(
    keys.map((key) => {
      try {
        return Promise.resolve(read(key)).catch(asError);
      } catch (error) {
        return asError(error);
      }
    }),
  );
}

/** Creates the loaders of one operation over `query`, completing older ranges through `history` when given. */
export function createSeriesLoaders(query: QueryService, history?: HistoryReader): SeriesLoaders {
  const aggregateOptions = (k: AggregateKey) => ({ ...rangeOf(k), bucketMs: k.bucketMs, ...(k.labels ? { labels: k.labels } : {}) });
  return {
    series: new DataLoader(
      (keys) => each(keys, (k) => (history ? completeSeries(query, history, k, rangeOf(k)) : query.series(k.key, k.metric, rangeOf(k)))),
      { cacheKeyFn: seriesKey },
    ),
    latest: new DataLoader((keys) => each(keys, (k) => query.latest(k.key, k.metric) ?? null), { cacheKeyFn: seriesKey }),
    labeled: new DataLoader(
      (keys) => each(keys, (k) => (history ? completeLabeled(query, history, k, rangeOf(k)) : query.labeledSeries(k.key, k.metric, k.labels, rangeOf(k)))),
      { cacheKeyFn: labeledKey },
    ),
    aggregate: new DataLoader(
      (keys) =>
        each(keys, (k) =>
          history ? completeAggregate(query, history, k, rangeOf(k), allAggregations) : query.aggregate(k.key, k.metric, allAggregations, aggregateOptions(k)),
        ),
      { cacheKeyFn: aggregateKey },
    ),
    metricNames: new DataLoader(
      (keys) => each(keys, (k) => (k.metric === 'labeled' ? query.labeledMetricNames(k.key) : query.metricNames(k.key))),
      { cacheKeyFn: seriesKey },
    ),
  };
}
