/**
 * How values reach the JSON, on a small store written here: integer `value` truncated toward
 * zero with negatives kept negative, `floatValue` on float metrics, and the aggregation rule
 * "a column is integers only if every bucket's value of it is an integer".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatGoTime } from '../../../src/api/rest/goTime.js';
import { createMetricSet, type DataBatch } from '../../../src/core/types.js';
import { startFixtureApi, type FixtureApi } from './fixtureApi.js';

// Before the fixture clock (2022-12-27T23:35:30Z), which is the default end.
const t0 = Date.parse('2022-12-27T23:30:00Z');
const step = 10_000;
const temperatures = [-3.7, 2.5, -0.2, 41.9];
const queue = [1, 3, 2, 5];

function batches(): DataBatch[] {
  return temperatures.map((temperature, i) => {
    const pod = createMetricSet({ type: 'pod', namespace_name: 'lab', pod_name: 'probe' });
    pod.metricValues.set('custom/temperature', temperature);
    pod.metricValues.set('custom/queue', queue[i]!);
    // Custom metrics are floats; negative integers need an integer metric (typed by its name).
    pod.metricValues.set('cpu/usage_rate', -1 - i);
    return { timestamp: t0 + i * step, metricSets: new Map([['namespace:lab/pod:probe', pod]]) };
  });
}

describe('values in the model API', () => {
  let api: FixtureApi;
  const base = '/api/v1/model/namespaces/lab/pods/probe';
  beforeAll(async () => {
    api = await startFixtureApi({ batches: batches() });
  });
  afterAll(async () => api.close());

  it('truncates floats toward zero in value, keeps negatives negative, and adds floatValue', async () => {
    expect((await api.get(`${base}/metrics/custom/temperature`)).json()).toEqual({
      metrics: temperatures.map((v, i) => ({ timestamp: formatGoTime(t0 + i * step), value: Math.trunc(v) === 0 ? 0 : Math.trunc(v), floatValue: v })),
      latestTimestamp: formatGoTime(t0 + 3 * step),
    });
  });

  it('keeps negative integers as they are, where Heapster wrapped them to 2^64 − n', async () => {
    const body = (await api.get(`${base}/metrics/cpu/usage_rate`)).json();
    expect(body.metrics.map((p: { value: number }) => p.value)).toEqual([-1, -2, -3, -4]);
    expect(body.metrics[0].floatValue).toBeUndefined();
  });

  it('types each aggregation column by all of its buckets', async () => {
    // Buckets of 20 s: [1, 3] and [2, 5]; averages 2 and 3.5, so the whole column is float.
    const body = (await api.get(`${base}/metrics-aggregated/average,max,median/custom/queue?bucket=20s`)).json();
    expect(body).toEqual({
      buckets: [
        { timestamp: formatGoTime(t0), average: { floatValue: 2 }, maximum: { intValue: 3 }, median: { floatValue: 2 } },
        { timestamp: formatGoTime(t0 + 2 * step), average: { floatValue: 3.5 }, maximum: { intValue: 5 }, median: { floatValue: 3.5 } },
      ],
      bucketSize: 20e9,
    });
    // One bucket of [1, 3]: every value an integer.
    const first = (await api.get(`${base}/metrics-aggregated/average,median,count/custom/queue?end=${new Date(t0 + step).toISOString()}`)).json();
    expect(first).toEqual({ buckets: [{ timestamp: formatGoTime(t0), count: 2, average: { intValue: 2 }, median: { intValue: 2 } }], bucketSize: 0 });
  });

  it('aggregates a float series as floats, negative ones included', async () => {
    const body = (await api.get(`${base}/metrics-aggregated/min,max,50-perc/custom/temperature`)).json();
    expect(body.buckets[0]).toEqual({
      timestamp: formatGoTime(t0),
      maximum: { floatValue: Math.max(...temperatures) },
      minimum: { floatValue: Math.min(...temperatures) },
      percentiles: { '50': { floatValue: [...temperatures].sort((a, b) => a - b)[1] } },
    });
  });
});
