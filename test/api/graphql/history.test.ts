import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKey, podContainerKey } from '../../../src/core/keys.js';
import type { Point } from '../../../src/store/types.js';
import { ms, startGraphqlApp, type GraphqlApp } from './harness.js';

let t: GraphqlApp;
let container: { namespace: string; pod: string; name: string; key: string };
let node: string;

beforeAll(async () => {
  t = await startGraphqlApp({}, 6);
  await t.app.manager.stop();
  await t.app.sinks.idle();
  const info = t.app.query.pods().flatMap((p) => t.app.query.containers(p.labels.namespace_name!, p.labels.pod_name!))[0]!;
  container = { namespace: info.labels.namespace_name!, pod: info.labels.pod_name!, name: info.labels.container_name!, key: info.key };
  node = t.app.query.nodes()[0]!.labels.nodename!;
});
afterAll(async () => t?.stop());

const pointsOf = (series: { points: Array<{ timestamp: string; value: number }> }): Point[] => series.points.map((p) => ({ timestamp: ms(p.timestamp), value: p.value }));

const containerQuery = (selection: string) =>
  t.gql(`query($ns: String!, $pod: String!) { pod(namespace: $ns, name: $pod) { containers { name ${selection} } } }`, { ns: container.namespace, pod: container.pod });

async function containerField(selection: string): Promise<any> {
  const response = await containerQuery(selection);
  expect(response.errors).toBeUndefined();
  return response.data!.pod.containers.find((c: any) => c.name === container.name);
}

/** Statistics as InfluxDB computes them, from the raw values. */
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.floor((n * p) / 100 + 0.5) - 1))];
  return {
    count: n,
    average: values.reduce((s, v) => s + v, 0) / n,
    minimum: sorted[0],
    maximum: sorted[n - 1],
    median: n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
  };
}

describe('metric history over ranges', () => {
  it('returns the points between start and end, inclusive, given as RFC 3339 or epoch ms', async () => {
    const all = t.app.query.series(container.key, 'memory/usage').points;
    expect(all.length).toBeGreaterThanOrEqual(6);
    const start = all[1]!.timestamp;
    const end = all[3]!.timestamp;
    const rfc = await containerField(`metric(name: "memory/usage", range: { start: "${new Date(start).toISOString()}", end: "${new Date(end).toISOString()}" }) { points { timestamp value } }`);
    expect(pointsOf(rfc.metric)).toEqual(all.slice(1, 4));
    const epoch = await containerField(`metric(name: "memory/usage", range: { start: ${start} }) { points { timestamp value } }`);
    expect(pointsOf(epoch.metric)).toEqual(all.slice(1));
    const untilEnd = await containerField(`metric(name: "memory/usage", range: { end: ${end} }) { points { timestamp value } }`);
    expect(pointsOf(untilEnd.metric)).toEqual(all.slice(0, 4));
  });

  it('counts "last" and "lastMinutes" back from the newest batch', async () => {
    const all = t.app.query.series(container.key, 'memory/usage').points;
    const newest = t.app.query.timestamps().at(-1)!;
    const lastTwo = await containerField(`metric(name: "memory/usage", range: { last: "2s" }) { points { timestamp value } }`);
    expect(pointsOf(lastTwo.metric)).toEqual(all.filter((p) => p.timestamp > newest - 2_000));
    expect(lastTwo.metric.points.length).toBe(2);
    const minute = await containerField(`metric(name: "memory/usage", range: { lastMinutes: 1 }) { points { timestamp value } }`);
    expect(pointsOf(minute.metric)).toEqual(all.filter((p) => p.timestamp > newest - 60_000));
    const millis = await containerField(`metric(name: "memory/usage", range: { last: 3000 }) { points { value } }`);
    expect(millis.metric.points.length).toBe(3);
  });

  it('keeps float values whole (no truncation as Heapster REST did)', async () => {
    const { data } = await t.gql(`query($n: String!) { node(name: $n) { metric(name: "cpu/node_utilization") { valueType points { timestamp value } } } }`, { n: node });
    expect(data!.node.metric.valueType).toBe('FLOAT');
    expect(pointsOf(data!.node.metric)).toEqual(t.app.query.series(nodeKey(node), 'cpu/node_utilization').points);
    expect(data!.node.metric.points.some((p: any) => !Number.isInteger(p.value))).toBe(true);
  });

  it.each([
    ['start after end', '{ start: 2000, end: 1000 }', 'range'],
    ['a relative and an absolute bound', '{ start: 1000, last: "1m" }', 'range'],
    ['lastMinutes of zero', '{ lastMinutes: 0 }', 'range.lastMinutes'],
    ['an empty last', '{ last: "0s" }', 'range.last'],
  ])('rejects %s as BAD_USER_INPUT naming the argument', async (_case, range, argument) => {
    const response = await containerQuery(`metric(name: "memory/usage", range: ${range}) { points { value } }`);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
  });

  it('rejects timestamps and durations that do not parse', async () => {
    const badTime = await t.gql(`query($r: TimeRange) { cluster { metric(name: "memory/usage", range: $r) { name } } }`, { r: { start: 'yesterday' } });
    expect(badTime.status).toBe(400);
    expect(badTime.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badTime.errors?.[0]?.message).toContain('RFC 3339');
    const badDuration = await t.gql(`{ cluster { metric(name: "memory/usage", range: { last: "soon" }) { name } } }`);
    expect(badDuration.errors?.[0]?.message).toContain('Go duration');
  });

  it('rejects unknown metrics and labeled metrics read as unlabeled', async () => {
    const unknown = await t.gql(`{ cluster { metric(name: "no/such") { name } } }`);
    expect(unknown.errors?.[0]).toMatchObject({ path: ['cluster', 'metric'], extensions: { code: 'BAD_USER_INPUT', argument: 'name' } });
    const labeled = await t.gql(`{ cluster { latest(name: "filesystem/usage") { value } } }`);
    expect(labeled.errors?.[0]?.message).toContain('labeledMetric');
  });
});

