import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { createQueryService } from '../../src/api/query/service.js';
import type { KubeReader, ScrapeStatusReader } from '../../src/api/query/types.js';
import { namespaceKey, nodeKey, podContainerKey, podKey, systemContainerKey, workloadKey, type WorkloadKind } from '../../src/core/keys.js';
import { allMetrics, describeMetric } from '../../src/core/metrics.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../../src/core/types.js';
import type { NodeScrapeStatus } from '../../src/sources/types.js';
import { createModelStore } from '../../src/store/modelStore.js';

const minute = 60_000;
const t0 = Date.UTC(2024, 0, 1, 10, 0, 0);

function set(labels: Record<string, string>, values: Record<string, number> = {}): MetricSet {
  const s = createMetricSet(labels);
  for (const [name, value] of Object.entries(values)) s.metricValues.set(name, value);
  return s;
}

const node = (name: string, values: Record<string, number> = {}) => [nodeKey(name), set({ type: 'node', nodename: name, hostname: `${name}.example` }, values)] as const;
const namespace = (ns: string) => [namespaceKey(ns), set({ type: 'ns', namespace_name: ns })] as const;
const pod = (ns: string, name: string) => [podKey(ns, name), set({ type: 'pod', namespace_name: ns, pod_name: name, nodename: 'node-a' }, { 'memory/usage': 1_000 })] as const;
const container = (ns: string, p: string, c: string, values: Record<string, number> = {}) =>
  [podContainerKey(ns, p, c), set({ type: 'pod_container', namespace_name: ns, pod_name: p, container_name: c }, values)] as const;
const systemContainer = (nodeName: string, c: string) =>
  [systemContainerKey(nodeName, c), set({ type: 'sys_container', nodename: nodeName, hostname: `${nodeName}.example`, container_name: c })] as const;
const workload = (ns: string, kind: WorkloadKind, name: string) =>
  [workloadKey(ns, kind, name), set({ type: 'workload', namespace_name: ns, workload_kind: kind, workload_name: name })] as const;

/** The older batch: a pod and a custom metric that the newest batch no longer has. */
const olderBatch: DataBatch = {
  timestamp: t0,
  metricSets: new Map([node('node-a', { 'memory/usage': 10 }), pod('old-ns', 'gone'), container('old-ns', 'gone', 'app', { 'custom/retired_metric': 1 })]),
};

/** The newest batch, with every set inserted out of key order. */
const newestBatch: DataBatch = {
  timestamp: t0 + minute,
  metricSets: new Map([
    node('node-b'),
    node('node-a', { 'memory/usage': 20 }),
    namespace('kube-system'),
    namespace('default'),
    pod('kube-system', 'dns'),
    pod('default', 'web-2'),
    pod('default', 'web-1'),
    container('default', 'web-1', 'sidecar'),
    container('default', 'web-1', 'nginx', { 'nvidia.com/gpu/request': 1, 'custom/queue_depth': 3.5, 'weird_metric': 1 }),
    container('default', 'web-2', 'nginx', { 'custom/queue_depth': 2, 'example.com/foo/request': 2 }),
    container('kube-system', 'dns', 'coredns'),
    systemContainer('node-b', 'kubelet'),
    systemContainer('node-a', 'runtime'),
    systemContainer('node-a', 'kubelet'),
    workload('kube-system', 'Deployment', 'coredns'),
    workload('default', 'StatefulSet', 'db'),
    workload('default', 'Deployment', 'web'),
  ]),
};

function serviceOverStore(options: { kube?: KubeReader; scrapes?: ScrapeStatusReader } = {}) {
  const model = createModelStore({ retentionMs: 15 * minute });
  model.write(olderBatch);
  model.write(newestBatch);
  return { model, query: createQueryService({ model, ...options }) };
}

const keysOf = (entities: Array<{ key: string }>) => entities.map((e) => e.key);

