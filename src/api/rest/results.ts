/**
 * Heapster's model-API JSON shapes (`metrics/api/v1/types`): `MetricResult`, `MetricResultList`,
 * `MetricAggregationResult` and its list, built from query-service answers.
 *
 * @module
 */
import type { ValueType } from '../../core/types.js';
import type { AggregationResult, LabeledSeries, Point, SeriesResult } from '../query/types.js';
import { formatGoTime, goZeroTime } from './goTime.js';

/** One point of a `MetricResult`. */
export interface MetricPointJson {
  timestamp: string;
  /** Integer part (toward zero); negative values stay negative. */
  value: number;
  /** The exact value, for float metrics only. */
  floatValue?: number;
}

/** Heapster's `MetricResult`. */
export interface MetricResultJson {
  metrics: MetricPointJson[];
  latestTimestamp: string;
}

/** Heapster's `MetricResultList`. */
export interface MetricResultListJson {
  items: MetricResultJson[];
}

/** Points of one value type, in the order they are returned. */
interface TypedPoints {
  valueType: ValueType;
  points: readonly Point[];
}

/** A `MetricResult` from the points of one series (empty: no points, zero latest timestamp). */
export function metricResult({ valueType, points }: TypedPoints): MetricResultJson {
  let latest = -Infinity;
  const metrics = points.map((p): MetricPointJson => {
    if (p.timestamp > latest) latest = p.timestamp;
    const point: MetricPointJson = { timestamp: formatGoTime(p.timestamp), value: Math.trunc(p.value) };
    if (valueType === 'float') point.floatValue = p.value;
    return point;
  });
  return { metrics, latestTimestamp: metrics.length === 0 ? goZeroTime : formatGoTime(latest) };
}

/** A `MetricResult` from an unlabeled series. */
export function seriesResult(series: SeriesResult): MetricResultJson {
  return metricResult(series);
}

/**
 * A `MetricResult` from every label set matching a `labels` query: points in time order, points
 * of one batch in label-set order (Heapster returned one point per matching labeled metric).
 */
export function labeledResult(series: readonly LabeledSeries[]): MetricResultJson {
  const merged = series
    .flatMap((s, order) => s.points.map((p) => ({ ...p, order, float: s.valueType === 'float' })))
    .sort((a, b) => a.timestamp - b.timestamp || a.order - b.order);
  const result = metricResult({ valueType: 'int64', points: merged });
  merged.forEach((p, i) => {
    if (p.float) result.metrics[i]!.floatValue = p.value;
  });
  return result;
}

/** Heapster's `MetricValue`: exactly one of the two. */
export type MetricValueJson = { intValue: number } | { floatValue: number };

/** One bucket of a `MetricAggregationResult`. */
export interface AggregationBucketJson {
  timestamp: string;
  count?: number;
  average?: MetricValueJson;
  maximum?: MetricValueJson;
  minimum?: MetricValueJson;
  median?: MetricValueJson;
  percentiles?: Record<string, MetricValueJson>;
}

/** Heapster's `MetricAggregationResult`; `bucketSize` in nanoseconds. */
export interface AggregationResultJson {
  buckets: AggregationBucketJson[];
  bucketSize: number;
}

/** Heapster's `MetricAggregationResultList`. */
export interface AggregationResultListJson {
  items: AggregationResultJson[];
}

type ValueColumn = 'average' | 'maximum' | 'minimum' | 'median';
const valueColumns: readonly ValueColumn[] = ['average', 'maximum', 'minimum', 'median'];

/**
 * A `MetricAggregationResult`. As Heapster read InfluxDB's answer, a column is `intValue`
 * throughout when every bucket's value of it is an integer, else `floatValue` throughout;
 * `count` appears only when asked for. `bucketSize` is the bucket size when there are buckets.
 */
export function aggregationResult(result: AggregationResult, countRequested: boolean): AggregationResultJson {
  const { buckets } = result;
  const integral = (values: Array<number | undefined>) => values.every((v) => v === undefined || Number.isInteger(v));
  const asValue = (v: number, asInt: boolean): MetricValueJson => (asInt ? { intValue: v } : { floatValue: v });
  const columnInt = new Map<string, boolean>();
  for (const column of valueColumns) columnInt.set(column, integral(buckets.map((b) => b[column])));
  const percentileKeys = [...new Set(buckets.flatMap((b) => Object.keys(b.percentiles ?? {})))];
  for (const key of percentileKeys) columnInt.set(`p${key}`, integral(buckets.map((b) => b.percentiles?.[key])));

  return {
    buckets: buckets.map((b) => {
      const json: AggregationBucketJson = { timestamp: formatGoTime(b.timestamp) };
      if (countRequested) json.count = b.count;
      for (const column of valueColumns) {
        const v = b[column];
        if (v !== undefined) json[column] = asValue(v, columnInt.get(column)!);
      }
      const percentiles = Object.entries(b.percentiles ?? {});
      if (percentiles.length > 0) {
        json.percentiles = Object.fromEntries(percentiles.map(([k, v]) => [k, asValue(v, columnInt.get(`p${k}`)!)]));
      }
      return json;
    }),
    bucketSize: buckets.length === 0 ? 0 : result.bucketSizeMs * 1e6,
  };
}
