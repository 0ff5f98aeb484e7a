/**
 * Every root field of the GraphQL Query type under a caller's scope, over HTTP with a front
 * door. The fields come from the schema and each must have a check below, so a root field added
 * later fails this test until its scoping is decided.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../../src/api/graphql/schema.js';
import { startScopeApp, tokens, type GqlAnswer, type ScopeApp } from './scopeApp.js';

let app: ScopeApp;
beforeAll(async () => {
  app = await startScopeApp();
});
afterAll(async () => app?.close());

/** What a pod shows, apart from its node (hidden from callers without the nodes right). */
const podFields = `key name uid phase labels { key value } namespace { name } owner { key }
  cpu: latest(name: "cpu/usage_rate") { timestamp value } memory: metric(name: "memory/usage") { points { timestamp value } }
  containers { name key memory: latest(name: "memory/working_set") { value } filesystems: labeledMetric(name: "filesystem/usage") { resourceId points { value } } }`;

async function data(document: string, token: string, variables?: Record<string, unknown>): Promise<Record<string, any>> {
  const answer: GqlAnswer = await app.gql(document, token, variables);
  expect(answer.errors, `${token}: ${document}`).toBeUndefined();
  expect(answer.status).toBe(200);
  return answer.data!;
}

const inScraper = (pod: { key: string }) => pod.key.startsWith('namespace:scraper/');

