import { describe, expect, it } from 'vitest';
import {
  aggregatePoints,
  aggregationNames,
  isAggregationName,
  mean,
  medianOfSorted,
  percentileOfSorted,
  summarize,
} from '../../src/store/stats.js';

const oneToTen = Array.from({ length: 10 }, (_, i) => i + 1);

describe('statistics', () => {
  it('takes the middle value as the median of an odd count and the mean of the two middle values for an even count', () => {
    expect(medianOfSorted([1, 2, 9])).toBe(2);
    expect(medianOfSorted(oneToTen)).toBe(5.5);
    expect(medianOfSorted([])).toBeNaN();
  });

  it('picks the nearest-rank percentile as InfluxDB does', () => {
    // n = 10: p50 → floor(5.5) − 1 = index 4; p95 → floor(10) − 1 = 9; p99 → floor(10.4) − 1 = 9.
    expect(percentileOfSorted(oneToTen, 50)).toBe(5);
    expect(percentileOfSorted(oneToTen, 95)).toBe(10);
    expect(percentileOfSorted(oneToTen, 99)).toBe(10);
    // n = 3: p50 → floor(2) − 1 = index 1.
    expect(percentileOfSorted([10, 20, 30], 50)).toBe(20);
  });

  it('clamps the percentile rank to the values for tiny counts', () => {
    expect(percentileOfSorted([7], 1)).toBe(7);
    expect(percentileOfSorted([7, 8], 0)).toBe(7);
    expect(percentileOfSorted([7, 8], 100)).toBe(8);
  });

  it('averages as the arithmetic mean', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(mean([])).toBeNaN();
  });

  it('summarises unsorted values without requiring the caller to sort', () => {
    expect(summarize(5, [9, 1, 5, 3], ['median', 'max', 'min', '50-perc', 'count'])).toEqual({
      timestamp: 5,
      count: 4,
      median: 4,
      maximum: 9,
      minimum: 1,
      percentiles: { '50': 3 },
    });
  });

  it('aggregates plain points into epoch-aligned buckets', () => {
    const points = [0, 10, 25, 31, 39].map((s) => ({ timestamp: 1_000_000 + s * 1000, value: s }));
    const result = aggregatePoints(points, ['count', 'max'], { bucketMs: 20_000 });
    expect(result).toEqual({
      bucketSizeMs: 20_000,
      buckets: [
        { timestamp: 1_000_000, count: 2, maximum: 10 },
        { timestamp: 1_020_000, count: 3, maximum: 39 },
      ],
    });
  });

  it('recognises exactly Heapster\'s aggregation names', () => {
    expect(aggregationNames).toEqual(['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc']);
    expect(isAggregationName('95-perc')).toBe(true);
    expect(isAggregationName('90-perc')).toBe(false);
  });
});