describe('createQueryService lists', () => {
  const { query } = serviceOverStore();

  it('lists nodes, namespaces, pods and workloads of the newest batch sorted by key', () => {
    expect(keysOf(query.nodes())).toEqual([nodeKey('node-a'), nodeKey('node-b')]);
    expect(keysOf(query.namespaces())).toEqual([namespaceKey('default'), namespaceKey('kube-system')]);
    expect(keysOf(query.pods())).toEqual([podKey('default', 'web-1'), podKey('default', 'web-2'), podKey('kube-system', 'dns')]);
    expect(keysOf(query.workloads())).toEqual([
      workloadKey('default', 'Deployment', 'web'),
      workloadKey('default', 'StatefulSet', 'db'),
      workloadKey('kube-system', 'Deployment', 'coredns'),
    ]);
  });

  it('carries each entity with its type and labels from the newest batch', () => {
    expect(query.nodes()[0]).toMatchObject({ key: nodeKey('node-a'), type: 'node', labels: { nodename: 'node-a', hostname: 'node-a.example' }, lastSeenMs: newestBatch.timestamp });
  });

  it.each([
    ['default', [podKey('default', 'web-1'), podKey('default', 'web-2')]],
    ['kube-system', [podKey('kube-system', 'dns')]],
    ['old-ns', []],
    ['missing', []],
  ])('lists the pods of namespace %s', (ns, keys) => {
    expect(keysOf(query.pods(ns))).toEqual(keys);
  });

  it.each([
    ['default', 'web-1', [podContainerKey('default', 'web-1', 'nginx'), podContainerKey('default', 'web-1', 'sidecar')]],
    ['default', 'web-2', [podContainerKey('default', 'web-2', 'nginx')]],
    ['kube-system', 'web-1', []],
    ['old-ns', 'gone', []],
  ])('lists the containers of pod %s/%s', (ns, p, keys) => {
    expect(keysOf(query.containers(ns, p))).toEqual(keys);
  });

  it.each([
    ['node-a.example', [systemContainerKey('node-a', 'kubelet'), systemContainerKey('node-a', 'runtime')]],
    ['node-b.example', [systemContainerKey('node-b', 'kubelet')]],
    ['node-a', []],
  ])('lists the system containers whose hostname label is %s', (hostname, keys) => {
    expect(keysOf(query.systemContainers(hostname))).toEqual(keys);
  });

  it.each([
    ['default', undefined, [workloadKey('default', 'Deployment', 'web'), workloadKey('default', 'StatefulSet', 'db')]],
    [undefined, 'Deployment', [workloadKey('default', 'Deployment', 'web'), workloadKey('kube-system', 'Deployment', 'coredns')]],
    ['default', 'StatefulSet', [workloadKey('default', 'StatefulSet', 'db')]],
    ['kube-system', 'StatefulSet', []],
    [undefined, 'Job', []],
  ])('lists the workloads of namespace %s and kind %s', (ns, kind, keys) => {
    expect(keysOf(query.workloads(ns, kind))).toEqual(keys);
  });
});

describe('createQueryService reads', () => {
  const { query, model } = serviceOverStore();

  it('passes the newest batch, timestamps, retention and keys through from the store', () => {
    expect(query.latestBatch()).toBe(newestBatch);
    expect(query.timestamps()).toEqual([olderBatch.timestamp, newestBatch.timestamp]);
    expect(query.retentionMs).toBe(model.retentionMs);
    expect([...query.keys()].sort()).toEqual([...newestBatch.metricSets.keys()].sort());
  });

  it('reads series, latest points and metric names over the whole retention', () => {
    const key = nodeKey('node-a');
    expect(query.series(key, 'memory/usage').points).toEqual([
      { timestamp: olderBatch.timestamp, value: 10 },
      { timestamp: newestBatch.timestamp, value: 20 },
    ]);
    expect(query.latest(key, 'memory/usage')).toEqual({ timestamp: newestBatch.timestamp, value: 20 });
    expect(query.metricNames(key)).toEqual(['memory/usage']);
    expect(query.entity(podKey('old-ns', 'gone'))?.lastSeenMs).toBe(olderBatch.timestamp);
    expect(query.aggregate(key, 'memory/usage', ['max', 'count']).buckets).toEqual([expect.objectContaining({ count: 2, maximum: 20 })]);
  });
});

