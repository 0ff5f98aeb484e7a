/**
 * The resource metrics APIs over real HTTP on the v1.26 capture: Heapster's v1alpha1 under
 * both of its prefixes, and metrics.k8s.io/v1beta1 with metrics-server's shapes, selectors,
 * Status errors and discovery. Usage is checked against the summaries' counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/core/quantity.js';
import { fixtureNodes, fixturePods } from '../../helpers/listers.js';
import { comer, fixtureSummaries, leaver, nodeName, nowMs, startFixtureApi, times, type FixtureApi, type Stats, type SummaryPod } from './fixtureApi.js';

const summaries = fixtureSummaries();
const [, before, newest] = summaries;
const cpuRate = (a: Stats, b: Stats) =>
  Math.trunc((1000 * ((b.usageCoreNanoSeconds as number) - (a.usageCoreNanoSeconds as number))) / ((Date.parse(b.time!) - Date.parse(a.time!)) * 1e6));
const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
const timestamp = seconds(times[2]);
const creationTimestamp = seconds(nowMs);

/** Checks a usage object against millicores and bytes, and its canonical suffixes. */
function expectUsage(usage: { cpu: string; memory: string }, millicores: number, bytes: number): void {
  expect(usage.cpu).toMatch(/^\d+m?$/);
  expect(usage.memory).toMatch(/^\d+(Ki|Mi|Gi)?$/);
  expect(parseQuantity(usage.cpu)).toBeCloseTo(millicores / 1000, 9);
  expect(parseQuantity(usage.memory)).toBe(bytes);
}

/** Pods of the newest batch that the API server knows, sorted as the API server lists them. */
const podsWithMetrics = (filter: (p: SummaryPod) => boolean = () => true) =>
  newest.pods
    .filter((p) => filter(p) && fixturePods().some((k) => k.metadata?.namespace === p.podRef.namespace && k.metadata?.name === p.podRef.name))
    .map((p) => `${p.podRef.namespace}/${p.podRef.name}`)
    .sort();
const previous = (p: SummaryPod) => before.pods.find((q) => q.podRef.name === p.podRef.name && q.podRef.namespace === p.podRef.namespace)!;