/** One check per root field of Query. */
const rootFields: Record<string, () => Promise<void>> = {
  async cluster() {
    const document = `{ cluster { key lastSeen metricNames labeledMetricNames latest(name: "cpu/usage_rate") { value }
      metric(name: "cpu/usage_rate") { points { value } } aggregate(name: "memory/usage") { buckets { count maximum } }
      namespaces(first: 50) { totalCount nodes { name } } nodes(first: 50) { totalCount nodes { name } }
      pods(first: 100) { totalCount nodes { ${podFields} } } workloads(first: 50) { totalCount nodes { key } } } }`;
    const all = (await data(document, tokens.admin)).cluster;
    const scoped = (await data(document, tokens.scraper)).cluster;
    expect(all.metricNames.length).toBeGreaterThan(5);
    expect(all.latest.value).toBeGreaterThan(0);
    expect(all.aggregate.buckets[0].count).toBe(2);
    // The cluster aggregate sums every namespace: it does not exist for this caller...
    expect(scoped).toMatchObject({ key: 'cluster', lastSeen: null, metricNames: [], labeledMetricNames: [], latest: null, metric: { points: [] }, aggregate: { buckets: [] } });
    // ...but the cluster stays the way into what the caller may see.
    expect(all.namespaces.nodes.map((n: any) => n.name)).toEqual(['kube-system', 'scraper']);
    expect(scoped.namespaces).toEqual({ totalCount: 1, nodes: [{ name: 'scraper' }] });
    expect(all.nodes.totalCount).toBe(1);
    expect(scoped.nodes).toEqual({ totalCount: 0, nodes: [] });
    const scraperPods = all.pods.nodes.filter(inScraper);
    expect(scraperPods.length).toBe(app.query.pods('scraper').length);
    expect(scoped.pods).toEqual({ totalCount: scraperPods.length, nodes: scraperPods });
    expect(scoped.workloads.nodes).toEqual(all.workloads.nodes.filter((w: any) => w.key.startsWith('namespace:scraper/')));
    expect(scoped.workloads.nodes.length).toBe(app.query.workloads('scraper').length);
  },

  async nodes() {
    const document = `{ nodes { totalCount nodes { name cpu: latest(name: "cpu/usage_rate") { value } pods(first: 100) { totalCount nodes { key } } systemContainers { key } scrapeStatus { outcome } } } }`;
    const all = (await data(document, tokens.admin)).nodes;
    expect((await data(document, tokens.scraper)).nodes).toEqual({ totalCount: 0, nodes: [] });
    const withNodes = (await data(document, tokens.scraperAndNodes)).nodes;
    expect(all.totalCount).toBe(1);
    const [node] = all.nodes;
    expect(node.pods.totalCount).toBe(app.query.pods().length);
    // The node is visible, and of its pods only those of visible namespaces.
    const visiblePods = node.pods.nodes.filter(inScraper);
    expect(withNodes).toEqual({ totalCount: 1, nodes: [{ ...node, pods: { totalCount: visiblePods.length, nodes: visiblePods } }] });
  },

  async node() {
    const document = `{ node(name: "minikube") { name hostname capacity { cpuMillicores } systemContainers { key memory: latest(name: "memory/usage") { value } } scrapeStatus { node outcome } } }`;
    const all = (await data(document, tokens.admin)).node;
    expect(all.systemContainers.length).toBe(2);
    expect((await data(document, tokens.scraper)).node).toBeNull();
    expect((await data(document, tokens.scraperAndNodes)).node).toEqual(all);
  },

  async namespaces() {
    const document = `{ namespaces { totalCount nodes { name uid phase memory: latest(name: "memory/usage") { value } } } }`;
    const all = (await data(document, tokens.admin)).namespaces;
    const byName = (name: string) => all.nodes.filter((n: any) => n.name === name);
    expect((await data(document, tokens.scraper)).namespaces).toEqual({ totalCount: 1, nodes: byName('scraper') });
    expect((await data(document, tokens.system)).namespaces).toEqual({ totalCount: 1, nodes: byName('kube-system') });
  },

  async namespace() {
    const document = `query($name: String!) { namespace(name: $name) { name uid labels { key value } memory: metric(name: "memory/usage") { points { value } }
      pods(first: 50) { totalCount nodes { ${podFields} } } workloads { nodes { key } } } }`;
    expect((await data(document, tokens.admin, { name: 'kube-system' })).namespace.pods.totalCount).toBe(9);
    expect((await data(document, tokens.scraper, { name: 'kube-system' })).namespace).toBeNull();
    expect((await data(document, tokens.scraper, { name: 'kube-systen' })).namespace).toBeNull();
    const all = (await data(document, tokens.admin, { name: 'scraper' })).namespace;
    expect(all.memory.points.length).toBe(2);
    expect((await data(document, tokens.scraper, { name: 'scraper' })).namespace).toEqual(all);
  },

  async pods() {
    const document = `query($ns: String) { pods(namespace: $ns, first: 100) { totalCount nodes { ${podFields} } } }`;
    const allScraper = (await data(document, tokens.admin, { ns: 'scraper' })).pods;
    expect((await data(document, tokens.scraper)).pods).toEqual(allScraper);
    expect((await data(document, tokens.scraper, { ns: 'scraper' })).pods).toEqual(allScraper);
    expect((await data(document, tokens.scraper, { ns: 'kube-system' })).pods).toEqual({ totalCount: 0, nodes: [] });
    // A top-N ranks only what the caller may see.
    const top = `query($ns: String) { pods(namespace: $ns, first: 3, orderBy: { metric: "memory/usage" }) { nodes { key memory: latest(name: "memory/usage") { value } } } }`;
    const allTop = (await data(top, tokens.admin)).pods.nodes;
    expect(allTop.some((p: any) => !inScraper(p))).toBe(true);
    expect((await data(top, tokens.scraper)).pods).toEqual((await data(top, tokens.admin, { ns: 'scraper' })).pods);
  },

  async pod() {
    const document = `query($ns: String!, $name: String!) { pod(namespace: $ns, name: $name) { ${podFields} node { name } } }`;
    const hidden = { ns: 'kube-system', name: 'etcd-minikube' };
    expect((await data(document, tokens.admin, hidden)).pod.cpu.value).toBeGreaterThan(0);
    expect((await data(document, tokens.scraper, hidden)).pod).toBeNull();
    const visible = { ns: 'scraper', name: 'e2e-statefulset-0' };
    const all = (await data(document, tokens.admin, visible)).pod;
    expect(all.node).toEqual({ name: 'minikube' });
    // The pod with every value, but the Node object only for a caller who may read nodes.
    expect((await data(document, tokens.scraper, visible)).pod).toEqual({ ...all, node: null });
    expect((await data(document, tokens.scraperAndNodes, visible)).pod).toEqual(all);
  },

  async workloads() {
    const document = `query($ns: String) { workloads(namespace: $ns) { totalCount nodes { key pods { totalCount } cpu: latest(name: "cpu/usage_rate") { value } } } }`;
    const allScraper = (await data(document, tokens.admin, { ns: 'scraper' })).workloads;
    expect(allScraper.totalCount).toBe(app.query.workloads('scraper').length);
    expect((await data(document, tokens.scraper)).workloads).toEqual(allScraper);
    expect((await data(document, tokens.scraper, { ns: 'kube-system' })).workloads).toEqual({ totalCount: 0, nodes: [] });
  },

  async workload() {
    const document = `query($ns: String!, $name: String!, $kind: WorkloadKind!) { workload(namespace: $ns, kind: $kind, name: $name) { key pods { nodes { key } } memory: metric(name: "memory/usage") { points { value } } } }`;
    const hidden = { ns: 'kube-system', kind: 'DEPLOYMENT', name: 'coredns' };
    expect((await data(document, tokens.admin, hidden)).workload.pods.nodes.length).toBe(1);
    expect((await data(document, tokens.scraper, hidden)).workload).toBeNull();
    const visible = { ns: 'scraper', kind: 'STATEFUL_SET', name: 'e2e-statefulset' };
    const all = (await data(document, tokens.admin, visible)).workload;
    expect(all.pods.nodes.length).toBe(2);
    expect((await data(document, tokens.scraper, visible)).workload).toEqual(all);
  },

  async metricCatalogue() {
    // The fixture has no dynamic metric names; queryScope.test.ts hides those of hidden sets.
    const document = `{ metricCatalogue { name units labeled } }`;
    expect(await data(document, tokens.scraper)).toEqual(await data(document, tokens.admin));
  },

  async metricDescriptor() {
    const document = `{ metricDescriptor(name: "cpu/usage_rate") { name units } }`;
    expect(await data(document, tokens.scraper)).toEqual(await data(document, tokens.admin));
  },

  async model() {
    const document = `{ model { newestBatch oldestBatch batches retention resolution } }`;
    expect(await data(document, tokens.scraper)).toEqual(await data(document, tokens.admin));
  },

  async scrapeStatuses() {
    const document = `{ scrapeStatuses { node outcome latency } }`;
    const all = (await data(document, tokens.admin)).scrapeStatuses;
    expect(all.map((s: any) => s.node)).toEqual(['minikube']);
    expect((await data(document, tokens.scraper)).scrapeStatuses).toEqual([]);
    expect((await data(document, tokens.scraperAndNodes)).scrapeStatuses).toEqual(all);
  },
};

