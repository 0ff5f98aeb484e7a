/**
 * GraphQL ranges that reach past the model store's retention, completed from a real InfluxDB 1.6:
 * older batches written through the real InfluxDB sink, newer ones in a model store with a short
 * retention, and GraphQL answering exactly the batches' points over a range spanning both — for
 * unlabeled series of every kind of entity, labeled filesystem series and aggregations.
 *
 * InfluxDB also holds the two oldest batches memory still has, with other values: memory's must
 * be the ones answered (InfluxDB is only asked for the time before memory's oldest batch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import type { DataBatch } from '../../../src/core/types.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { writeThroughSink } from '../../sinks/influxdb/influxdRead.js';
import { simBatches } from '../../sinks/influxdb/simBatches.js';
import { bucketFields, expectedBuckets, startHistoryGraphql, timed, valuesIn, withValues, type HistoryGraphql } from './history-influxApi.js';

requireInfluxdUnderCi();

const stepMs = 1_000;
/** Memory keeps the batches after `newest − 5 s`: the last five of twelve. */
const retentionMs = 5_000;
const batches: DataBatch[] = simBatches({ nodes: 2, podsPerNode: 2, seed: 11, startMs: Date.UTC(2024, 4, 3, 6, 0, 0), stepMs, count: 12 });
const t = batches.map((b) => b.timestamp);
/** Values InfluxDB holds for batches memory also has: never to be answered. */
const disagree = (value: number) => value + 1_000_000;

const node = 'sim-node-0000';
const nodeKey = `node:${node}`;
const container = (() => {
  const key = [...batches[0]!.metricSets.keys()].find((k) => k.includes('/pod:') && k.includes('/container:'))!;
  const [, namespace, pod, name] = /^namespace:([^/]+)\/pod:([^/]+)\/container:(.+)$/.exec(key)!;
  return { key, namespace: namespace!, pod: pod!, name: name! };
})();
const deployment = [...batches[0]!.metricSets.keys()].find((k) => /\/deployment:/.test(k))!;
const [, deploymentNamespace, deploymentName] = /^namespace:([^/]+)\/deployment:(.+)$/.exec(deployment)!;

