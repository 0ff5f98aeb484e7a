/**
 * Where memory's answer starts, and the part of an inclusive GraphQL range InfluxDB is asked for
 * (exclusive bounds, clamped to InfluxDB's time range), as pure functions.
 */
import { describe, expect, it } from 'vitest';
import { memoryStartMs, olderPartOf } from '../../../src/api/graphql/history.js';
import { createQueryService } from '../../../src/api/query/service.js';
import { influxMaxMs, influxMinMs } from '../../../src/api/rest/historicalParams.js';
import { createModelStore } from '../../../src/store/modelStore.js';

const t0 = Date.UTC(2024, 4, 3, 6, 0, 0);

function queryOver(timestamps: number[], retentionMs: number) {
  const store = createModelStore({ retentionMs });
  for (const timestamp of timestamps) store.write({ timestamp, metricSets: new Map() });
  return createQueryService({ model: store });
}

describe('memoryStartMs', () => {
  it('is unbounded when memory holds no batch', () => {
    expect(memoryStartMs(queryOver([], 60_000), 1_000)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is the oldest batch while memory has run less than a whole retention', () => {
    expect(memoryStartMs(queryOver([t0, t0 + 1_000, t0 + 2_000], 10_000), 1_000)).toBe(t0);
  });

  it('is newest − retention + 1 ms once the batch before the oldest would have been evicted', () => {
    const timestamps = Array.from({ length: 12 }, (_, i) => t0 + i * 1_000);
    const query = queryOver(timestamps, 5_000);
    expect(query.timestamps()).toEqual(timestamps.slice(7));
    expect(memoryStartMs(query, 1_000)).toBe(t0 + 11_000 - 5_000 + 1);
    // A batch missing right after the oldest changes nothing: the one before it would still be gone.
    expect(memoryStartMs(queryOver([...timestamps.slice(0, 8), ...timestamps.slice(9)], 5_000), 1_000)).toBe(t0 + 6_001);
  });
});

describe('olderPartOf', () => {
  const boundary = t0 + 10_000;

  it.each([
    ['a range without a start', {}, undefined],
    ['a range with only an end', { endMs: t0 }, undefined],
    ['a range starting at memory\'s start', { startMs: boundary }, undefined],
    ['a range starting after it', { startMs: boundary + 5 }, undefined],
  ])('asks nothing of InfluxDB for %s', (_, range, expected) => {
    expect(olderPartOf(range, boundary)).toEqual(expected);
  });

  it.each([
    ['an open end', { startMs: t0 }, { startMs: t0 - 1, endMs: boundary }],
    ['an end inside memory', { startMs: t0, endMs: boundary + 3_000 }, { startMs: t0 - 1, endMs: boundary }],
    ['an end before memory (kept: end + 1 ms)', { startMs: t0, endMs: t0 + 4_000 }, { startMs: t0 - 1, endMs: t0 + 4_001 }],
    ['a single instant', { startMs: t0, endMs: t0 }, { startMs: t0 - 1, endMs: t0 + 1 }],
    ['the last millisecond before memory', { startMs: boundary - 1 }, { startMs: boundary - 2, endMs: boundary }],
  ])('turns %s into exclusive bounds ending at memory', (_, range, expected) => {
    expect(olderPartOf(range, boundary)).toEqual(expected);
  });

  it('clamps bounds to InfluxDB\'s 1677–2262 and asks nothing for a range wholly beyond it', () => {
    expect(olderPartOf({ startMs: -8.64e15 }, boundary)).toEqual({ startMs: influxMinMs, endMs: boundary });
    expect(olderPartOf({ startMs: t0 }, Number.POSITIVE_INFINITY)).toEqual({ startMs: t0 - 1, endMs: influxMaxMs });
    expect(olderPartOf({ startMs: 8e15, endMs: 8.6e15 }, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(olderPartOf({ startMs: -8.64e15, endMs: -8e15 }, boundary)).toBeUndefined();
  });
});