describe('GraphQL queries under a scope', () => {
  it('has a check for every root field of Query', () => {
    const fields = Object.keys(createSchema().getQueryType()!.getFields()).sort();
    expect(Object.keys(rootFields).sort()).toEqual(fields);
  });

  for (const [field, check] of Object.entries(rootFields)) {
    it(`scopes Query.${field}`, check);
  }

  it('never serves one caller a per-batch list built for another', async () => {
    const document = `{ pods(first: 100) { totalCount } nodes { totalCount } namespaces { totalCount } workloads { totalCount } }`;
    const q = app.query;
    expect(q.pods('scraper').length).toBeGreaterThan(0);
    expect(q.pods('kube-system').length).toBeGreaterThan(0);
    const counts = (d: Record<string, any>) => [d.pods.totalCount, d.nodes.totalCount, d.namespaces.totalCount, d.workloads.totalCount];
    for (let round = 0; round < 2; round++) {
      expect(counts(await data(document, tokens.admin))).toEqual([q.pods().length, 1, 2, q.workloads().length]);
      expect(counts(await data(document, tokens.scraper))).toEqual([q.pods('scraper').length, 0, 1, q.workloads('scraper').length]);
      expect(counts(await data(document, tokens.system))).toEqual([q.pods('kube-system').length, 0, 1, q.workloads('kube-system').length]);
      expect(counts(await data(document, tokens.scraperAgain))).toEqual([q.pods('scraper').length, 0, 1, q.workloads('scraper').length]);
    }
  });

  it('is refused by the front door without credentials, before anything runs', async () => {
    const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ model { batches } }' }) });
    expect([response.status, await response.text()]).toEqual([401, 'Unauthorized']);
  });
});