describe.skipIf(!influxdPath)(withInfluxd('GraphQL ranges spanning memory and a real InfluxDB'), () => {
  let influxd: Influxd;
  let history: InfluxHistory;
  let api: HistoryGraphql;

  beforeAll(async () => {
    influxd = await startInfluxd();
    // InfluxDB: batches 0–8, of which 7 and 8 (still in memory) with other values.
    await writeThroughSink(influxd, '?db=gqlhistory', [...batches.slice(0, 7), ...batches.slice(7, 9).map((b) => withValues(b, disagree))]);
    history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=gqlhistory`));
    api = await startHistoryGraphql({ history, inMemory: batches, retentionMs });
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    history?.close();
    await influxd?.dispose();
  });

  const ok = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await api.gql(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data!;
  };

  it('holds the last five batches in memory and the older ones (and two disagreeing copies) in InfluxDB', async () => {
    expect(api.store.timestamps()).toEqual(t.slice(7));
    const answer = await influxd.query(`SELECT "value" FROM "memory/usage" WHERE type = 'node' AND nodename = '${node}'`, 'gqlhistory');
    const stored = answer.results[0].series[0].values.map(([time, value]: [number, number]) => ({ timestamp: time, value }));
    const memoryUsage = valuesIn(batches, nodeKey, 'memory/usage', t[0]!, t[8]!);
    expect(stored).toEqual(memoryUsage.map((p, i) => (i < 7 ? p : { ...p, value: disagree(p.value) })));
  });

  it('answers every entity kind\'s series over a range spanning both, exactly the batches\' points in order', async () => {
    const range = { start: new Date(t[2]!).toISOString(), end: new Date(t[10]!).toISOString() };
    const series = 'metric(name: $metric, range: $range) { points { timestamp value } }';
    const data = await ok(
      `query($metric: String!, $range: TimeRange!, $node: String!, $ns: String!, $pod: String!, $dns: String!, $dname: String!) {
        cluster { ${series} }
        node(name: $node) { ${series} systemContainers { name ${series} } }
        namespace(name: $ns) { ${series} }
        pod(namespace: $ns, name: $pod) { ${series} containers { name ${series} } }
        workload(namespace: $dns, kind: DEPLOYMENT, name: $dname) { ${series} }
      }`,
      { metric: 'memory/usage', range, node, ns: container.namespace, pod: container.pod, dns: deploymentNamespace, dname: deploymentName },
    );
    const expected = (key: string) => valuesIn(batches, key, 'memory/usage', t[2]!, t[10]!);
    expect(expected(nodeKey)).toHaveLength(9);
    expect(timed(data.cluster.metric.points)).toEqual(expected('cluster'));
    expect(timed(data.node.metric.points)).toEqual(expected(nodeKey));
    const kubelet = data.node.systemContainers.find((c: any) => c.name === 'kubelet');
    expect(timed(kubelet.metric.points)).toEqual(expected(`${nodeKey}/container:kubelet`));
    expect(timed(data.namespace.metric.points)).toEqual(expected(`namespace:${container.namespace}`));
    expect(timed(data.pod.metric.points)).toEqual(expected(`namespace:${container.namespace}/pod:${container.pod}`));
    expect(timed(data.pod.containers.find((c: any) => c.name === container.name).metric.points)).toEqual(expected(container.key));
    expect(timed(data.workload.metric.points)).toEqual(expected(deployment));
  });

  it('keeps float values, and counts "last" and "lastMinutes" back from the newest batch into InfluxDB', async () => {
    const data = await ok(`query($node: String!) { node(name: $node) {
      rate: metric(name: "cpu/usage_rate", range: { last: "20s" }) { valueType points { timestamp value } }
      utilization: metric(name: "cpu/node_utilization", range: { lastMinutes: 1 }) { valueType points { timestamp value } }
    } }`, { node });
    const rate = valuesIn(batches, nodeKey, 'cpu/usage_rate', t[0]!, t[11]!);
    expect(rate).toHaveLength(12);
    expect(timed(data.node.rate.points)).toEqual(rate);
    const utilization = valuesIn(batches, nodeKey, 'cpu/node_utilization', t[0]!, t[11]!);
    expect(utilization.some((p) => !Number.isInteger(p.value))).toBe(true);
    expect([data.node.utilization.valueType, timed(data.node.utilization.points)]).toEqual(['FLOAT', utilization]);
  });

  it('answers a range that ends before memory from InfluxDB alone, both ends inclusive', async () => {
    const data = await ok(`query($node: String!, $start: Timestamp!, $end: Timestamp!) { node(name: $node) { metric(name: "memory/usage", range: { start: $start, end: $end }) { points { timestamp value } } } }`, {
      node,
      start: t[1],
      end: t[5],
    });
    expect(timed(data.node.metric.points)).toEqual(valuesIn(batches, nodeKey, 'memory/usage', t[1]!, t[5]!));
    expect(data.node.metric.points).toHaveLength(5);
  });

  it('completes every label set of a labeled filesystem series, and one label set when labels are given', async () => {
    const data = await ok(
      `query($ns: String!, $pod: String!, $node: String!, $start: Timestamp!) {
        pod(namespace: $ns, name: $pod) { containers { name
          all: labeledMetric(name: "filesystem/usage", range: { start: $start }) { resourceId points { timestamp value } }
          logs: labeledMetric(name: "filesystem/usage", range: { start: $start }, labels: [{ key: "resource_id", value: "logs" }]) { resourceId points { timestamp value } }
        } }
        node(name: $node) { labeledMetric(name: "filesystem/available", range: { start: $start }) { resourceId points { timestamp value } } }
      }`,
      { ns: container.namespace, pod: container.pod, node, start: t[3] },
    );
    const mine = data.pod.containers.find((c: any) => c.name === container.name);
    const fs = (key: string, metric: string, id: string) => valuesIn(batches, key, metric, t[3]!, t[11]!, { resource_id: id });
    expect(fs(container.key, 'filesystem/usage', '/')).toHaveLength(9);
    expect(mine.all.map((s: any) => [s.resourceId, timed(s.points)])).toEqual([
      ['/', fs(container.key, 'filesystem/usage', '/')],
      ['logs', fs(container.key, 'filesystem/usage', 'logs')],
    ]);
    expect(mine.logs.map((s: any) => [s.resourceId, timed(s.points)])).toEqual([['logs', fs(container.key, 'filesystem/usage', 'logs')]]);
    expect(data.node.labeledMetric.map((s: any) => [s.resourceId, timed(s.points)])).toEqual([['/', fs(nodeKey, 'filesystem/available', '/')]]);
  });

  it('aggregates the merged points: buckets spanning the boundary, one bucket over the range, a labeled series', async () => {
    const data = await ok(
      `query($node: String!, $start: Timestamp!, $end: Timestamp!) { node(name: $node) {
        bucketed: aggregate(name: "memory/usage", range: { start: $start, end: $end }, bucket: "3s") { bucketSize ${bucketFields} }
        whole: aggregate(name: "cpu/usage_rate", range: { start: $start, end: $end }) { bucketSize ${bucketFields} }
        fs: aggregate(name: "filesystem/usage", range: { start: $start, end: $end }, labels: [{ key: "resource_id", value: "/" }], bucket: "4s") { ${bucketFields} }
      } }`,
      { node, start: t[1], end: t[10] },
    );
    const memoryUsage = valuesIn(batches, nodeKey, 'memory/usage', t[1]!, t[10]!);
    expect(memoryUsage).toHaveLength(10);
    expect(data.node.bucketed).toEqual({ bucketSize: '3s', buckets: expectedBuckets(memoryUsage, 3_000) });
    // One bucket: its start is the range's start, as the store reports it.
    const rate = valuesIn(batches, nodeKey, 'cpu/usage_rate', t[1]!, t[10]!);
    const [whole] = expectedBuckets(rate, Number.MAX_SAFE_INTEGER) as Array<Record<string, unknown>>;
    expect(data.node.whole).toEqual({ bucketSize: null, buckets: [{ ...whole, start: new Date(t[1]!).toISOString() }] });
    expect(data.node.fs.buckets).toEqual(expectedBuckets(valuesIn(batches, nodeKey, 'filesystem/usage', t[1]!, t[10]!, { resource_id: '/' }), 4_000));
  });

  it('reads a range that starts inside memory from memory alone', async () => {
    const data = await ok(`query($node: String!, $start: Timestamp!) { node(name: $node) { metric(name: "memory/usage", range: { start: $start }) { points { timestamp value } } } }`, { node, start: t[7] });
    expect(timed(data.node.metric.points)).toEqual(valuesIn(batches, nodeKey, 'memory/usage', t[7]!, t[11]!));
  });
});