describe('aggregations', () => {
  it('computes average, minimum, maximum, median, count and percentiles over the range', async () => {
    const values = t.app.query.series(container.key, 'memory/usage').points.map((p) => p.value);
    const result = await containerField(`aggregate(name: "memory/usage") { name bucketSize buckets { start count average minimum maximum median p50 p95 p99 } }`);
    expect(result.aggregate.name).toBe('memory/usage');
    expect(result.aggregate.bucketSize).toBeNull();
    expect(result.aggregate.buckets).toHaveLength(1);
    const { start, ...bucket } = result.aggregate.buckets[0];
    expect(ms(start)).toBe(t.app.query.timestamps()[0]);
    const expected = stats(values);
    expect(bucket).toEqual({ ...expected, average: expect.closeTo(expected.average, 9) });
  });

  it('aggregates per bucket, buckets aligned to multiples of their size', async () => {
    const points = t.app.query.series(container.key, 'cpu/usage_rate').points;
    const result = await containerField(`aggregate(name: "cpu/usage_rate", bucket: "2s") { bucketSize buckets { start count maximum minimum } }`);
    expect(result.aggregate.bucketSize).toBe('2s');
    const groups = new Map<number, number[]>();
    for (const p of points) {
      const start = Math.floor(p.timestamp / 2000) * 2000;
      groups.set(start, [...(groups.get(start) ?? []), p.value]);
    }
    expect(result.aggregate.buckets.map((b: any) => ({ ...b, start: ms(b.start) }))).toEqual(
      [...groups.entries()].map(([start, values]) => ({ start, count: values.length, maximum: Math.max(...values), minimum: Math.min(...values) })),
    );
  });

  it('aggregates over a range given as last minutes', async () => {
    const newest = t.app.query.timestamps().at(-1)!;
    const values = t.app.query.series(container.key, 'memory/usage').points.filter((p) => p.timestamp > newest - 3_000).map((p) => p.value);
    const result = await containerField(`aggregate(name: "memory/usage", range: { last: "3s" }) { buckets { count maximum } }`);
    expect(result.aggregate.buckets).toEqual([{ count: 3, maximum: Math.max(...values) }]);
  });

  it('aggregates one label set of a labeled metric, and needs its labels', async () => {
    const series = t.app.query.labeledSeries(nodeKey(node), 'filesystem/usage', { resource_id: '/' });
    expect(series).toHaveLength(1);
    const { data } = await t.gql(`query($n: String!) { node(name: $n) { aggregate(name: "filesystem/usage", labels: [{ key: "resource_id", value: "/" }]) { buckets { count maximum minimum } } } }`, { n: node });
    const values = series[0]!.points.map((p) => p.value);
    expect(data!.node.aggregate.buckets).toEqual([{ count: values.length, maximum: Math.max(...values), minimum: Math.min(...values) }]);
    const missing = await t.gql(`query($n: String!) { node(name: $n) { aggregate(name: "filesystem/usage") { buckets { count } } } }`, { n: node });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'labels' });
  });
});