describe('the resource metrics APIs on the v1.26 capture', () => {
  let api: FixtureApi;
  beforeAll(async () => {
    api = await startFixtureApi();
  });
  afterAll(async () => api.close());

  describe.each(['/apis/metrics/v1alpha1', '/apis/metrics.k8s.io/v1alpha1'])('Heapster\'s v1alpha1 at %s', (prefix) => {
    it('lists node metrics without kind, with the newest batch\'s usage and the resolution as window', async () => {
      const res = await api.get(`${prefix}/nodes/`);
      const body = res.json();
      expect(Object.keys(body)).toEqual(['metadata', 'items']);
      expect(body.metadata).toEqual({});
      expect(body.items).toHaveLength(1);
      const [item] = body.items;
      expect(item.metadata).toEqual({ name: nodeName, creationTimestamp });
      expect([item.timestamp, item.window]).toEqual([timestamp, '1m0s']);
      expectUsage(item.usage, cpuRate(before.node.cpu, newest.node.cpu), newest.node.memory.workingSetBytes as number);
      expect((await api.get(`${prefix}/nodes/${nodeName}`)).json()).toEqual(item);
    });

    it('filters nodes by label selector, with null items when none match', async () => {
      expect((await api.get(`${prefix}/nodes?labelSelector=kubernetes.io/hostname%3Dminikube`)).json().items).toHaveLength(1);
      expect((await api.get(`${prefix}/nodes?labelSelector=kubernetes.io/hostname%3Dother`)).json()).toEqual({ metadata: {}, items: null });
    });

    it('lists pods whose every spec container has usage, the departed and pending ones excluded', async () => {
      const body = (await api.get(`${prefix}/pods`)).json();
      const names = body.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`);
      expect(names).toEqual(podsWithMetrics());
      expect(names).toContain(`${comer.namespace}/${comer.name}`);
      expect(names).not.toContain(`${leaver.namespace}/${leaver.name}`);
      expect(names).not.toContain('scraper/e2e-pending');
      const pod = newest.pods.find((p) => p.podRef.name === comer.name)!;
      const item = body.items.find((i: { metadata: { name: string } }) => i.metadata.name === comer.name);
      expect(item.metadata).toEqual({ name: comer.name, namespace: comer.namespace, creationTimestamp });
      expect(item.containers.map((c: { name: string }) => c.name)).toEqual(['busybox']);
      expectUsage(item.containers[0].usage, cpuRate(previous(pod).containers[0]!.cpu!, pod.containers[0]!.cpu!), pod.containers[0]!.memory!.workingSetBytes as number);
      expect((await api.get(`${prefix}/namespaces/${comer.namespace}/pods/${comer.name}/`)).json()).toEqual(item);
    });

    it('filters a namespace\'s pods by label selector', async () => {
      const body = (await api.get(`${prefix}/namespaces/scraper/pods?labelSelector=app%3Dstatefulset`)).json();
      expect(body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['e2e-statefulset-0', 'e2e-statefulset-1']);
      expect((await api.get(`${prefix}/namespaces/nowhere/pods`)).json()).toEqual({ metadata: {}, items: null });
    });

    it.each([
      ['/nodes/nowhere', 404, 'No metrics for node nowhere'],
      ['/namespaces/scraper/pods/e2e-pending', 404, 'No metrics availalble for pod scraper/e2e-pending'],
      [`/namespaces/${leaver.namespace}/pods/${leaver.name}`, 404, `No metrics availalble for pod ${leaver.namespace}/${leaver.name}`],
      // Heapster master answered 500 here (quirk 7); Heapgraph answers release 1.2's 404.
      ['/namespaces/scraper/pods/nobody', 404, 'Pod scraper/nobody not defined'],
      ['/nodes?labelSelector=a%3D(', 400, "Error while parsing selector a=(: found '(', expected: identifier"],
      ['/pods?labelSelector=!', 400, "Error while parsing selector !: found '', expected: identifier"],
    ])('answers %s with %d and Heapster\'s text', async (path, status, text) => {
      const res = await api.get(`${prefix}${path}`);
      expect([res.status, res.text]).toEqual([status, text]);
    });
  });

  describe('metrics.k8s.io/v1beta1 with metrics-server\'s shapes', () => {
    const beta = '/apis/metrics.k8s.io/v1beta1';

    it('serves the discovery documents kubectl reads', async () => {
      const resources = (await api.get(beta)).json();
      expect(resources).toEqual({
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: 'metrics.k8s.io/v1beta1',
        resources: [
          { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
          { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
        ],
      });
      const version = { groupVersion: 'metrics.k8s.io/v1beta1', version: 'v1beta1' };
      const group = { name: 'metrics.k8s.io', versions: [version], preferredVersion: version };
      expect((await api.get('/apis/metrics.k8s.io')).json()).toEqual({ kind: 'APIGroup', apiVersion: 'v1', ...group });
      expect((await api.get('/apis')).json()).toEqual({ kind: 'APIGroupList', apiVersion: 'v1', groups: [group] });
    });

    it('lists NodeMetrics with labels in metadata', async () => {
      const body = (await api.get(`${beta}/nodes`)).json();
      expect([body.kind, body.apiVersion, body.metadata]).toEqual(['NodeMetricsList', 'metrics.k8s.io/v1beta1', {}]);
      const [item] = body.items;
      expect(item.metadata).toEqual({ name: nodeName, creationTimestamp, labels: fixtureNodes()[0]!.metadata!.labels });
      expect([item.timestamp, item.window, item.kind]).toEqual([timestamp, '1m0s', undefined]);
      expectUsage(item.usage, cpuRate(before.node.cpu, newest.node.cpu), newest.node.memory.workingSetBytes as number);
      const single = (await api.get(`${beta}/nodes/${nodeName}`)).json();
      expect(single).toEqual({ kind: 'NodeMetrics', apiVersion: 'metrics.k8s.io/v1beta1', ...item });
      expect((await api.get(`${beta}/nodes?labelSelector=node-role.kubernetes.io/control-plane`)).json().items).toHaveLength(1);
      expect((await api.get(`${beta}/nodes?labelSelector=!node-role.kubernetes.io/control-plane`)).json().items).toEqual([]);
    });

    it('lists PodMetrics of all namespaces or one, filtered by label and field selectors', async () => {
      const all = (await api.get(`${beta}/pods`)).json();
      expect([all.kind, all.apiVersion, all.metadata]).toEqual(['PodMetricsList', 'metrics.k8s.io/v1beta1', {}]);
      expect(all.items.map((i: { metadata: { namespace: string; name: string } }) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(podsWithMetrics());
      const selected = (await api.get(`${beta}/namespaces/scraper/pods?labelSelector=${encodeURIComponent('app in (statefulset,deployment)')}`)).json();
      expect(selected.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(
        podsWithMetrics((p) => p.podRef.namespace === 'scraper' && /^e2e-(statefulset|depl)-/.test(p.podRef.name)).map((k) => k.split('/')[1]),
      );
      const byField = (await api.get(`${beta}/pods?fieldSelector=metadata.name%3De2e-statefulset-0`)).json();
      expect(byField.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['e2e-statefulset-0']);
      const spec = fixturePods().find((p) => p.metadata?.name === 'e2e-statefulset-0')!;
      expect(byField.items[0].metadata).toEqual({ name: 'e2e-statefulset-0', namespace: 'scraper', creationTimestamp, labels: spec.metadata!.labels });
      expect((await api.get(`${beta}/namespaces/nowhere/pods`)).json().items).toEqual([]);
    });

    it('gets one PodMetrics with its containers\' usage', async () => {
      const pod = newest.pods.find((p) => p.podRef.name === comer.name)!;
      const body = (await api.get(`${beta}/namespaces/${comer.namespace}/pods/${comer.name}`)).json();
      expect([body.kind, body.apiVersion, body.timestamp, body.window]).toEqual(['PodMetrics', 'metrics.k8s.io/v1beta1', timestamp, '1m0s']);
      expect(body.containers.map((c: { name: string }) => c.name)).toEqual(pod.containers.map((c) => c.name));
      expectUsage(body.containers[0].usage, cpuRate(previous(pod).containers[0]!.cpu!, pod.containers[0]!.cpu!), pod.containers[0]!.memory!.workingSetBytes as number);
    });

    it.each([
      ['/nodes/nowhere', 404, { message: 'node "nowhere" not found', reason: 'NotFound', details: { name: 'nowhere', kind: 'node' } }],
      ['/namespaces/scraper/pods/nobody', 404, { message: 'pods "nobody" not found', reason: 'NotFound', details: { name: 'nobody', kind: 'pods' } }],
      ['/namespaces/scraper/pods/e2e-pending', 404, { message: 'pods.metrics.k8s.io "scraper/e2e-pending" not found', reason: 'NotFound', details: { name: 'scraper/e2e-pending', group: 'metrics.k8s.io', kind: 'pods' } }],
      ['/deployments', 404, { message: 'the server could not find the requested resource', reason: 'NotFound', details: {} }],
      ['/nodes/a/b/c', 404, { message: 'the server could not find the requested resource', reason: 'NotFound', details: {} }],
      ['/pods?labelSelector=a%3D(', 400, { message: "unable to parse requirement: found '(', expected: identifier", reason: 'BadRequest' }],
      ['/nodes?fieldSelector=metadata.name', 400, { message: "invalid field selector: can't understand 'metadata.name'", reason: 'BadRequest' }],
    ])('answers %s with a %d Status', async (path, code, fields) => {
      const res = await api.get(`${beta}${path}`);
      expect(res.status).toBe(code);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.json()).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', ...fields, code });
    });
  });
});

describe('the resource metrics window', () => {
  it('is the metric resolution, formatted as Go prints durations', async () => {
    const api = await startFixtureApi({ resolutionMs: 15_000 });
    try {
      expect((await api.get('/apis/metrics.k8s.io/v1beta1/nodes')).json().items[0].window).toBe('15s');
      expect((await api.get('/apis/metrics/v1alpha1/nodes')).json().items[0].window).toBe('15s');
    } finally {
      await api.close();
    }
  });
});
