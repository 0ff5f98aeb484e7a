import { describe, expect, it } from 'vitest';
import { clusterKey, namespaceKey, podContainerKey, systemContainerKey } from '../../src/core/keys.js';
import { createMetricSet, type DataBatch } from '../../src/core/types.js';
import { createModelStore } from '../../src/store/modelStore.js';
import { at, batchOf, labeled, node, pod } from './batches.js';

function container(namespace: string, podName: string, name: string, cpu: number) {
  const set = createMetricSet({ type: 'pod_container', namespace_name: namespace, pod_name: podName, container_name: name }, { collectionStartTime: 1234 });
  set.metricValues.set('cpu/usage_rate', cpu);
  return [podContainerKey(namespace, podName, name), set] as const;
}

function clusterBatch(m: number): DataBatch {
  const sysContainer = createMetricSet({ type: 'sys_container', hostname: 'host-1', container_name: 'kubelet' });
  sysContainer.metricValues.set('memory/usage', m);
  const ns = createMetricSet({ type: 'ns', namespace_name: 'kube-system' });
  ns.metricValues.set('cpu/usage_rate', m);
  return batchOf(at(m), [
    node('n1', { 'cpu/usage_rate': 100 + m, 'cpu/node_utilization': 0.25 + m / 100, 'cpu/usage': 1e12 + m }, { hostname: 'host-1' }),
    node('n2', { 'cpu/usage_rate': 200 + m }, { hostname: 'host-2' }),
    [systemContainerKey('n1', 'kubelet'), sysContainer],
    [namespaceKey('kube-system'), ns],
    [clusterKey(), createMetricSet({ type: 'cluster' })],
    pod('kube-system', 'dns', { 'cpu/usage_rate': m }),
    pod('default', 'web', { 'cpu/usage_rate': 2 * m, 'memory/usage': 3 * m }),
    container('default', 'web', 'nginx', m),
    container('default', 'web', 'sidecar', m + 1),
    container('kube-system', 'dns', 'coredns', m + 2),
  ]);
}

describe('queries over the latest batch', () => {
  const store = createModelStore();
  store.write(clusterBatch(0));
  const latest = clusterBatch(1);
  store.write(latest);

  it('returns the latest batch object itself', () => {
    expect(store.latestBatch()).toBe(latest);
  });

  it('lists every metric-set key of the latest batch', () => {
    expect(store.keys().sort()).toEqual([...latest.metricSets.keys()].sort());
  });

  it('lists entities of a type, filtered by labels', () => {
    expect(store.entities('node').map((e) => e.labels['hostname']).sort()).toEqual(['host-1', 'host-2']);
    expect(store.entities('pod', { namespace_name: 'default' }).map((e) => e.key)).toEqual(['namespace:default/pod:web']);
    const containers = store.entities('pod_container', { namespace_name: 'default', pod_name: 'web' });
    expect(containers.map((e) => e.labels['container_name']).sort()).toEqual(['nginx', 'sidecar']);
    expect(store.entities('sys_container', { hostname: 'host-1' }).map((e) => e.labels['container_name'])).toEqual(['kubelet']);
    expect(store.entities('ns').map((e) => e.labels['namespace_name'])).toEqual(['kube-system']);
    expect(store.entities('pod', { namespace_name: 'nope' })).toEqual([]);
    expect(store.entities('deployment')).toEqual([]);
  });

  it('describes an entity with its type, labels, start time and last batch', () => {
    const info = store.entity(podContainerKey('default', 'web', 'nginx'));
    expect(info).toMatchObject({ key: podContainerKey('default', 'web', 'nginx'), type: 'pod_container', collectionStartTime: 1234, lastSeenMs: at(1) });
    expect(info?.labels).toEqual({ type: 'pod_container', namespace_name: 'default', pod_name: 'web', container_name: 'nginx' });
    expect(typeof info?.id).toBe('number');
    expect(store.entity('node:nope')).toBeUndefined();
  });

  it('lists a set\'s metric names sorted, and none for a set without values', () => {
    expect(store.metricNames('node:n1')).toEqual(['cpu/node_utilization', 'cpu/usage', 'cpu/usage_rate']);
    expect(store.metricNames(clusterKey())).toEqual([]);
    expect(store.entity(clusterKey())?.type).toBe('cluster');
  });

  it('keeps int and float value types and the metric type of each column', () => {
    expect(store.series('node:n1', 'cpu/node_utilization')).toEqual({
      metricType: 'gauge',
      valueType: 'float',
      points: [
        { timestamp: at(0), value: 0.25 },
        { timestamp: at(1), value: 0.26 },
      ],
    });
    expect(store.series('node:n1', 'cpu/usage')).toMatchObject({ metricType: 'cumulative', valueType: 'int64', points: [{ value: 1e12 }, { value: 1e12 + 1 }] });
    expect(store.series('node:n2', 'cpu/usage_rate').valueType).toBe('int64');
  });

  it('falls back to the catalogue types for a metric with no data', () => {
    expect(store.series('node:n1', 'memory/node_utilization')).toEqual({ metricType: 'gauge', valueType: 'float', points: [] });
    expect(store.series('node:n1', 'memory/page_faults')).toEqual({ metricType: 'cumulative', valueType: 'int64', points: [] });
    expect(store.series('node:nope', 'cpu/usage_rate').points).toEqual([]);
  });

  it('returns the newest point of a series', () => {
    expect(store.latest('namespace:default/pod:web', 'memory/usage')).toEqual({ timestamp: at(1), value: 3 });
    expect(store.latest('namespace:default/pod:web', 'cpu/limit')).toBeUndefined();
    expect(store.latest('node:nope', 'cpu/usage_rate')).toBeUndefined();
  });
});

