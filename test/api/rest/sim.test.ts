/**
 * The REST surface mounted on a whole Heapgraph fed by the embedded simulator (1 s resolution,
 * pods replaced while it runs): every route family answers over real HTTP and agrees with the
 * query service, lists follow pods as they come and go, and `/metrics` carries the process,
 * Heapster and per-route metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { silentLogger } from '../../../src/core/log.js';
import { parseQuantity } from '../../../src/core/quantity.js';
import { rawGet } from './fixtureApi.js';
import { configFrom, waitFor } from '../../helpers/heapgraph.js';


/**
 * Runs `read` until the newest batch is the same before and after it, so a REST answer and the
 * query service are compared on one batch.
 */
async function onOneBatch<T>(app: Heapgraph, read: () => Promise<T>): Promise<{ value: T; timestamp: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = app.query.latestBatch()?.timestamp;
    const value = await read();
    if (before !== undefined && app.query.latestBatch()?.timestamp === before) return { value, timestamp: before };
  }
  throw new Error('batches kept changing');
}

const sorted = (values: string[]) => [...values].sort();

describe('the REST surface on Heapgraph fed by the simulator', () => {
  let app: Heapgraph;
  const get = async (path: string) => {
    const res = await fetch(`${app.url}${path}`);
    return { status: res.status, text: await res.text() };
  };
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return JSON.parse(res.text);
  };

  /** Every pod key any batch had, to find pods that have left. */
  const seenPodKeys = new Set<string>();
  const departedPod = () => {
    const newest = app.query.latestBatch();
    return [...seenPodKeys].find((k) => newest && !newest.metricSets.has(k) && app.query.entity(k) !== undefined);
  };

  beforeAll(async () => {
    const config = configFrom(['--source=sim:?nodes=3&podsPerNode=4&seed=11&podsPerMinute=120', '--metric_resolution=1s', '--heapster_port=0', '--listen_ip=127.0.0.1']);
    app = await runHeapgraph(config, silentLogger(), { surfaces: [createRestSurface()] });
    app.feed.onBatch((batch) => {
      for (const [key, set] of batch.metricSets) if (set.labels.type === 'pod') seenPodKeys.add(key);
    });
    // Three batches, and a pod that has left the newest batch but is still retained.
    await waitFor(() => (app.query.timestamps().length >= 3 && departedPod() ? true : undefined), 30_000);
  }, 45_000);
  afterAll(async () => app?.stop());

  it('lists nodes, namespaces, pods and containers of the newest batch as pods come and go', async () => {
    const { value, timestamp } = await onOneBatch(app, async () => ({
      nodes: await json('/api/v1/model/nodes'),
      namespaces: await json('/api/v1/model/namespaces/'),
      keys: await json('/api/v1/model/debug/allkeys'),
    }));
    const batch = app.query.latestBatch()!;
    expect(batch.timestamp).toBe(timestamp);
    expect(sorted(value.nodes)).toEqual(sorted(app.sim!.cluster.nodes.map((n) => n.name)));
    expect(sorted(value.keys)).toEqual(sorted([...batch.metricSets.keys()]));
    expect(sorted(value.namespaces)).toEqual(sorted(app.query.namespaces().map((n) => n.labels.namespace_name!)));
    // A pod that left is still answered from retention, but not listed.
    const left = departedPod();
    expect(left, 'a departed pod').toBeDefined();
    const [, ns, pod] = /^namespace:([^/]+)\/pod:(.+)$/.exec(left!)!;
    const { value: pods } = await onOneBatch(app, () => json(`/api/v1/model/namespaces/${ns}/pods`));
    expect(pods).not.toContain(pod);
    expect(sorted(pods)).toEqual(sorted(app.query.pods(ns).map((p) => p.labels.pod_name!)));
    expect((await json(`/api/v1/model/namespaces/${ns}/pods/${pod}/metrics/memory/working_set`)).metrics.length).toBeGreaterThan(0);
    for (const p of app.query.pods(ns)) {
      const containers = await json(`/api/v1/model/namespaces/${ns}/pods/${p.labels.pod_name}/containers`);
      expect(containers.length).toBeGreaterThan(0);
    }
    for (const node of app.sim!.cluster.nodes) {
      expect(sorted(await json(`/api/v1/model/nodes/${node.name}/freecontainers/`))).toEqual(['kubelet', 'pods']);
    }
  });

  it('answers metric routes, aliases and pod lists with the query service\'s points', async () => {
    const timestamps = app.query.timestamps();
    const end = new Date(timestamps[timestamps.length - 1]!).toISOString();
    const range = { endMs: timestamps[timestamps.length - 1]! };
    const values = (body: { metrics: Array<{ value: number }> }) => body.metrics.map((p) => p.value);
    for (const node of app.sim!.cluster.nodes) {
      const body = await json(`/api/v1/model/nodes/${node.name}/metrics/cpu-usage?end=${end}`);
      expect(values(body)).toEqual(app.query.series(`node:${node.name}`, 'cpu/usage_rate', range).points.map((p) => p.value));
      expect(body.metrics.length).toBeGreaterThanOrEqual(1);
      expect(await json(`/api/v1/model/nodes/${node.name}/metrics`)).toContain('memory/working_set');
      const kubelet = await json(`/api/v1/model/nodes/${node.name}/freecontainers/kubelet/metrics/memory-working?end=${end}`);
      expect(values(kubelet)).toEqual(app.query.series(`node:${node.name}/container:kubelet`, 'memory/working_set', range).points.map((p) => p.value));
    }
    expect(values(await json(`/api/v1/model/metrics/memory-usage?end=${end}`))).toEqual(app.query.series('cluster', 'memory/usage', range).points.map((p) => p.value));
    expect(await json('/api/v1/model/metrics')).toContain('cpu/usage_rate');
    const ns = app.query.namespaces()[0]!.labels.namespace_name!;
    expect(values(await json(`/api/v1/model/namespaces/${ns}/metrics/cpu-limit?end=${end}`))).toEqual(app.query.series(`namespace:${ns}`, 'cpu/limit', range).points.map((p) => p.value));
    const pods = app.query.pods(ns).map((p) => p.labels.pod_name!);
    const list = await json(`/api/v1/model/namespaces/${ns}/pod-list/${[...pods, pods[0]].join(',')}/metrics/memory-limit?end=${end}`);
    expect(list.items.map(values)).toEqual([...pods, pods[0]].map((p) => app.query.series(`namespace:${ns}/pod:${p}`, 'memory/limit', range).points.map((x) => x.value)));
    const container = app.query.containers(ns, pods[0]!)[0]!.labels.container_name!;
    const path = `/api/v1/model/namespaces/${ns}/pods/${pods[0]}/containers/${container}/metrics/cpu/usage_rate?end=${end}`;
    expect(values(await json(path))).toEqual(app.query.series(`namespace:${ns}/pod:${pods[0]}/container:${container}`, 'cpu/usage_rate', range).points.map((p) => p.value));
  });

  it('aggregates from memory with the query service\'s statistics', async () => {
    const timestamps = app.query.timestamps();
    const endMs = timestamps[timestamps.length - 1]!;
    const body = await json(`/api/v1/model/metrics-aggregated/max,count/cpu/usage_rate?end=${new Date(endMs).toISOString()}`);
    const expected = app.query.aggregate('cluster', 'cpu/usage_rate', ['max', 'count'], { endMs });
    expect(body.buckets).toHaveLength(1);
    expect(body.buckets[0].count).toBe(expected.buckets[0]!.count);
    expect(body.buckets[0].maximum).toEqual({ intValue: expected.buckets[0]!.maximum });
    const node = app.sim!.cluster.nodes[0]!.name;
    const bucketed = await json(`/api/v1/model/nodes/${node}/metrics-aggregated/average/memory/working_set?bucket=1s&end=${new Date(endMs).toISOString()}`);
    expect(bucketed.bucketSize).toBe(1e9);
    expect(bucketed.buckets.length).toBe(app.query.series(`node:${node}`, 'memory/working_set', { endMs }).points.length);
  });

  it('exports the newest batch and serves the metrics APIs with the newest usage', async () => {
    const { value: exported, timestamp } = await onOneBatch(app, () => json('/api/v1/metric-export'));
    const batch = app.query.latestBatch()!;
    const exportable = [...batch.metricSets.values()].filter((s) => ['node', 'pod', 'pod_container', 'sys_container'].includes(s.labels.type!));
    expect(exported).toHaveLength(exportable.length);
    expect(exported.filter((t: { labels: Record<string, string> }) => t.labels.container_name === 'machine')).toHaveLength(app.sim!.cluster.nodes.length);
    expect(batch.timestamp).toBe(timestamp);

    const { value: nodes, timestamp: at } = await onOneBatch(app, () => json('/apis/metrics.k8s.io/v1beta1/nodes'));
    expect(nodes.kind).toBe('NodeMetricsList');
    expect(nodes.items).toHaveLength(app.sim!.cluster.nodes.length);
    for (const item of nodes.items) {
      expect(item.window).toBe('1s');
      expect(Date.parse(item.timestamp)).toBe(at);
      expect(parseQuantity(item.usage.cpu)! * 1000).toBeCloseTo(app.query.latest(`node:${item.metadata.name}`, 'cpu/usage_rate')!.value, 6);
      expect(item.metadata.labels['kubernetes.io/hostname']).toBe(item.metadata.name);
    }
    const pod = app.query.kube.listPods().find((p) => app.query.pods().some((e) => e.labels.pod_name === p.metadata?.name && app.query.latest(`${e.key}`, 'cpu/usage_rate')))!;
    const [key, value] = Object.entries(pod.metadata!.labels!)[0]!;
    const { value: selected } = await onOneBatch(app, () => json(`/apis/metrics.k8s.io/v1beta1/pods?labelSelector=${encodeURIComponent(`${key}=${value}`)}`));
    expect(selected.kind).toBe('PodMetricsList');
    for (const item of selected.items) expect(item.metadata.labels[key]).toBe(value);
    const alpha = await json('/apis/metrics/v1alpha1/nodes');
    expect(alpha.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(sorted(app.sim!.cluster.nodes.map((n) => n.name)));
    expect((await json('/apis/metrics.k8s.io/v1beta1')).kind).toBe('APIResourceList');
  });

  it('serves /metrics with process, Heapster and per-route metrics, and gzip when asked', async () => {
    await json('/api/v1/model/nodes');
    const text = (await get('/metrics')).text;
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^heapster_scraper_duration_milliseconds_count\{source="kubelet_summary:[^"]+"\} [1-9]/m);
    expect(text).toMatch(/^heapster_processor_duration_milliseconds_count\{processor="[^"]+"\} [1-9]/m);
    expect(text).toMatch(/^http_requests_total\{handler="nodeList",method="get",code="200"\} [1-9]/m);
    const raw = await rawGet(`${app.url}/api/v1/model/nodes`, { 'Accept-Encoding': 'gzip' });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect(sorted(raw.json())).toEqual(sorted(app.sim!.cluster.nodes.map((n) => n.name)));
    const health = await get('/healthz');
    expect([health.status, health.text]).toEqual([200, 'ok']);
  });
});
