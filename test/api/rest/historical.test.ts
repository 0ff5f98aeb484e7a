/**
 * `/api/v1/historical` against a real InfluxDB 1.6: simulated batches written through the real
 * InfluxDB sink (so pods carry the `pod_id` tag), then every route family read over HTTP through
 * the REST surface with `history` in its context — lists, metric names, raw metrics (exclusive
 * bounds, aliases, labels, pod lists), pod-UID routes and aggregations with buckets — each
 * compared with values computed from the batches. The in-memory store holds only the newest
 * batch, so every answer longer than one point came from InfluxDB.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { writeThroughSink } from '../../sinks/influxdb/influxdRead.js';
import { simBatches } from '../../sinks/influxdb/simBatches.js';
import {
  allAggregations,
  expectedAggregation,
  expectedMetricResult,
  goJsonTime,
  isoParam,
  sortedSet,
  startHistoricalApi,
  valuesBetween,
  type HistoricalApi,
} from './historicalApi.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 3, 6, 0, 0); // a multiple of 2 min
const stepMs = 60_000;
const count = 5;
const nowMs = t0 + 30 * stepMs;
const h = '/api/v1/historical';

describe.skipIf(!influxdPath)(withInfluxd('the historical REST routes against influxd 1.x'), () => {
  let influxd: Influxd;
  let history: InfluxHistory;
  let api: HistoricalApi;
  let batches: DataBatch[];

  const sets = (filter: (s: MetricSet) => boolean) => batches.flatMap((b) => [...b.metricSets.values()].filter(filter));
  const firstSet = (filter: (s: MetricSet) => boolean) => sets(filter)[0]!;
  const ok = async (path: string) => {
    const res = await api.get(path);
    expect([res.status, res.status === 200 ? '' : res.text], path).toEqual([200, '']);
    return res.json();
  };
  /** Entities of the first batch, with their model keys and path segments. */
  const entities = () => {
    const node = firstSet((s) => s.labels.type === 'node');
    const pod = firstSet((s) => s.labels.type === 'pod' && s.labels.namespace_name !== 'kube-system');
    const [ns, podName, podId] = [pod.labels.namespace_name!, pod.labels.pod_name!, pod.labels.pod_id!];
    const container = firstSet((s) => s.labels.type === 'pod_container' && s.labels.pod_name === podName && s.labels.namespace_name === ns);
    const free = firstSet((s) => s.labels.type === 'sys_container' && s.labels.nodename === node.labels.nodename);
    const [nodeName, containerName, freeName] = [node.labels.nodename!, container.labels.container_name!, free.labels.container_name!];
    return {
      nodeName, ns, podName, podId, containerName, freeName,
      routes: [
        ['cluster', '', 'cluster'],
        ['node', `/nodes/${nodeName}`, `node:${nodeName}`],
        ['namespace', `/namespaces/${ns}`, `namespace:${ns}`],
        ['pod', `/namespaces/${ns}/pods/${podName}`, `namespace:${ns}/pod:${podName}`],
        ['container', `/namespaces/${ns}/pods/${podName}/containers/${containerName}`, `namespace:${ns}/pod:${podName}/container:${containerName}`],
        ['free container', `/nodes/${nodeName}/freecontainers/${freeName}`, `node:${nodeName}/container:${freeName}`],
        ['pod by UID', `/pod-id/${podId}`, `namespace:${ns}/pod:${podName}`],
        ['container by UID', `/pod-id/${podId}/containers/${containerName}`, `namespace:${ns}/pod:${podName}/container:${containerName}`],
      ] as Array<[string, string, string]>,
    };
  };

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, stepMs, count });
    await writeThroughSink(influxd, '?db=k8s', batches);
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=k8s`));
    api = await startHistoricalApi({ history, nowMs, inMemory: batches.slice(-1) });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    history?.close();
    await influxd?.dispose();
  });

  it('lists nodes, namespaces, pods and free containers from InfluxDB, and containers from memory as Heapster did', async () => {
    const { nodeName, ns, podName } = entities();
    expect(await ok(`${h}/nodes`)).toEqual(sortedSet(sets((s) => s.labels.type === 'node').map((s) => s.labels.nodename!)));
    expect(await ok(`${h}/namespaces/`)).toEqual(sortedSet(sets((s) => s.labels.namespace_name !== undefined).map((s) => s.labels.namespace_name!)));
    expect(await ok(`${h}/namespaces/${ns}/pods`)).toEqual(sortedSet(sets((s) => s.labels.type === 'pod' && s.labels.namespace_name === ns).map((s) => s.labels.pod_name!)));
    expect(await ok(`${h}/nodes/${nodeName}/freecontainers`)).toEqual(
      sortedSet(sets((s) => s.labels.type === 'sys_container' && s.labels.nodename === nodeName).map((s) => s.labels.container_name!)),
    );
    const newest = batches[batches.length - 1]!;
    const inNewest = [...newest.metricSets.values()].filter((s) => s.labels.type === 'pod_container' && s.labels.namespace_name === ns && s.labels.pod_name === podName);
    expect(inNewest.length).toBeGreaterThan(0);
    expect(sortedSet(await ok(`${h}/namespaces/${ns}/pods/${podName}/containers`))).toEqual(sortedSet(inNewest.map((s) => s.labels.container_name!)));
    expect(await ok(`${h}/namespaces/no-such-namespace/pods`)).toEqual([]);
  });

  it('lists the metric names InfluxDB holds for every entity, labeled metrics included', async () => {
    const { routes } = entities();
    for (const [entity, path, key] of routes.filter(([, path]) => !path.startsWith('/pod-id'))) {
      const set = batches[0]!.metricSets.get(key)!;
      const names = sortedSet(batches.flatMap((b) => {
        const s = b.metricSets.get(key);
        return s ? [...s.metricValues.keys(), ...s.labeledMetrics.toArray().map((lm) => lm.name)] : [];
      }));
      expect(set, entity).toBeDefined();
      expect(await ok(`${h}${path}/metrics`), entity).toEqual(names);
    }
  });

  it('answers raw metrics of every entity with the points strictly between start and end', async () => {
    const { routes } = entities();
    const [start, end] = [t0, t0 + 3 * stepMs]; // the bounds themselves are excluded
    for (const [entity, path, key] of routes) {
      let compared = 0;
      for (const metric of ['cpu/usage_rate', 'memory/usage']) {
        const expected = valuesBetween(batches, key, metric, start, end);
        if (expected.length === 0) continue; // not every entity carries both
        expect(expected.length, entity).toBe(2);
        expect(await ok(`${h}${path}/metrics/${metric}?start=${isoParam(start)}&end=${isoParam(end)}`), `${entity} ${metric}`).toEqual(expectedMetricResult(expected));
        compared++;
      }
      expect(compared, entity).toBeGreaterThan(0);
    }
  });

  it('defaults end to now, honours aliases, and gives float metrics their floatValue', async () => {
    const { nodeName } = entities();
    const start = t0 - 1_000;
    const memory = await ok(`${h}/nodes/${nodeName}/metrics/memory-usage?start=${isoParam(start)}`);
    expect(memory).toEqual(expectedMetricResult(valuesBetween(batches, `node:${nodeName}`, 'memory/usage', start, nowMs)));
    expect(memory.metrics).toHaveLength(count);
    expect(await ok(`${h}/metrics/cpu-usage?start=${isoParam(start)}`)).toEqual(await ok(`${h}/metrics/cpu/usage_rate?start=${isoParam(start)}`));
    const utilization = await ok(`${h}/nodes/${nodeName}/metrics/memory/node_utilization?start=${isoParam(start)}`);
    expect(utilization.metrics[0].floatValue).not.toBe(Math.trunc(utilization.metrics[0].floatValue));
    expect(utilization).toEqual(expectedMetricResult(valuesBetween(batches, `node:${nodeName}`, 'memory/node_utilization', start, nowMs)));
  });

  it('reads a labeled metric of one label set, by the labels parameter', async () => {
    const { nodeName } = entities();
    const node = batches[0]!.metricSets.get(`node:${nodeName}`)!;
    const resource = node.labeledMetrics.toArray().find((lm) => lm.name === 'filesystem/usage')!.labels.resource_id!;
    const start = t0 - 1_000;
    const body = await ok(`${h}/nodes/${nodeName}/metrics/filesystem/usage?start=${isoParam(start)}&labels=resource_id:${encodeURIComponent(resource)}`);
    const expected = valuesBetween(batches, `node:${nodeName}`, 'filesystem/usage', start, nowMs, { resource_id: resource });
    expect(expected).toHaveLength(count);
    expect(body).toEqual(expectedMetricResult(expected));
  });

  it('answers pod lists by name and by UID in the order given, duplicates kept, as compact JSON', async () => {
    const pods = sets((s) => s.labels.type === 'pod').slice(0, 40);
    const { ns } = entities();
    const inNs = sortedSet(pods.filter((p) => p.labels.namespace_name === ns).map((p) => p.labels.pod_name!));
    const names = [inNs[1] ?? inNs[0]!, inNs[0]!, inNs[1] ?? inNs[0]!];
    const start = t0 + stepMs;
    const query = `start=${isoParam(start)}`;
    const expected = names.map((pod) => expectedMetricResult(valuesBetween(batches, `namespace:${ns}/pod:${pod}`, 'memory/usage', start, nowMs)));
    const byName = await api.get(`${h}/namespaces/${ns}/pod-list/${names.join(',')}/metrics/memory/usage?${query}`);
    expect(byName.status).toBe(200);
    expect(byName.text).toBe(`${JSON.stringify(byName.json())}\n`);
    expect(byName.json()).toEqual({ items: expected });
    const uidOf = (pod: string) => firstSet((s) => s.labels.type === 'pod' && s.labels.namespace_name === ns && s.labels.pod_name === pod).labels.pod_id!;
    expect(await ok(`${h}/pod-id-list/${names.map(uidOf).join(',')}/metrics/memory/usage?${query}`)).toEqual({ items: expected });
  });

  it('aggregates every entity per bucket with every aggregation, as InfluxDB computes them', async () => {
    const { routes } = entities();
    const bucketMs = 120_000;
    const [start, end] = [t0 - 1_000, t0 + count * stepMs];
    for (const [entity, path, key] of routes) {
      const metric = batches[0]!.metricSets.get(key)!.metricValues.has('cpu/usage_rate') ? 'cpu/usage_rate' : 'memory/usage';
      const values = valuesBetween(batches, key, metric, start, end);
      expect(values.length, entity).toBe(count);
      const body = await ok(`${h}${path}/metrics-aggregated/${allAggregations}/${metric}?start=${isoParam(start)}&end=${isoParam(end)}&bucket=2m`);
      expect(body, entity).toEqual(expectedAggregation(values, bucketMs));
      expect(body.buckets.length, entity).toBe(3);
    }
  });

  it('aggregates the whole range into one bucket at the start without a bucket, and omits what was not asked for', async () => {
    const { nodeName } = entities();
    const start = t0 - 1_000;
    const values = valuesBetween(batches, `node:${nodeName}`, 'memory/usage', start, nowMs).map((v) => v.value);
    expect(await ok(`${h}/nodes/${nodeName}/metrics-aggregated/max,count/memory-usage?start=${isoParam(start)}`)).toEqual({
      buckets: [{ timestamp: goJsonTime(start), count: values.length, maximum: { intValue: Math.max(...values) } }],
      bucketSize: 0,
    });
    const average = await ok(`${h}/nodes/${nodeName}/metrics-aggregated/average/memory/usage?start=${isoParam(start)}&bucket=1d`);
    expect(Object.keys(average.buckets[0]).sort()).toEqual(['average', 'timestamp']);
    expect(average.bucketSize).toBe(86_400 * 1e9);
  });

  it('aggregates pod lists by name and by UID, and a labeled metric', async () => {
    const { ns, nodeName } = entities();
    const pods = sortedSet(sets((s) => s.labels.type === 'pod' && s.labels.namespace_name === ns).map((s) => s.labels.pod_name!)).slice(0, 2);
    const [start, end] = [t0 - 1_000, t0 + count * stepMs];
    const range = `start=${isoParam(start)}&end=${isoParam(end)}&bucket=2m`;
    const expected = { items: pods.map((pod) => expectedAggregation(valuesBetween(batches, `namespace:${ns}/pod:${pod}`, 'memory/usage', start, end), 120_000)) };
    const byName = await api.get(`${h}/namespaces/${ns}/pod-list/${pods.join(',')}/metrics-aggregated/${allAggregations}/memory/usage?${range}`);
    expect(byName.json()).toEqual(expected);
    expect(byName.text).toBe(`${JSON.stringify(byName.json())}\n`);
    const uids = pods.map((pod) => firstSet((s) => s.labels.type === 'pod' && s.labels.pod_name === pod && s.labels.namespace_name === ns).labels.pod_id!);
    expect(await ok(`${h}/pod-id-list/${uids.join(',')}/metrics-aggregated/${allAggregations}/memory/usage?${range}`)).toEqual(expected);

    const resource = batches[0]!.metricSets.get(`node:${nodeName}`)!.labeledMetrics.toArray().find((lm) => lm.name === 'filesystem/usage')!.labels.resource_id!;
    const labeled = await ok(`${h}/nodes/${nodeName}/metrics-aggregated/${allAggregations}/filesystem/usage?${range}&labels=resource_id:${encodeURIComponent(resource)}`);
    expect(labeled).toEqual(expectedAggregation(valuesBetween(batches, `node:${nodeName}`, 'filesystem/usage', start, end, { resource_id: resource }), 120_000));
  });

  it('answers an aggregation of an entity without points with no buckets', async () => {
    expect(await ok(`${h}/nodes/ghost/metrics-aggregated/max/cpu/usage_rate?start=${isoParam(t0)}`)).toEqual({ buckets: [], bucketSize: 0 });
    expect(await ok(`${h}/metrics-aggregated/max/cpu/usage_rate?start=${isoParam(nowMs + stepMs)}&bucket=1m`)).toEqual({ buckets: [], bucketSize: 0 });
  });

  it("fails a metric request with Heapster's 500 when any requested key has no points", async () => {
    const { ns } = entities();
    const start = `start=${isoParam(t0)}`;
    const ghost = await api.get(`${h}/nodes/ghost/metrics/cpu/usage_rate?${start}`);
    expect([ghost.status, ghost.text]).toEqual([500, 'No results for metric "cpu/usage_rate" describing "(node)node:ghost"']);
    const pod = sets((s) => s.labels.type === 'pod' && s.labels.namespace_name === ns)[0]!.labels.pod_name!;
    const list = await api.get(`${h}/namespaces/${ns}/pod-list/${pod},nobody/metrics/memory/usage?${start}`);
    expect([list.status, list.text]).toEqual([500, `No results for metric "memory/usage" describing "(pod)ns:${ns}/pod:nobody"`]);
    const uid = await api.get(`${h}/pod-id/0000-none/metrics/memory/usage?${start}`);
    expect([uid.status, uid.text]).toEqual([500, 'No results for metric "memory/usage" describing "(pod)poduid:0000-none"']);
  });

  it("refuses names InfluxQL could not quote with Heapster's texts, as 400s", async () => {
    const start = `start=${isoParam(t0)}`;
    const cases: Array<[string, string]> = [
      [`${h}/nodes/a%20b/metrics/cpu/usage_rate?${start}`, 'Invalid node name "a b"'],
      [`${h}/namespaces/x'y/pods/p/metrics/cpu/usage_rate?${start}`, 'Invalid namespace name "x\'y"'],
      [`${h}/metrics/cpu;usage?${start}`, 'Invalid metric name "cpu;usage"'],
      [`${h}/metrics-aggregated/max/cpu%22usage?${start}`, 'Invalid metric name "cpu\\"usage"'],
      [`${h}/pod-id/a%2Cb%3Bc/metrics/cpu/usage_rate?${start}`, 'Invalid pod id "a,b;c"'],
      [`${h}/nodes/n/metrics/filesystem/usage?${start}&labels=resource_id:x'y`, 'Invalid label value "x\'y"'],
      [`${h}/nodes/n/metrics/filesystem/usage?${start}&labels=resource_id:x%5C`, 'Invalid label value "x\\\\"'],
      [`${h}/nodes/n/metrics/filesystem/usage?${start}&labels=a%20b:x`, 'Invalid label name "a b"'],
      [`${h}/namespaces/a%20b/pods`, 'Invalid namespace name "a b"'],
      [`${h}/nodes/a%20b/freecontainers`, 'Invalid node name "a b"'],
      [`${h}/nodes/a%20b/metrics`, 'Invalid node name "a b"'],
    ];
    for (const [path, text] of cases) {
      const res = await api.get(path);
      expect([res.status, res.text], path).toEqual([400, text]);
    }
  });

  it("counts every historical route under Heapster's handler names", async () => {
    const { nodeName, podId } = entities();
    const start = `start=${isoParam(t0)}`;
    const lines = {
      nodeList: 'http_requests_total{handler="nodeList",method="get",code="200"}',
      nodeMetrics: 'http_requests_total{handler="nodeMetrics",method="get",code="200"}',
      podMetrics: 'http_requests_total{handler="podMetrics",method="get",code="200"}',
      podList: 'http_requests_total{handler="podListAggregations",method="get",code="200"}',
      noStart: 'http_requests_total{handler="clusterMetrics",method="get",code="400"}',
    };
    const before = Object.fromEntries(await Promise.all(Object.entries(lines).map(async ([k, l]) => [k, await api.sample(l)])));
    await ok(`${h}/nodes`);
    await ok(`${h}/nodes/${nodeName}/metrics/cpu/usage_rate?${start}`);
    await ok(`${h}/nodes/${nodeName}/metrics-aggregated/max/cpu/usage_rate?${start}`);
    await ok(`${h}/pod-id/${podId}/metrics/memory/usage?${start}`);
    await ok(`${h}/pod-id/${podId}/metrics-aggregated/max/memory/usage?${start}`);
    await ok(`${h}/pod-id-list/${podId}/metrics/memory/usage?${start}`);
    await ok(`${h}/pod-id-list/${podId}/metrics-aggregated/max/memory/usage?${start}`);
    expect((await api.get(`${h}/metrics-aggregated/max/cpu/usage_rate`)).status).toBe(400);
    const delta = async (k: keyof typeof lines) => (await api.sample(lines[k])) - before[k];
    expect([await delta('nodeList'), await delta('nodeMetrics'), await delta('podMetrics'), await delta('podList'), await delta('noStart')]).toEqual([1, 2, 2, 2, 1]);
    expect(await api.sample('http_request_duration_microseconds_count{handler="podListAggregations"}')).toBeGreaterThanOrEqual(2);
  });

  it('answers 500 saying InfluxDB did not answer while it is down, and recovers when it is back', async () => {
    const { nodeName } = entities();
    const path = `${h}/nodes/${nodeName}/metrics/cpu/usage_rate?start=${isoParam(t0)}`;
    const before = await ok(path);
    await influxd.stop();
    try {
      for (const p of [path, `${h}/nodes`, `${h}/metrics-aggregated/max/cpu/usage_rate?start=${isoParam(t0)}`]) {
        const res = await api.get(p);
        expect(res.status, p).toBe(500);
        expect(res.text, p).toMatch(/^InfluxDB did not answer: query: .*ECONNREFUSED/);
      }
    } finally {
      await influxd.start();
    }
    expect(await ok(path)).toEqual(before);
  }, 30_000);
});
