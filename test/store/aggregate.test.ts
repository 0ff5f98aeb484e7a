import { describe, expect, it } from 'vitest';
import { createModelStore } from '../../src/store/modelStore.js';
import type { AggregationBucket, AggregationName } from '../../src/store/types.js';
import { at, batchOf, minute, pod, seededRandom } from './batches.js';

const key = 'namespace:default/pod:a';
const metric = 'cpu/usage_rate';
const everyAggregation: AggregationName[] = ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'];

/** The reference: group points by hand, sort a copy, read InfluxDB's formulas off the sorted list. */
function referenceBucket(timestamp: number, values: number[], wanted: readonly AggregationName[]): AggregationBucket {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const bucket: AggregationBucket = { timestamp, count: n };
  const nearestRank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.floor((n * p) / 100 + 0.5) - 1))]!;
  for (const name of wanted) {
    if (name === 'average') bucket.average = values.reduce((a, b) => a + b, 0) / n;
    if (name === 'max') bucket.maximum = sorted[n - 1]!;
    if (name === 'min') bucket.minimum = sorted[0]!;
    if (name === 'median') bucket.median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
    if (name.endsWith('-perc')) {
      const p = Number(name.slice(0, -'-perc'.length));
      bucket.percentiles = { ...bucket.percentiles, [String(p)]: nearestRank(p) };
    }
  }
  return bucket;
}

function referenceAggregate(points: { timestamp: number; value: number }[], wanted: readonly AggregationName[], bucketMs: number, startMs?: number) {
  if (points.length === 0) return [];
  if (bucketMs === 0) return [referenceBucket(startMs ?? points[0]!.timestamp, points.map((p) => p.value), wanted)];
  const groups = new Map<number, number[]>();
  for (const p of points) {
    const start = p.timestamp - (((p.timestamp % bucketMs) + bucketMs) % bucketMs);
    groups.set(start, [...(groups.get(start) ?? []), p.value]);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([start, values]) => referenceBucket(start, values, wanted));
}

function expectBuckets(actual: AggregationBucket[], expected: AggregationBucket[]) {
  expect(actual.map((b) => ({ ...b, average: undefined }))).toEqual(expected.map((b) => ({ ...b, average: undefined })));
  expected.forEach((b, i) => {
    if (b.average === undefined) expect(actual[i]?.average).toBeUndefined();
    else expect(actual[i]?.average).toBeCloseTo(b.average, 9);
  });
}

describe('aggregations', () => {
  const random = seededRandom(42);
  const store = createModelStore();
  const points: { timestamp: number; value: number }[] = [];
  // 15 batches one minute apart, starting off the bucket grid, with ties and a gap at minute 6.
  for (let m = 0; m < 15; m++) {
    const timestamp = at(m) + 7_000;
    if (m === 6) {
      store.write(batchOf(timestamp, [pod('default', 'other', { [metric]: 1 })]));
      continue;
    }
    const value = m === 4 ? points[1]!.value : Math.round(random() * 1000);
    points.push({ timestamp, value });
    store.write(batchOf(timestamp, [pod('default', 'a', { [metric]: value })]));
  }

  for (const name of everyAggregation) {
    it(`computes ${name} over the whole window as one bucket starting at the first point`, () => {
      const result = store.aggregate(key, metric, [name]);
      expect(result.bucketSizeMs).toBe(0);
      expectBuckets(result.buckets, referenceAggregate(points, [name], 0));
    });
  }

  for (const bucketMinutes of [1, 2, 5, 7]) {
    it(`computes every aggregation in ${bucketMinutes}-minute buckets aligned to the epoch`, () => {
      const bucketMs = bucketMinutes * minute;
      const result = store.aggregate(key, metric, everyAggregation, { bucketMs });
      expect(result.bucketSizeMs).toBe(bucketMs);
      for (const bucket of result.buckets) expect(bucket.timestamp % bucketMs).toBe(0);
      expectBuckets(result.buckets, referenceAggregate(points, everyAggregation, bucketMs));
    });
  }

  it('omits empty buckets', () => {
    const result = store.aggregate(key, metric, ['count'], { bucketMs: minute });
    expect(result.buckets.map((b) => b.timestamp)).not.toContain(at(6));
    expect(result.buckets).toHaveLength(14);
  });

  it('restricts to the inclusive range and stamps a single bucket with the range start', () => {
    const range = { startMs: at(3), endMs: at(9) + 7_000 };
    const inRange = points.filter((p) => p.timestamp >= range.startMs && p.timestamp <= range.endMs);
    const result = store.aggregate(key, metric, everyAggregation, range);
    expectBuckets(result.buckets, referenceAggregate(inRange, everyAggregation, 0, range.startMs));
    expect(result.buckets[0]?.timestamp).toBe(at(3));
    const bucketed = store.aggregate(key, metric, everyAggregation, { ...range, bucketMs: 3 * minute });
    expectBuckets(bucketed.buckets, referenceAggregate(inRange, everyAggregation, 3 * minute));
  });

  it('sets only the requested fields besides count', () => {
    const [bucket] = store.aggregate(key, metric, ['95-perc', 'min']).buckets;
    expect(Object.keys(bucket ?? {}).sort()).toEqual(['count', 'minimum', 'percentiles', 'timestamp']);
    expect(Object.keys(bucket?.percentiles ?? {})).toEqual(['95']);
  });

  it('averages float values without truncating them', () => {
    const floats = createModelStore();
    // A float metric: integer metrics (cpu/usage_rate) are truncated when set.
    const rate = 'network/rx_rate';
    floats.write(batchOf(at(0), [pod('default', 'a', { [rate]: 0.25 })]));
    floats.write(batchOf(at(1), [pod('default', 'a', { [rate]: 0.5 })]));
    expect(floats.aggregate(key, rate, ['average', 'median']).buckets).toEqual([{ timestamp: at(0), count: 2, average: 0.375, median: 0.375 }]);
  });

  it('returns no buckets for an unknown key, metric or empty range', () => {
    expect(store.aggregate('namespace:default/pod:nope', metric, ['count']).buckets).toEqual([]);
    expect(store.aggregate(key, 'memory/usage', ['count']).buckets).toEqual([]);
    expect(store.aggregate(key, metric, ['count'], { startMs: at(100) }).buckets).toEqual([]);
  });

  it('rejects an unknown aggregation and a negative bucket size with coded errors', () => {
    expect(() => store.aggregate(key, metric, ['sum' as AggregationName])).toThrow(
      expect.objectContaining({ code: 'unknown_aggregation', message: 'Unknown aggregation "sum"' }),
    );
    expect(() => store.aggregate(key, metric, ['count'], { bucketMs: -1 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