describe('createQueryService metricCatalogue', () => {
  it('adds the dynamic custom and extended-request metrics of the newest batch, sorted, after the fixed catalogue', () => {
    const { query } = serviceOverStore();
    const dynamic = ['custom/queue_depth', 'example.com/foo/request', 'nvidia.com/gpu/request'];
    expect(query.metricCatalogue()).toEqual([...allMetrics, ...dynamic.map((name) => describeMetric(name))]);
  });

  it('leaves out dynamic metrics only older batches had, and names that describe nothing', () => {
    const names = createQueryService({ model: serviceOverStore().model }).metricCatalogue().map((m) => m.name);
    expect(names).not.toContain('custom/retired_metric');
    expect(names).not.toContain('weird_metric');
  });

  it('is the fixed catalogue for an empty store', () => {
    expect(createQueryService({ model: createModelStore() }).metricCatalogue()).toEqual([...allMetrics]);
  });

  it('describes fixed and dynamic names', () => {
    const { query } = serviceOverStore();
    expect(query.describeMetric('cpu/usage_rate')).toEqual(describeMetric('cpu/usage_rate'));
    expect(query.describeMetric('custom/anything')?.valueType).toBe('float');
    expect(query.describeMetric('weird_metric')).toBeUndefined();
  });
});

describe('createQueryService Kubernetes objects and scrape statuses', () => {
  const statuses: NodeScrapeStatus[] = [
    { nodeName: 'node-a', url: 'http://10.0.0.1:10255/stats/summary', outcome: 'ok', latencyMs: 12, lastSuccessMs: t0 + minute },
    { nodeName: 'node-b', url: 'http://10.0.0.2:10255/stats/summary', outcome: 'timeout', latencyMs: 20_000, error: 'timed out', lastSuccessMs: t0 },
  ];

  it('finds the latest scrape status of a node by name, reading the source at call time', () => {
    let current: NodeScrapeStatus[] = [];
    const { query } = serviceOverStore({ scrapes: { statuses: () => current } });
    expect(query.scrapeStatus('node-b')).toBeUndefined();
    current = statuses;
    expect(query.scrapeStatus('node-b')).toBe(statuses[1]);
    expect(query.scrapeStatus('node-c')).toBeUndefined();
    expect(query.scrapeStatuses()).toBe(statuses);
  });

  it('hands out the given Kubernetes reader', () => {
    const web1 = { metadata: { name: 'web-1', namespace: 'default' } } as V1Pod;
    const kube: KubeReader = {
      getPod: (ns, name) => (ns === 'default' && name === 'web-1' ? web1 : undefined),
      listPods: () => [web1],
      getNode: () => undefined,
      listNodes: () => [],
      getNamespace: () => undefined,
    };
    const { query } = serviceOverStore({ kube });
    expect(query.kube).toBe(kube);
    expect(query.kube.getPod('default', 'web-1')).toBe(web1);
  });

  it('works without Kubernetes caches or scrape statuses', () => {
    const { query } = serviceOverStore();
    expect(query.kube.getPod('default', 'web-1')).toBeUndefined();
    expect(query.kube.listPods()).toEqual([]);
    expect(query.kube.listPods('default')).toEqual([]);
    expect(query.kube.getNode('node-a')).toBeUndefined();
    expect(query.kube.listNodes()).toEqual([]);
    expect(query.kube.getNamespace('default')).toBeUndefined();
    expect(query.scrapeStatus('node-a')).toBeUndefined();
    expect(query.scrapeStatuses()).toEqual([]);
    expect(keysOf(query.pods('default'))).toHaveLength(2);
  });

  it('lists nothing before the first batch', () => {
    const query = createQueryService({ model: createModelStore() });
    expect(query.latestBatch()).toBeUndefined();
    expect([query.nodes(), query.namespaces(), query.pods(), query.containers('default', 'web-1'), query.systemContainers('node-a.example'), query.workloads()]).toEqual([[], [], [], [], [], []]);
    expect(query.keys()).toEqual([]);
  });
});
