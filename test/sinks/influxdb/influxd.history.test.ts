/**
 * The historical source against a real InfluxDB 1.6 holding what the sink wrote for simulated
 * batches, in both point layouts: lists, metric names, raw series (exclusive bounds, labels,
 * pod UIDs, workloads) and Heapster's aggregations, all compared with values computed from the
 * batches here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import { InfluxError } from '../../../src/sinks/influxdb/errors.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import { requireSeries } from '../../../src/sinks/influxdb/historyQuery.js';
import type { AggregationName, HistoricalBucket, HistoricalKey, InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { influxdPath, requireInfluxdUnderCi, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { writeThroughSink } from './influxdRead.js';
import { simBatches } from './simBatches.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 3, 6, 0, 0); // a multiple of 2 min
const stepMs = 60_000;
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** InfluxDB 1.x PERCENTILE: nearest rank, `sorted[floor(n × p / 100 + 0.5) − 1]`. */
function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor((s.length * p) / 100 + 0.5) - 1]!;
}

/** InfluxDB 1.x MEDIAN: the middle value, or halfway between the two middle ones. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : s[mid - 1]! + (s[mid]! - s[mid - 1]!) / 2;
}

describe.skipIf(!influxdPath)(withInfluxd('the InfluxDB history backend against influxd 1.x'), () => {
  let influxd: Influxd;
  let batches: DataBatch[];
  let layouts: Array<[string, InfluxHistory]>;

  const sets = (filter: (set: MetricSet) => boolean) => batches.flatMap((b) => [...b.metricSets.values()].filter(filter));
  const setOf = (batch: DataBatch, key: string) => batch.metricSets.get(key)!;
  const nodeNames = () => sorted(sets((s) => s.labels.type === 'node').map((s) => s.labels.nodename!));

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, stepMs, count: 4 });
    await writeThroughSink(influxd, '?db=hist', batches);
    await writeThroughSink(influxd, '?db=histfields&withfields=true', batches);
    layouts = [
      ['measurement per metric', createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=hist`))],
      ['withfields', createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=histfields&withfields=true`))],
    ];
  });

  afterAll(async () => {
    for (const [, history] of layouts ?? []) history.close();
    await influxd?.dispose();
  });

  it('lists nodes, namespaces, the pods of a namespace and the system containers of a node', async () => {
    for (const [, history] of layouts) {
      expect(await history.nodes()).toEqual(nodeNames());
      expect(await history.namespaces()).toEqual(sorted(sets((s) => s.labels.namespace_name !== undefined).map((s) => s.labels.namespace_name!)));
      expect(await history.podsOf('kube-system')).toEqual(sorted(sets((s) => s.labels.type === 'pod' && s.labels.namespace_name === 'kube-system').map((s) => s.labels.pod_name!)));
      const node = nodeNames()[1]!;
      const containers = sorted(sets((s) => s.labels.type === 'sys_container' && s.labels.nodename === node).map((s) => s.labels.container_name!));
      expect(containers.length).toBeGreaterThan(0);
      expect(await history.systemContainersOf(node)).toEqual(containers);
      expect(await history.podsOf('no-such-namespace')).toEqual([]);
    }
  });

  it('lists the metric names of a node and of a pod, labeled metrics included, in both layouts', async () => {
    const node = nodeNames()[0]!;
    const pod = sets((s) => s.labels.type === 'pod')[0]!;
    const namesOf = (filter: (s: MetricSet) => boolean) => sorted(sets(filter).flatMap((s) => [...s.metricValues.keys(), ...s.labeledMetrics.toArray().map((lm) => lm.name)]));
    for (const [layout, history] of layouts) {
      expect(await history.metricNames({ kind: 'node', node }), layout).toEqual(namesOf((s) => s.labels.type === 'node' && s.labels.nodename === node));
      expect(await history.metricNames({ kind: 'pod', namespace: pod.labels.namespace_name!, pod: pod.labels.pod_name! }), layout).toEqual(
        namesOf((s) => s.labels.type === 'pod' && s.labels.pod_name === pod.labels.pod_name),
      );
    }
  });

  it('reads one metric of every node in one request, with exclusive bounds and the value type', async () => {
    const keys: HistoricalKey[] = nodeNames().map((node) => ({ kind: 'node', node }));
    const inRange = batches.slice(1, 3); // t0 and t0 + 3 min are the bounds themselves: excluded
    for (const [layout, history] of layouts) {
      const rates = await history.series(keys, 'cpu/usage_rate', undefined, { startMs: t0, endMs: t0 + 3 * stepMs });
      expect(rates, layout).toEqual(
        keys.map((key) => ({
          valueType: 'int64',
          points: inRange.map((b) => ({ timestamp: b.timestamp, value: setOf(b, `node:${(key as { node: string }).node}`).metricValues.get('cpu/usage_rate')! })),
        })),
      );
      const [utilization] = await history.series(keys.slice(0, 1), 'memory/node_utilization', undefined, {});
      expect(utilization!.valueType).toBe('float');
      expect(utilization!.points.map((p) => p.value)).toEqual(batches.map((b) => setOf(b, `node:${nodeNames()[0]}`).metricValues.get('memory/node_utilization')!));
    }
  });

  it('reads a labeled metric of one label set', async () => {
    const node = nodeNames()[2]!;
    for (const [layout, history] of layouts) {
      const [usage] = await history.series([{ kind: 'node', node }], 'filesystem/usage', { resource_id: '/' }, {});
      expect(usage!.points, layout).toEqual(
        batches.map((b) => ({ timestamp: b.timestamp, value: setOf(b, `node:${node}`).labeledMetrics.toArray().find((lm) => lm.name === 'filesystem/usage' && lm.labels.resource_id === '/')!.value })),
      );
    }
  });

  it('finds pods and their containers by UID, through the pod_id tag Heapgraph writes', async () => {
    const container = sets((s) => s.labels.type === 'pod_container')[0]!;
    const label = (key: string) => container.labels[key] ?? '';
    const [namespace, pod, podId, name] = [label('namespace_name'), label('pod_name'), label('pod_id'), label('container_name')];
    expect(podId).not.toBe('');
    for (const [layout, history] of layouts) {
      const [byName, byUid, containerByName, containerByUid] = await history.seriesBatch([
        { key: { kind: 'pod', namespace, pod }, metric: 'memory/usage' },
        { key: { kind: 'podUid', podId }, metric: 'memory/usage' },
        { key: { kind: 'podContainer', namespace, pod, container: name }, metric: 'cpu/usage_rate' },
        { key: { kind: 'podUidContainer', podId, container: name }, metric: 'cpu/usage_rate' },
      ]);
      expect(byName!.points.length, layout).toBe(batches.length);
      expect(byUid).toEqual(byName);
      expect(containerByName!.points.length).toBe(batches.length);
      expect(containerByUid).toEqual(containerByName);
    }
  });

  it("reads workload series, and reports a key without data as Heapster's no-results error", async () => {
    const workload = sets((s) => s.labels.type === 'workload')[0]!;
    const key: HistoricalKey = { kind: 'workload', namespace: workload.labels.namespace_name!, workloadKind: workload.labels.workload_kind as 'Deployment', workload: workload.labels.workload_name! };
    const ghost: HistoricalKey = { kind: 'node', node: 'ghost' };
    for (const [, history] of layouts) {
      const results = await history.series([key, ghost], 'memory/usage', undefined, {});
      const modelKey = [...batches[0]!.metricSets].find(([, s]) => s === workload)![0];
      expect(results[0]!.points).toEqual(batches.map((b) => ({ timestamp: b.timestamp, value: setOf(b, modelKey).metricValues.get('memory/usage')! })));
      expect(results[1]!.points).toEqual([]);
      const error = (() => {
        try {
          requireSeries('memory/usage', [key, ghost], results);
        } catch (e) {
          return e as InfluxError;
        }
        throw new Error('accepted');
      })();
      expect(error.code).toBe('no_results');
      expect(error.message).toBe('No results for metric "memory/usage" describing "(node)node:ghost"');
    }
  });

  it("computes Heapster's aggregations per bucket as InfluxDB does", async () => {
    const aggregations: AggregationName[] = ['average', 'max', 'min', 'median', 'count', '50-perc', '95-perc', '99-perc'];
    const keys: HistoricalKey[] = nodeNames().map((node) => ({ kind: 'node', node }));
    const bucketMs = 120_000;
    const expectedFor = (node: string) => {
      const buckets: HistoricalBucket[] = [];
      for (let start = t0; start < t0 + 4 * stepMs; start += bucketMs) {
        const values = batches.filter((b) => b.timestamp >= start && b.timestamp < start + bucketMs).map((b) => setOf(b, `node:${node}`).metricValues.get('cpu/usage_rate')!);
        buckets.push({
          timestamp: start,
          average: values.reduce((a, b) => a + b, 0) / values.length,
          maximum: Math.max(...values),
          minimum: Math.min(...values),
          median: median(values),
          count: values.length,
          percentiles: { '50': percentile(values, 50), '95': percentile(values, 95), '99': percentile(values, 99) },
        });
      }
      const typeOf = (pick: (b: HistoricalBucket) => number) => (buckets.every((b) => Number.isInteger(pick(b))) ? 'int64' : 'float');
      return {
        bucketSizeMs: bucketMs,
        buckets,
        valueTypes: {
          average: typeOf((b) => b.average!),
          max: typeOf((b) => b.maximum!),
          min: typeOf((b) => b.minimum!),
          median: typeOf((b) => b.median!),
          '50-perc': typeOf((b) => b.percentiles!['50']!),
          '95-perc': typeOf((b) => b.percentiles!['95']!),
          '99-perc': typeOf((b) => b.percentiles!['99']!),
        },
      };
    };
    for (const [layout, history] of layouts) {
      const results = await history.aggregate(keys, 'cpu/usage_rate', aggregations, { startMs: t0 - 1_000, endMs: t0 + 4 * stepMs, bucketMs });
      expect(results, layout).toEqual(nodeNames().map(expectedFor));
    }
  });

  it('aggregates the whole range into one bucket at the range start without a bucket size', async () => {
    const node = nodeNames()[0]!;
    const values = batches.map((b) => setOf(b, `node:${node}`).metricValues.get('memory/usage')!);
    for (const [, history] of layouts) {
      const [result] = await history.aggregate([{ kind: 'node', node }], 'memory/usage', ['max', 'count'], { startMs: t0 - 1_000 });
      expect(result).toEqual({ bucketSizeMs: 0, buckets: [{ timestamp: t0 - 1_000, maximum: Math.max(...values), count: values.length }], valueTypes: { max: 'int64' } });
    }
  });
});
