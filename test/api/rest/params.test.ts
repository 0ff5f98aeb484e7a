import { describe, expect, it } from 'vitest';
import { RestError } from '../../../src/api/rest/errors.js';
import { canonicalMetricName, parseAggregations, parseBucket, parseLabels, parseTimeRange } from '../../../src/api/rest/params.js';
import { createRouter, type Route } from '../../../src/api/rest/router.js';

const q = (text: string) => new URLSearchParams(text);

function failure(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof RestError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a RestError');
}

describe('REST parameters', () => {
  it('maps the five deprecated aliases and keeps every other name', () => {
    expect(['cpu-usage', 'cpu-limit', 'memory-limit', 'memory-usage', 'memory-working'].map(canonicalMetricName)).toEqual([
      'cpu/usage_rate',
      'cpu/limit',
      'memory/limit',
      'memory/usage',
      'memory/working_set',
    ]);
    expect(canonicalMetricName('custom/cpu-usage')).toBe('custom/cpu-usage');
  });

  it('treats a missing start as unbounded and a missing end as now, inclusive', () => {
    expect(parseTimeRange(q(''), 5_000)).toEqual({ endMs: 5_000 });
    expect(parseTimeRange(q('start=2016-09-14T10:00:00Z&end=2016-09-14T11:00:00Z'), 0)).toEqual({
      startMs: Date.UTC(2016, 8, 14, 10),
      endMs: Date.UTC(2016, 8, 14, 11),
    });
    // A bound inside a millisecond excludes nothing beyond it.
    expect(parseTimeRange(q('start=2016-09-14T10:00:00.0000001Z&end=2016-09-14T10:00:00.0019Z'), 0)).toEqual({
      startMs: Date.UTC(2016, 8, 14, 10) + 1,
      endMs: Date.UTC(2016, 8, 14, 10) + 1,
    });
  });

  it('rejects a bad time with Heapster\'s prefix and Go\'s text', () => {
    expect(failure(() => parseTimeRange(q('end=now'), 0))).toEqual({
      code: 'invalid_time',
      message: 'timestamp argument cannot be parsed: parsing time "now" as "2006-01-02T15:04:05Z07:00": cannot parse "now" as "2006"',
    });
    // An unencoded `+` is a space in a query string.
    expect(failure(() => parseTimeRange(q('start=2016-09-14T10:00:00+01:00'), 0)).message).toContain('cannot parse " 01:00" as "Z07:00"');
  });

  it('splits label pairs on the first colon', () => {
    expect(parseLabels(q(''))).toBeUndefined();
    expect(parseLabels(q('labels=resource_id:/,otherlbl:v2.3:4'))).toEqual({ resource_id: '/', otherlbl: 'v2.3:4' });
  });

  it.each([['abc:'], [':abc'], ['abc'], ['a:b,']])('rejects the label pair list %s', (labels) => {
    const bad = labels.split(',').find((p) => !/^[^:]+:.+$/.test(p))!;
    expect(failure(() => parseLabels(q(`labels=${encodeURIComponent(labels)}`)))).toEqual({ code: 'invalid_labels', message: `invalid label pair "${bad}"` });
  });

  it.each([
    ['', 0],
    ['20s', 20_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['250ms', 250],
    ['0s', 0],
  ])('reads the bucket %s', (bucket, ms) => {
    expect(parseBucket(q(`bucket=${bucket}`))).toBe(ms);
  });

  it.each([
    ['s', 'unable to parse bucket size: "s" is too short to be a duration'],
    ['10x', 'unable to parse bucket size: "10x" has no known duration suffix'],
    ['1.5s', 'strconv.ParseUint: parsing "1.5": invalid syntax'],
    ['-5m', 'strconv.ParseUint: parsing "-5": invalid syntax'],
    ['ms', 'strconv.ParseUint: parsing "m": invalid syntax'],
    ['99999999999999999999s', 'strconv.ParseUint: parsing "99999999999999999999": value out of range'],
    ['999999999d', 'unable to parse bucket size: "999999999d" is too large'],
  ])('rejects the bucket %s', (bucket, message) => {
    expect(failure(() => parseBucket(q(`bucket=${bucket}`)))).toEqual({ code: 'invalid_bucket', message });
  });

  it('reads aggregation lists and names the first unknown one', () => {
    expect(parseAggregations('average,max,min,median,count,50-perc,95-perc,99-perc')).toHaveLength(8);
    expect(failure(() => parseAggregations('max,mean,sum'))).toEqual({ code: 'unknown_aggregation', message: 'Unknown aggregation "mean"' });
    expect(failure(() => parseAggregations(''))).toEqual({ code: 'unknown_aggregation', message: 'Unknown aggregation ""' });
  });
});

describe('the router', () => {
  const route = (pattern: string): Route => ({ pattern, handler: pattern, produces: 'json', answer: () => ({ status: 200, contentType: 'text/plain', body: '' }) });
  const router = createRouter([
    route('/m/metrics'),
    route('/m/metrics/{metric-name:*}'),
    route('/m/nodes/{node}/metrics'),
    route('/m/x/{rest:*}'),
    route('/m/x/known'),
  ]);

  it('makes the trailing slash optional and captures the wildcard tail with its slashes', () => {
    expect(router.match('/m/metrics/')?.route.pattern).toBe('/m/metrics');
    expect(router.match('/m/metrics')?.route.pattern).toBe('/m/metrics');
    expect(router.match('/m/metrics/cpu/usage_rate/')?.params).toEqual({ 'metric-name': 'cpu/usage_rate' });
    expect(router.match('/m/nodes/n1/metrics/')?.params).toEqual({ node: 'n1' });
  });

  it('prefers literal segments over parameters and matches nothing else', () => {
    expect(router.match('/m/x/known')?.route.pattern).toBe('/m/x/known');
    expect(router.match('/m/x/other/deeper')?.params).toEqual({ rest: 'other/deeper' });
    expect(router.match('/m/x')).toBeUndefined();
    expect(router.match('/m/nodes/n1')).toBeUndefined();
    expect(router.match('/')).toBeUndefined();
  });
});