describe('labeled metrics', () => {
  it('returns the filesystems of a node and a container, one series per resource_id with its labels', async () => {
    const { data, errors } = await t.gql(
      `query($n: String!, $ns: String!, $pod: String!) {
        node(name: $n) { labeledMetricNames labeledMetric(name: "filesystem/usage") { name resourceId labels { key value } units metricType points { timestamp value } } }
        pod(namespace: $ns, name: $pod) { containers { name labeledMetric(name: "filesystem/usage") { resourceId points { timestamp value } } } }
      }`,
      { n: node, ns: container.namespace, pod: container.pod },
    );
    expect(errors).toBeUndefined();
    const q = t.app.query;
    expect(data!.node.labeledMetricNames).toEqual(q.labeledMetricNames(nodeKey(node)));
    const nodeSeries = q.labeledSeries(nodeKey(node), 'filesystem/usage', undefined);
    expect(data!.node.labeledMetric.map((s: any) => ({ labels: Object.fromEntries(s.labels.map((l: any) => [l.key, l.value])), points: pointsOf(s) }))).toEqual(
      nodeSeries.map((s) => ({ labels: s.labels, points: s.points })),
    );
    expect(data!.node.labeledMetric[0]).toMatchObject({ name: 'filesystem/usage', resourceId: nodeSeries[0]!.labels.resource_id, units: 'BYTES', metricType: 'GAUGE' });
    for (const c of data!.pod.containers) {
      const expected = q.labeledSeries(podContainerKey(container.namespace, container.pod, c.name), 'filesystem/usage', undefined);
      expect(c.labeledMetric.map((s: any) => [s.resourceId, pointsOf(s)])).toEqual(expected.map((s) => [s.labels.resource_id, s.points]));
    }
  });

  it('selects series by exact labels and rejects an unlabeled metric', async () => {
    const { data } = await t.gql(`query($n: String!) { node(name: $n) { root: labeledMetric(name: "filesystem/limit", labels: [{ key: "resource_id", value: "/" }]) { resourceId } none: labeledMetric(name: "filesystem/limit", labels: [{ key: "resource_id", value: "nope" }]) { resourceId } } }`, { n: node });
    expect(data!.node).toEqual({ root: [{ resourceId: '/' }], none: [] });
    const wrong = await t.gql(`{ cluster { labeledMetric(name: "memory/usage") { name } } }`);
    expect(wrong.errors?.[0]?.message).toContain('read it with metric');
    const twice = await t.gql(`query($n: String!) { node(name: $n) { labeledMetric(name: "filesystem/limit", labels: [{ key: "resource_id", value: "/" }, { key: "resource_id", value: "x" }]) { resourceId } } }`, { n: node });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'labels' });
  });
});
