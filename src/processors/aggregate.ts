/**
 * Summing named metrics from one set into another, as Heapster's `aggregate` helper did:
 * a metric missing on the source is not added, the first value is copied, later values are
 * added (integers stay integers). Heapster failed on an int/float mix of one metric; here a
 * value's type is its metric's (`core/metricValues.ts`), so a mix cannot occur.
 *
 * @module
 */
import type { MetricSet } from '../core/types.js';

/** Adds each of `metrics` present on `source` into `target`. */
export function sumMetrics(source: MetricSet, target: MetricSet, metrics: readonly string[]): void {
  for (const metric of metrics) {
    const value = source.metricValues.get(metric);
    if (value === undefined) continue;
    const total = target.metricValues.get(metric);
    target.metricValues.set(metric, total === undefined ? value : total + value);
  }
}
