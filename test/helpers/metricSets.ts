/**
 * Copies of metric sets for tests that change one copy's values. A set's times are accessors
 * over its row (`core/types.ts`), so a spread (`{ ...set }`) would drop them, and
 * `structuredClone` would drop the value classes.
 */
import { createMetricSet, type MetricSet } from '../../src/core/types.js';

/** A new set with `set`'s labels and times and each value `change(value)` (default: the same). */
export function copyMetricSet(set: MetricSet, change: (value: number) => number = (value) => value): MetricSet {
  const copy = createMetricSet(set.labels, { collectionStartTime: set.collectionStartTime, scrapeTime: set.scrapeTime });
  copy.entityCreateTime = set.entityCreateTime;
  set.metricValues.forEach((value, name) => copy.metricValues.set(name, change(value)));
  set.labeledMetrics.forEach((value, name, labels) => copy.labeledMetrics.add(name, labels, change(value)));
  return copy;
}
