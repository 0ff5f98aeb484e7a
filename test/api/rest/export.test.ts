/**
 * `/api/v1/metric-export` and `/api/v1/metric-export-schema` over real HTTP on the v1.26
 * capture: the newest batch only, exported label keys with the `machine` and `/pod` overrides,
 * the exported metric set, cumulative start times, `null` before the first batch, `[]` with
 * `disableExport`, and the schema's order and fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatGoTime } from '../../../src/api/rest/goTime.js';
import { commonLabels, containerLabels, podLabels } from '../../../src/core/labels.js';
import { labeledMetrics, standardMetrics } from '../../../src/core/metrics.js';
import { legacySystemContainerNames } from '../../../src/sources/summary/decode.js';
import { fixtureNodes, fixturePods } from '../../helpers/listers.js';
import { fixtureSummaries, hostname, nodeName, startFixtureApi, times, type FixtureApi } from './fixtureApi.js';

const summaries = fixtureSummaries();
const newest = summaries[2];
const end = formatGoTime(times[2]);
const exportedKeys = new Set([...commonLabels, ...containerLabels, ...podLabels].map((l) => l.key));

type Point = { start: string; end: string; labels?: Record<string, string>; value: number };
type Timeseries = { metrics: Record<string, Point[]>; labels: Record<string, string> };

describe('metric export on the v1.26 capture', () => {
  let api: FixtureApi;
  let series: Timeseries[];
  beforeAll(async () => {
    api = await startFixtureApi();
    const res = await api.get('/api/v1/metric-export');
    expect(res.status).toBe(200);
    expect(res.text).toBe(`${JSON.stringify(res.json())}\n`);
    series = res.json();
  });
  afterAll(async () => api.close());

  it('exports one timeseries per node, system container, pod and container of the newest batch', () => {
    const containers = newest.pods.reduce((n, p) => n + p.containers.length, 0);
    expect(series).toHaveLength(1 + newest.node.systemContainers.length + newest.pods.length + containers);
    const podNames = series.filter((s) => s.labels.container_name === '/pod').map((s) => s.labels.pod_name).sort();
    expect(podNames).toEqual(newest.pods.map((p) => p.podRef.name).sort());
  });

  it('labels the node "machine" and pods "/pod", and exports only the common, container and pod label keys', () => {
    const node = series.filter((s) => s.labels.container_name === 'machine');
    expect(node).toHaveLength(1);
    // Node labels are joined into `labels` by the node autoscaling enricher, and exported.
    const nodeLabels = Object.entries(fixtureNodes()[0]!.metadata!.labels!).map(([k, v]) => `${k}:${v}`).sort().join(',');
    expect(node[0]!.labels).toEqual({ container_name: 'machine', nodename: nodeName, hostname, host_id: 'i-0123', labels: nodeLabels });
    for (const s of series) {
      for (const key of Object.keys(s.labels)) expect(exportedKeys.has(key), key).toBe(true);
      expect(Object.keys(s.labels)).toEqual(Object.keys(s.labels).sort());
    }
    const spec = fixturePods().find((p) => p.metadata?.name === newest.pods[0]!.podRef.name)!;
    const pod = series.find((s) => s.labels.container_name === '/pod' && s.labels.pod_name === spec.metadata!.name)!;
    expect(pod.labels.pod_id).toBe(spec.metadata!.uid);
    expect(pod.labels.labels).toBe(Object.entries(spec.metadata!.labels ?? {}).map(([k, v]) => `${k}:${v}`).sort().join(','));
    const free = series.filter((s) => s.labels.container_name && !('pod_name' in s.labels) && s.labels.container_name !== 'machine');
    expect(free.map((s) => s.labels.container_name).sort()).toEqual(newest.node.systemContainers.map((c) => legacySystemContainerNames.get(c.name) ?? c.name).sort());
  });

  it('exports the standard metrics, limits and labeled metrics, and no rates or requests', () => {
    const node = series.find((s) => s.labels.container_name === 'machine')!;
    const names = Object.keys(node.metrics);
    expect(names).toEqual([...names].sort());
    const allowed = new Set([...standardMetrics.map((d) => d.name), 'cpu/limit', 'memory/limit', ...labeledMetrics.map((d) => d.name)]);
    for (const s of series) for (const name of Object.keys(s.metrics)) expect(allowed.has(name), name).toBe(true);
    expect(names).not.toContain('cpu/usage_rate');
    expect(names).not.toContain('memory/request');
    expect(names).not.toContain('cpu/node_utilization');
    expect(node.metrics['memory/working_set']).toEqual([{ start: end, end, value: newest.node.memory.workingSetBytes }]);
    // Cumulative points start when the node booted.
    expect(node.metrics['cpu/usage']).toEqual([{ start: formatGoTime(Date.parse((newest.node as unknown as { startTime: string }).startTime)), end, value: newest.node.cpu.usageCoreNanoSeconds }]);
    expect(node.metrics['filesystem/usage']).toEqual([{ start: end, end, labels: { resource_id: '/' }, value: newest.node.fs!.usedBytes }]);
  });

  it('exports a pod\'s volumes as labeled points and its container\'s values', () => {
    const summaryPod = newest.pods[0]!;
    const volumes = (summaryPod as unknown as { volume: Array<{ name: string; usedBytes: number }> }).volume;
    const pod = series.find((s) => s.labels.container_name === '/pod' && s.labels.pod_name === summaryPod.podRef.name)!;
    expect(pod.metrics['filesystem/usage']!.map((p) => [p.labels, p.value])).toEqual(
      [...volumes].sort((a, b) => (a.name < b.name ? -1 : 1)).map((v) => [{ resource_id: `Volume:${v.name}` }, v.usedBytes]),
    );
    const c = summaryPod.containers[0]!;
    const container = series.find((s) => s.labels.pod_name === summaryPod.podRef.name && s.labels.container_name === c.name)!;
    expect(container.metrics['memory/working_set']![0]!.value).toBe(c.memory!.workingSetBytes);
  });

  it('describes the exported metrics in Heapster\'s order with its field conventions', async () => {
    const schema = (await api.get('/api/v1/metric-export-schema')).json();
    expect(schema.metrics.map((d: { name: string }) => d.name)).toEqual([...standardMetrics.map((d) => d.name), 'cpu/limit', 'memory/limit', ...labeledMetrics.map((d) => d.name)]);
    const byName = new Map(schema.metrics.map((d: { name: string }) => [d.name, d]));
    expect(byName.get('cpu/usage')).toEqual({ name: 'cpu/usage', description: 'Cumulative CPU usage on all cores', type: 'cumulative', value_type: 'int64', units: 'ns' });
    expect(byName.get('cpu/limit')).toEqual({ name: 'cpu/limit', description: 'CPU hard limit in millicores', type: 'gauge', value_type: 'int64' });
    expect(byName.get('disk/io_read_bytes_rate')).toMatchObject({ value_type: 'double', labels: [{ key: 'resource_id', description: 'Identifier(s) specific to a metric' }] });
    expect(schema.common_labels.map((l: { key: string }) => l.key)).toEqual(['nodename', 'hostname', 'host_id', 'container_name', 'container_base_image']);
    expect(schema.pod_labels.map((l: { key: string }) => l.key)).toEqual(['pod_name', 'pod_id', 'namespace_id', 'labels']);
  });
});

describe('metric export edge cases', () => {
  it('answers null before the first batch, as Heapster\'s nil slice', async () => {
    const api = await startFixtureApi({ batches: [] });
    try {
      const res = await api.get('/api/v1/metric-export');
      expect(res.status).toBe(200);
      expect(res.text).toBe('null\n');
    } finally {
      await api.close();
    }
  });

  it('answers [] with disableExport, and keeps the schema', async () => {
    const api = await startFixtureApi({ disableExport: true });
    try {
      expect((await api.get('/api/v1/metric-export')).json()).toEqual([]);
      expect((await api.get('/api/v1/metric-export-schema')).json().metrics.length).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('still exports without a model tree, which is then not mounted', async () => {
    const api = await startFixtureApi({ hasModel: false });
    try {
      expect((await api.get('/api/v1/metric-export')).json().length).toBeGreaterThan(0);
      const res = await api.get('/api/v1/model/nodes');
      expect([res.status, res.text]).toEqual([404, '404: Page Not Found']);
    } finally {
      await api.close();
    }
  });
});
