/**
 * The historical routes' own parameter rules: `start` mandatory (Go's zero time counts as
 * missing), exclusive bounds kept at millisecond resolution, InfluxDB's time range as a clamp,
 * and labels InfluxQL cannot quote refused.
 */
import { describe, expect, it } from 'vitest';
import { RestError } from '../../../src/api/rest/errors.js';
import { influxMaxMs, influxMinMs, parseHistoricalLabels, parseHistoricalRange } from '../../../src/api/rest/historicalParams.js';

const nowMs = Date.UTC(2024, 4, 3, 7, 0, 0);
const range = (query: string) => parseHistoricalRange(new URLSearchParams(query), nowMs);
const failure = (run: () => unknown): [string, number] => {
  try {
    run();
  } catch (error) {
    if (error instanceof RestError) return [error.message, error.status];
    throw error;
  }
  throw new Error('accepted');
};

describe('parseHistoricalRange', () => {
  it.each([
    ['start=2024-05-03T06:00:00Z', { startMs: Date.UTC(2024, 4, 3, 6), endMs: nowMs }],
    ['start=2024-05-03T06:00:00Z&end=2024-05-03T06:03:00Z', { startMs: Date.UTC(2024, 4, 3, 6), endMs: Date.UTC(2024, 4, 3, 6, 3) }],
    ['start=2024-05-03T08:00:00%2B02:00&end=', { startMs: Date.UTC(2024, 4, 3, 6), endMs: nowMs }],
    // time > 06:00:00.0005 keeps the point at .001 and not the one at .000: so does time > .000
    ['start=2024-05-03T06:00:00.0005Z', { startMs: Date.UTC(2024, 4, 3, 6), endMs: nowMs }],
    // time < 06:03:00.0000001 keeps the point at 06:03:00: so does time < 06:03:00.001
    ['start=2024-05-03T06:00:00Z&end=2024-05-03T06:03:00.0000001Z', { startMs: Date.UTC(2024, 4, 3, 6), endMs: Date.UTC(2024, 4, 3, 6, 3) + 1 }],
    ['start=0001-01-01T00:00:00.000000001Z&end=9999-12-31T23:59:59Z', { startMs: influxMinMs, endMs: influxMaxMs }],
    ['start=1600-01-01T00:00:00Z&end=1650-01-01T00:00:00Z', { startMs: influxMinMs, endMs: influxMinMs }],
  ])('reads %s as exclusive bounds', (query, expected) => {
    expect(range(query)).toEqual(expected);
  });

  it('keeps the clamp inside what InfluxDB 1.x accepts as a time literal', () => {
    expect(new Date(influxMinMs).toISOString()).toBe('1677-09-21T00:12:43.146Z');
    expect(new Date(influxMaxMs).toISOString()).toBe('2262-04-11T23:47:16.854Z');
  });

  it.each([
    ['', 'no start time (or a start time of zero) provided'],
    ['end=2024-05-03T06:00:00Z', 'no start time (or a start time of zero) provided'],
    ['start=', 'no start time (or a start time of zero) provided'],
    ['start=0001-01-01T00:00:00Z', 'no start time (or a start time of zero) provided'],
    ['start=0001-01-01T01:00:00%2B01:00', 'no start time (or a start time of zero) provided'],
    ['start=yesterday', 'timestamp argument cannot be parsed: parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
    // Both bounds are parsed before the start is required, as Heapster did.
    ['end=soon', 'timestamp argument cannot be parsed: parsing time "soon" as "2006-01-02T15:04:05Z07:00": cannot parse "soon" as "2006"'],
    ['start=2024-05-03T06:00:00Z&end=2024-13-01T00:00:00Z', 'timestamp argument cannot be parsed: parsing time "2024-13-01T00:00:00Z": month out of range'],
  ])('refuses %j with a 400: %s', (query, message) => {
    expect(failure(() => range(query))).toEqual([message, 400]);
  });
});

describe('parseHistoricalLabels', () => {
  it('reads label pairs as the model routes do', () => {
    expect(parseHistoricalLabels(new URLSearchParams('labels=resource_id:/dev/sda1,other:v2.3:4'))).toEqual({ resource_id: '/dev/sda1', other: 'v2.3:4' });
    expect(parseHistoricalLabels(new URLSearchParams(''))).toBeUndefined();
  });

  it.each([
    ['labels=resource_id', 'invalid label pair "resource_id"'],
    ['labels=a:b,c:', 'invalid label pair "c:"'],
    ['labels=resource_id:C:%5Cdata', 'Invalid label value "C:\\\\data"'],
  ])('refuses %s with a 400: %s', (query, message) => {
    expect(failure(() => parseHistoricalLabels(new URLSearchParams(query)))).toEqual([message, 400]);
  });
});
