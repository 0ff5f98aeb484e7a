/**
 * Summing chosen metrics from one set into another, as Heapster's `aggregate` helper did: a
 * metric missing on the source is not added, the first value is copied, later values are added
 * (integers stay integers). The metrics are named once and then read and written by catalogue
 * column. Heapster failed on an int/float mix of one metric; here a value's type is its metric's
 * (`core/metricValues.ts`), so a mix cannot occur.
 *
 * @module
 */
import { requireMetricColumn } from '../core/metricValues.js';
import type { MetricSet } from '../core/types.js';

/** The catalogue columns of `metrics`, looked up once for {@link sumMetrics}. */
export function metricColumns(metrics: readonly string[]): readonly number[] {
  return metrics.map(requireMetricColumn);
}

/** Adds each metric of `columns` ({@link metricColumns}) present on `source` into `target`. */
export function sumMetrics(source: MetricSet, target: MetricSet, columns: readonly number[]): void {
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i]!;
    const value = source.metricValues.getColumn(column);
    if (value === undefined) continue;
    const total = target.metricValues.getColumn(column);
    target.metricValues.setColumn(column, total === undefined ? value : total + value);
  }
}
