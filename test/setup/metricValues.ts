/**
 * Lets tests compare a set's values with `toEqual`: a {@link MetricValues} equals another, or a
 * `Map` of name → number, when both hold the same names with the same numbers. Without this,
 * `toEqual` would compare the shared slab rows the values live in.
 */
import { expect } from 'vitest';
import { MetricValues } from '../../src/core/metricValues.js';

function asMap(value: unknown): Map<string, number> | undefined {
  if (value instanceof MetricValues) return new Map(value.entries());
  if (value instanceof Map) return value as Map<string, number>;
  return undefined;
}

expect.addEqualityTesters([
  function metricValuesEqual(a: unknown, b: unknown): boolean | undefined {
    if (!(a instanceof MetricValues) && !(b instanceof MetricValues)) return undefined;
    const left = asMap(a);
    const right = asMap(b);
    if (left === undefined || right === undefined) return false;
    if (left.size !== right.size) return false;
    for (const [name, value] of left) if (!right.has(name) || !Object.is(right.get(name), value)) return false;
    return true;
  },
]);
