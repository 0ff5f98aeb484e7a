/**
 * Summing named metrics from one set into another, as Heapster's `aggregate` helper did:
 * a metric missing on the source is not added, the first value is copied, later values of
 * the same value type are added (integers stay integers).
 *
 * @module
 */
import type { MetricSet } from '../core/types.js';

/**
 * Adds each of `metrics` present on `source` into `target`. Returns the names whose value type
 * differs between the two (left unsummed); what to do about them is the caller's rule.
 */
export function sumMetrics(source: MetricSet, target: MetricSet, metrics: readonly string[]): string[] {
  const mismatched: string[] = [];
  for (const metric of metrics) {
    const value = source.metricValues.get(metric);
    if (value === undefined) continue;
    const total = target.metricValues.get(metric);
    if (total === undefined) {
      // A copy: the target's total is mutated later and must not alias the source's value.
      target.metricValues.set(metric, { ...value });
    } else if (total.valueType !== value.valueType) {
      mismatched.push(metric);
    } else {
      total.value += value.value;
    }
  }
  return mismatched;
}
