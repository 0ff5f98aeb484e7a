/**
 * The read path: series, label-matched series, metric names and aggregations over a state.
 * Reads are synchronous and see either all of a batch or none of it (writes are synchronous).
 *
 * @module
 */
import { rowOf, valueAt, type Column } from './column.js';
import { StoreError, describeReceived } from './errors.js';
import type { StoreState } from './state.js';
import { metricTypesOf } from '../core/metrics.js';
import { aggregateSamples, validateAggregations } from './stats.js';
import type { AggregateOptions, AggregationName, AggregationResult, LabeledSeries, Point, SeriesResult, TimeRange } from './types.js';

/** Inclusive numeric bounds of a range; throws `invalid_range` for a bound that is not a number. */
export function boundsOf(range: TimeRange | undefined): [startMs: number, endMs: number] {
  const check = (value: unknown, field: string, absent: number): number => {
    if (value === undefined) return absent;
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new StoreError('invalid_range', `${field} must be a number of ms, received ${describeReceived(value)}`, {
        field,
        received: describeReceived(value),
      });
    }
    return value;
  };
  return [check(range?.startMs, 'startMs', -Infinity), check(range?.endMs, 'endMs', Infinity)];
}

/** Passes each value of one row within the bounds to `sink`, oldest first. */
function collectRow(
  state: StoreState,
  column: Column,
  row: number,
  [startMs, endMs]: [number, number],
  sink: (timestampMs: number, value: number) => void,
): void {
  const { times, slots } = state.timeline;
  const [from, to] = state.timeline.range(startMs, endMs);
  for (let i = from; i < to; i++) {
    const value = valueAt(column, slots[i]!, row);
    if (value === value) sink(times[i]!, value);
  }
}

function pointsOf(state: StoreState, column: Column, row: number, bounds: [number, number]): Point[] {
  const points: Point[] = [];
  collectRow(state, column, row, bounds, (timestamp, value) => points.push({ timestamp, value }));
  return points;
}

/** An unlabeled series; empty points for unknown keys or metrics. */
export function readSeries(state: StoreState, key: string, metric: string, range?: TimeRange): SeriesResult {
  const bounds = boundsOf(range);
  const column = state.columns.get(metric);
  if (!column) return { ...metricTypesOf(metric), points: [] };
  const types = { metricType: column.metricType, valueType: column.valueType };
  const entity = state.entities.idOf(key);
  const row = entity < 0 ? -1 : rowOf(column, entity);
  return { ...types, points: row < 0 ? [] : pointsOf(state, column, row, bounds) };
}

/** Rows of `entity` in a labeled column whose label set passes the match rule (every set when `labels` is undefined). */
function matchingRows(state: StoreState, column: Column, entity: number, labels: Readonly<Record<string, string>> | undefined): number[] {
  const rows: number[] = [];
  for (let row = rowOf(column, entity); row >= 0; row = column.next[row]!) {
    if (labels === undefined || state.labelSets.matches(column.rowLabelSet[row]!, labels)) rows.push(row);
  }
  return rows;
}

/** Series of a labeled metric with at least one point in range, sorted by label set. */
export function readLabeledSeries(
  state: StoreState,
  key: string,
  metric: string,
  labels: Readonly<Record<string, string>> | undefined,
  range?: TimeRange,
): LabeledSeries[] {
  const bounds = boundsOf(range);
  const column = state.labeledColumns.get(metric);
  const entity = state.entities.idOf(key);
  if (!column || entity < 0) return [];
  const { labelSets } = state;
  const rows = matchingRows(state, column, entity, labels);
  rows.sort((a, b) => (labelSets.sortKey(column.rowLabelSet[a]!) < labelSets.sortKey(column.rowLabelSet[b]!) ? -1 : 1));
  const result: LabeledSeries[] = [];
  for (const row of rows) {
    const points = pointsOf(state, column, row, bounds);
    if (points.length === 0) continue;
    const labelSet = labelSets.labels(column.rowLabelSet[row]!);
    result.push({ labels: labelSet, metricType: column.metricType, valueType: column.valueType, points });
  }
  return result;
}

/** The newest point of an unlabeled series. */
export function readLatest(state: StoreState, key: string, metric: string): Point | undefined {
  const column = state.columns.get(metric);
  const entity = state.entities.idOf(key);
  if (!column || entity < 0) return undefined;
  const row = rowOf(column, entity);
  if (row < 0) return undefined;
  const { times, slots } = state.timeline;
  for (let i = times.length - 1; i >= 0; i--) {
    const value = valueAt(column, slots[i]!, row);
    if (value === value) return { timestamp: times[i]!, value };
  }
  return undefined;
}

function hasValue(state: StoreState, column: Column, row: number): boolean {
  for (const slot of state.timeline.slots) {
    const value = valueAt(column, slot, row);
    if (value === value) return true;
  }
  return false;
}

/** Metric names of `key` (unlabeled or labeled) with at least one point in retention, sorted. */
export function readMetricNames(state: StoreState, key: string, labeled: boolean): string[] {
  const entity = state.entities.idOf(key);
  if (entity < 0) return [];
  const names: string[] = [];
  for (const [name, column] of labeled ? state.labeledColumns : state.columns) {
    for (let row = rowOf(column, entity); row >= 0; row = labeled ? column.next[row]! : -1) {
      if (hasValue(state, column, row)) {
        names.push(name);
        break;
      }
    }
  }
  return names.sort();
}

/** Aggregates one unlabeled series, or the pooled label sets matching `options.labels`. */
export function readAggregate(
  state: StoreState,
  key: string,
  metric: string,
  aggregations: readonly AggregationName[],
  options: AggregateOptions = {},
): AggregationResult {
  validateAggregations(aggregations);
  const bounds = boundsOf(options);
  const timestamps: number[] = [];
  const values: number[] = [];
  const sink = (timestampMs: number, value: number): void => {
    timestamps.push(timestampMs);
    values.push(value);
  };
  const entity = state.entities.idOf(key);
  if (entity >= 0 && options.labels !== undefined) {
    const column = state.labeledColumns.get(metric);
    if (column) for (const row of matchingRows(state, column, entity, options.labels)) collectRow(state, column, row, bounds, sink);
  } else if (entity >= 0) {
    const column = state.columns.get(metric);
    const row = column ? rowOf(column, entity) : -1;
    if (column && row >= 0) collectRow(state, column, row, bounds, sink);
  }
  const bucketOptions = options.startMs === undefined ? { bucketMs: options.bucketMs ?? 0 } : { bucketMs: options.bucketMs ?? 0, startMs: options.startMs };
  return aggregateSamples(timestamps, values, aggregations, bucketOptions);
}
