/**
 * Lets tests compare a set's values with `toEqual`: a {@link MetricValues} equals another, or a
 * `Map` of name → number, when both hold the same names with the same numbers; a
 * {@link LabeledValues} equals another, or an array of `{ name, labels, value }`, when both hold
 * the same metrics in any order (rows are grouped by label set, not kept in insertion order).
 * Without this, `toEqual` would compare the shared slab rows the values live in. A metric set
 * compares as the plain object of its labels, values and times (its times are accessors over its
 * row, not own properties), its values as a `Map` (a set is its own `metricValues`). A batch's
 * {@link ShardedMap} equals a `Map` with the same entries (vitest would otherwise tell the two
 * apart by their constructors).
 */
import { expect } from 'vitest';
import { LabeledValues } from '../../src/core/labeledValues.js';
import { MetricValues } from '../../src/core/metricValues.js';
import { ShardedMap } from '../../src/core/shardedMap.js';
import { createMetricSet, type LabeledMetric, type MetricSet } from '../../src/core/types.js';

const setPrototype: object = Object.getPrototypeOf(createMetricSet({}));
const isRowSet = (value: unknown): value is MetricSet =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === setPrototype;

function asMap(value: unknown): Map<string, number> | undefined {
  if (value instanceof MetricValues) return new Map(value.entries());
  if (value instanceof Map) return value as Map<string, number>;
  return undefined;
}

expect.addEqualityTesters([
  function metricValuesEqual(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof MetricValues) && !(b instanceof MetricValues)) return undefined;
    // A set is its own values (core/types.ts): compared as a set below.
    if (isRowSet(a) || isRowSet(b)) return undefined;
    const left = asMap(a);
    const right = asMap(b);
    if (left === undefined || right === undefined) return false;
    if (left.size !== right.size) return false;
    for (const [name, value] of left) if (!right.has(name) || !Object.is(right.get(name), value)) return false;
    return true;
  },
]);

function labeledList(value: unknown): LabeledMetric[] | undefined {
  if (value instanceof LabeledValues) return value.toArray();
  if (Array.isArray(value)) return value as LabeledMetric[];
  return undefined;
}

const canonical = (metric: LabeledMetric): string =>
  JSON.stringify([metric.name, Object.entries(metric.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)), Object.is(metric.value, -0) ? '-0' : metric.value]);

expect.addEqualityTesters([
  function labeledValuesEqual(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof LabeledValues) && !(b instanceof LabeledValues)) return undefined;
    const left = labeledList(a);
    const right = labeledList(b);
    if (left === undefined || right === undefined || left.length !== right.length) return false;
    const sorted = (list: LabeledMetric[]) => list.map(canonical).sort();
    const [l, r] = [sorted(left), sorted(right)];
    return l.every((item, i) => item === r[i]);
  },
]);

const plainSet = ({ labels, metricValues, labeledMetrics, collectionStartTime, scrapeTime, entityCreateTime }: MetricSet) => ({
  labels,
  metricValues: new Map(metricValues.entries()),
  labeledMetrics,
  collectionStartTime,
  scrapeTime,
  entityCreateTime,
});

expect.addEqualityTesters([
  function metricSetEqual(a: unknown, b: unknown, customTesters): boolean | undefined {
    if (!isRowSet(a) && !isRowSet(b)) return undefined;
    // Through the caller's testers, so toMatchObject still compares a subset.
    return this.equals(isRowSet(a) ? plainSet(a) : a, isRowSet(b) ? plainSet(b) : b, customTesters);
  },
]);

expect.addEqualityTesters([
  function shardedMapEqual(a: unknown, b: unknown, customTesters): boolean | undefined {
    if (!(a instanceof ShardedMap) && !(b instanceof ShardedMap)) return undefined;
    const plain = (value: unknown) => (value instanceof ShardedMap ? new Map(value) : value);
    return this.equals(plain(a), plain(b), customTesters);
  },
]);