describe('an empty store', () => {
  const store = createModelStore();

  it('answers every query with nothing', () => {
    expect(store.latestBatch()).toBeUndefined();
    expect(store.timestamps()).toEqual([]);
    expect(store.keys()).toEqual([]);
    expect(store.entities('node')).toEqual([]);
    expect(store.metricNames('cluster')).toEqual([]);
    expect(store.series('cluster', 'cpu/usage_rate').points).toEqual([]);
    expect(store.aggregate('cluster', 'cpu/usage_rate', ['count']).buckets).toEqual([]);
    expect(store.memoryBytes()).toBeGreaterThan(0);
  });
});

describe('write validation', () => {
  it('skips a malformed set and stores the rest of the batch', () => {
    const store = createModelStore();
    const batch = batchOf(at(0), [pod('default', 'a', { 'cpu/usage_rate': 1 })]);
    batch.metricSets.set('namespace:default/pod:b', { labels: {} } as never);
    batch.metricSets.set('namespace:default/pod:c', null as never);
    store.write(batch);
    expect(store.series('namespace:default/pod:a', 'cpu/usage_rate').points).toEqual([{ timestamp: at(0), value: 1 }]);
    expect(store.entity('namespace:default/pod:b')).toBeUndefined();
    expect(store.entity('namespace:default/pod:c')).toBeUndefined();
  });

  it('refuses a malformed batch without changing anything', () => {
    const store = createModelStore();
    store.write(batchOf(at(0), [pod('default', 'a', { 'cpu/usage_rate': 1 })]));
    expect(() => store.write({ timestamp: at(1), metricSets: [] } as never)).toThrow(expect.objectContaining({ code: 'invalid_batch' }));
    expect(store.timestamps()).toEqual([at(0)]);
  });

  it.each([
    ['null', null, /batch must be an object, received null/],
    ['a timestamp that is not a number', { timestamp: '1', metricSets: new Map() }, /batch.timestamp .* received string/],
    ['metric sets that are not a Map', { timestamp: 1, metricSets: {} }, /batch.metricSets must be a Map, received object/],
  ])('rejects %s, naming the field', (_, batch, message) => {
    expect(() => createModelStore().write(batch as never)).toThrow(message);
  });

  it('skips values that are not numbers and keeps the rest of the set', () => {
    const store = createModelStore();
    const entry = pod('default', 'a', { 'cpu/usage_rate': 5 });
    entry[1].labeledMetrics.push({ name: 'filesystem/usage', labels: null, value: 1 } as never, labeled('filesystem/usage', { resource_id: '/' }, 2));
    entry[1].metricValues.set('memory/usage', Number.NaN);
    entry[1].metricValues.set('memory/rss', 'x' as never);
    store.write(batchOf(at(0), [entry]));
    expect(store.metricNames('namespace:default/pod:a')).toEqual(['cpu/usage_rate']);
    expect(store.labeledSeries('namespace:default/pod:a', 'filesystem/usage', undefined).map((s) => s.points)).toEqual([[{ timestamp: at(0), value: 2 }]]);
  });
});
