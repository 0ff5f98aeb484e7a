/**
 * Series, labeled series and aggregations whose range starts before memory does, completed from
 * InfluxDB: the older part through the operation's {@link HistoryReader}, the rest from the
 * store, read in the same synchronous step as the boundary so the two parts meet exactly.
 * Aggregations are computed from the merged points with the store's own statistics, so a bucket
 * spanning the boundary is exact (InfluxDB's partial MEDIAN or PERCENTILE could not be combined).
 *
 * @module
 */
import type { MetricType, ValueType } from '../../core/types.js';
import { aggregatePoints } from '../../store/stats.js';
import type { AggregationName, AggregationResult, LabeledSeries, Point, QueryService, SeriesResult, TimeRange } from '../query/types.js';
import type { HistoryReader } from './history.js';
import type { AggregateKey, LabeledKey, SeriesKey } from './loaders.js';

/** The store's identity and order of a label set: its pairs sorted by key, as JSON. */
export function labelSetKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Older points first, then memory's; the parts are disjoint (InfluxDB is asked only before memory's oldest batch). */
function merged(older: readonly Point[], memory: readonly Point[]): Point[] {
  const first = memory[0]?.timestamp ?? Number.POSITIVE_INFINITY;
  // Memory wins should InfluxDB ever answer past the bound it was given.
  return [...older.filter((p) => p.timestamp < first), ...memory];
}

/** An unlabeled series over `range`, completed from InfluxDB when the range starts before memory. */
export function completeSeries(query: QueryService, history: HistoryReader, k: SeriesKey, range: TimeRange): SeriesResult | Promise<SeriesResult> {
  const memory = query.series(k.key, k.metric, range);
  const older = history.olderPart(k);
  if (!older) return memory;
  return history.points({ key: k.key, metric: k.metric, range: older }).then((points) => ({ ...memory, points: merged(points, memory.points) }));
}

function declaredTypes(query: QueryService, metric: string): { metricType: MetricType; valueType: ValueType } {
  const descriptor = query.describeMetric(metric);
  return { metricType: descriptor?.type ?? 'gauge', valueType: descriptor?.valueType ?? 'float' };
}

/**
 * The labeled series of `k`, completed from InfluxDB. With `labels`, that label set; without, every
 * label set the store retains for the entity and metric (a set only InfluxDB still has is not
 * listed: InfluxDB is asked per known set). Sets without points in range are left out, as the store does.
 */
export function completeLabeled(query: QueryService, history: HistoryReader, k: LabeledKey, range: TimeRange): LabeledSeries[] | Promise<LabeledSeries[]> {
  const memory = query.labeledSeries(k.key, k.metric, k.labels, range);
  const older = history.olderPart(k);
  if (!older) return memory;
  const retained = query.labeledSeries(k.key, k.metric, undefined);
  const sets = k.labels ? [k.labels] : retained.map((s) => s.labels);
  const types = retained[0] ?? declaredTypes(query, k.metric);
  const inMemory = new Map(memory.map((s) => [labelSetKey(s.labels), s]));
  return Promise.all(sets.map((labels) => history.points({ key: k.key, metric: k.metric, labels, range: older }))).then((olderPoints) =>
    sets
      .map((labels, i): LabeledSeries => {
        const current = inMemory.get(labelSetKey(labels));
        const base = current ?? { labels, metricType: types.metricType, valueType: types.valueType, points: [] };
        return { ...base, points: merged(olderPoints[i]!, base.points) };
      })
      .filter((s) => s.points.length > 0)
      .sort((a, b) => (labelSetKey(a.labels) < labelSetKey(b.labels) ? -1 : 1)),
  );
}

/** Aggregations of `k`, from the merged points when the range starts before memory. */
export function completeAggregate(
  query: QueryService,
  history: HistoryReader,
  k: AggregateKey,
  range: TimeRange,
  aggregations: readonly AggregationName[],
): AggregationResult | Promise<AggregationResult> {
  const older = history.olderPart(k);
  const options = { ...range, bucketMs: k.bucketMs, ...(k.labels ? { labels: k.labels } : {}) };
  if (!older) return query.aggregate(k.key, k.metric, aggregations, options);
  // The store pools the label sets matching `labels` exactly; InfluxDB is asked for the same tags.
  const memory = k.labels ? query.labeledSeries(k.key, k.metric, k.labels, range).flatMap((s) => s.points) : query.series(k.key, k.metric, range).points;
  return history.points({ key: k.key, metric: k.metric, labels: k.labels, range: older }).then((points) =>
    // A range with an older part has a start: the single bucket's timestamp, as in the store.
    aggregatePoints([...points, ...memory], aggregations, { bucketMs: k.bucketMs, startMs: k.startMs! }),
  );
}
