/**
 * Every REST route under a caller's scope, over HTTP with a front door. The routes come from
 * `restRoutes` itself and each must be classified below, so a route added later fails this test
 * until someone decides how it enforces the scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRoutes } from '../../../src/api/rest/index.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import { silentLogger } from '../../../src/core/log.js';
import { nowMs, stepMs, type Fetched } from '../rest/fixtureApi.js';
import { startScopeApp, tokens, type ScopeApp } from './scopeApp.js';

/**
 * How a route enforces the scope:
 * - `namespaced`: names a namespace; a hidden one answers exactly as one that does not exist;
 * - `nodes` / `cluster`: refused with 403 without that right, whatever the path names;
 * - `filtered`: a listing that keeps only what the caller may see;
 * - `open`: holds nothing of any namespace (discovery, the static export schema, the process's own routes).
 */
type Enforcement = 'namespaced' | 'nodes' | 'cluster' | 'filtered' | 'open';

const m = '/api/v1/model';
const alpha = ['/apis/metrics/v1alpha1', '/apis/metrics.k8s.io/v1alpha1'];
const beta = '/apis/metrics.k8s.io/v1beta1';
const tail = 'metrics-aggregated/{aggregations}/{metric-name:*}';
const ns = '/namespaces/{namespace-name}';
const pod = `${ns}/pods/{pod-name}`;
const node = '/nodes/{node-name}';

const enforcement: Record<string, Enforcement> = {
  [`${m}/metrics`]: 'cluster',
  [`${m}/metrics/{metric-name:*}`]: 'cluster',
  [`${m}/nodes`]: 'nodes',
  [`${m}${node}/metrics`]: 'nodes',
  [`${m}${node}/metrics/{metric-name:*}`]: 'nodes',
  [`${m}/namespaces`]: 'filtered',
  [`${m}${ns}/metrics`]: 'namespaced',
  [`${m}${ns}/metrics/{metric-name:*}`]: 'namespaced',
  [`${m}${ns}/pods`]: 'namespaced',
  [`${m}${pod}/metrics`]: 'namespaced',
  [`${m}${pod}/metrics/{metric-name:*}`]: 'namespaced',
  [`${m}${pod}/containers`]: 'namespaced',
  [`${m}${pod}/containers/{container-name}/metrics`]: 'namespaced',
  [`${m}${pod}/containers/{container-name}/metrics/{metric-name:*}`]: 'namespaced',
  [`${m}${node}/freecontainers`]: 'nodes',
  [`${m}${node}/freecontainers/{container-name}/metrics`]: 'nodes',
  [`${m}${node}/freecontainers/{container-name}/metrics/{metric-name:*}`]: 'nodes',
  [`${m}${ns}/pod-list/{pod-list}/metrics/{metric-name:*}`]: 'namespaced',
  [`${m}/debug/allkeys`]: 'filtered',
  [`${m}/${tail}`]: 'cluster',
  [`${m}${node}/${tail}`]: 'nodes',
  [`${m}${ns}/${tail}`]: 'namespaced',
  [`${m}${pod}/${tail}`]: 'namespaced',
  [`${m}${pod}/containers/{container-name}/${tail}`]: 'namespaced',
  [`${m}${node}/freecontainers/{container-name}/${tail}`]: 'nodes',
  [`${m}${ns}/pod-list/{pod-list}/${tail}`]: 'namespaced',
  '/api/v1/metric-export': 'cluster',
  '/api/v1/metric-export-schema': 'open',
  ...Object.fromEntries(
    alpha.flatMap((prefix) => [
      [`${prefix}/nodes`, 'nodes'],
      [`${prefix}${node}`, 'nodes'],
      [`${prefix}/pods`, 'cluster'],
      [`${prefix}${ns}/pods`, 'namespaced'],
      [`${prefix}${pod}`, 'namespaced'],
    ]),
  ),
  '/apis': 'open',
  '/apis/metrics.k8s.io': 'open',
  [beta]: 'open',
  [`${beta}/nodes`]: 'nodes',
  [`${beta}${node}`]: 'nodes',
  [`${beta}/pods`]: 'cluster',
  [`${beta}${ns}/pods`]: 'namespaced',
  [`${beta}${pod}`]: 'namespaced',
  [`${beta}/{path:*}`]: 'open',
  '/metrics': 'open',
  '/healthz': 'open',
  '/healthz/healthz': 'open',
};

/** Path parameters naming entities of `kube-system` (hidden from the `scraper` caller), or of another namespace. */
function paramsFor(namespace: string, pods: readonly [string, string, string], pattern: string): Record<string, string> {
  const free = pattern.includes('freecontainers');
  return {
    'namespace-name': namespace,
    'pod-name': pods[0],
    'container-name': free ? 'kubelet' : pods[2],
    'pod-list': `${pods[0]},${pods[1]}`,
    'node-name': 'minikube',
    'metric-name': 'cpu/usage_rate',
    aggregations: 'average,max,count',
    path: 'nodes/minikube/extra',
  };
}

const systemPods = ['etcd-minikube', 'coredns-787d4945fb-m5cbw', 'etcd'] as const;
const scraperPods = ['e2e-statefulset-0', 'e2e-depl-5c48cbcb94-287q2', 'busybox'] as const;

function pathOf(pattern: string, params: Record<string, string>): string {
  return pattern.replace(/\{([^}:]+)(?::\*)?\}/g, (_, name: string) => params[name]!);
}

/** Status, content type and body with the namespace name replaced, to compare answers about different names. */
function shape(res: Fetched, name: string): [number, string | null, string] {
  return [res.status, res.headers.get('content-type'), res.text.split(name).join('<ns>')];
}

let app: ScopeApp;
let patterns: string[];

beforeAll(async () => {
  app = await startScopeApp();
  const context = { query: app.query, feed: createLiveFeed(), metrics: createSelfMetrics({ processMetrics: false }), logger: silentLogger(), clock: () => nowMs, resolutionMs: stepMs, hasModel: true };
  patterns = restRoutes(context).map((r) => r.pattern);
});
afterAll(async () => app?.close());

const withEnforcement = (kind: Enforcement) => () => patterns.filter((p) => enforcement[p] === kind);

describe('the REST routes under a scope', () => {
  it('classifies every route of the surface', () => {
    const unclassified = patterns.filter((p) => enforcement[p] === undefined);
    expect(unclassified).toEqual([]);
    expect(patterns.length).toBe(Object.keys(enforcement).length);
  });

  it('answers a namespace the caller may not see exactly as a namespace that does not exist', async () => {
    const routes = withEnforcement('namespaced')();
    expect(routes.length).toBe(19);
    for (const pattern of routes) {
      const hiddenPath = pathOf(pattern, paramsFor('kube-system', systemPods, pattern));
      const unknownPath = pathOf(pattern, paramsFor('kube-systen', systemPods, pattern));
      const unknown = shape(await app.get(unknownPath, tokens.admin), 'kube-systen');
      // The data is there for a caller who may see it...
      expect(shape(await app.get(hiddenPath, tokens.admin), 'kube-system'), pattern).not.toEqual(unknown);
      expect(shape(await app.get(hiddenPath, tokens.system), 'kube-system'), pattern).not.toEqual(unknown);
      // ...and for the scraper caller it does not exist, nor does a namespace that really is missing.
      expect(shape(await app.get(hiddenPath, tokens.scraper), 'kube-system'), pattern).toEqual(unknown);
      expect(shape(await app.get(unknownPath, tokens.scraper), 'kube-systen'), pattern).toEqual(unknown);
    }
  });

  it('answers a namespace the caller may see with what an unrestricted caller gets', async () => {
    for (const pattern of withEnforcement('namespaced')()) {
      const path = pathOf(pattern, paramsFor('scraper', scraperPods, pattern));
      const admin = await app.get(path, tokens.admin);
      expect(admin.status, pattern).toBe(200);
      const scoped = await app.get(path, tokens.scraper);
      expect([scoped.status, scoped.text], pattern).toEqual([200, admin.text]);
    }
  });

  it('refuses node routes with 403 to callers without the nodes right, whatever node they name', async () => {
    const routes = withEnforcement('nodes')();
    expect(routes.length).toBe(14);
    for (const pattern of routes) {
      for (const nodeName of ['minikube', 'no-such-node']) {
        const path = pathOf(pattern, { ...paramsFor('scraper', scraperPods, pattern), 'node-name': nodeName });
        for (const token of [tokens.scraper, tokens.system, tokens.clusterNoNodes]) {
          const res = await app.get(path, token);
          expect(res.status, `${token} ${path}`).toBe(403);
          if (pattern.startsWith(beta)) {
            expect(res.json(), path).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, details: { group: 'metrics.k8s.io', kind: 'nodes' } });
          } else {
            expect([res.headers.get('content-type'), res.text], path).toEqual(['text/plain; charset=utf-8', 'Forbidden']);
          }
        }
      }
      const path = pathOf(pattern, paramsFor('scraper', scraperPods, pattern));
      const admin = await app.get(path, tokens.admin);
      expect(admin.status, path).toBe(200);
      const withNodes = await app.get(path, tokens.scraperAndNodes);
      expect([withNodes.status, withNodes.text], path).toEqual([200, admin.text]);
    }
  });

  it('refuses cluster-wide routes with 403 to callers without the cluster right', async () => {
    const routes = withEnforcement('cluster')();
    expect(routes.length).toBe(7);
    for (const pattern of routes) {
      const path = pathOf(pattern, paramsFor('scraper', scraperPods, pattern));
      for (const token of [tokens.scraper, tokens.scraperAndNodes, tokens.system]) {
        const res = await app.get(path, token);
        expect(res.status, `${token} ${path}`).toBe(403);
        if (pattern.startsWith(beta)) expect(res.json(), path).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403, details: { kind: 'pods' } });
        else expect(res.text, path).toBe('Forbidden');
      }
      const admin = await app.get(path, tokens.admin);
      expect(admin.status, path).toBe(200);
      // Every namespace but no nodes: the cluster aggregate and pod lists whole, the export without node sets.
      const clusterWide = await app.get(path, tokens.clusterNoNodes);
      expect(clusterWide.status, path).toBe(200);
      if (pattern !== '/api/v1/metric-export') expect(clusterWide.text, path).toBe(admin.text);
    }
  });

  it('exports to a caller with the cluster right but not nodes everything except the node and system-container sets', async () => {
    const all = (await app.get('/api/v1/metric-export', tokens.admin)).json<Array<{ labels: Record<string, string> }>>();
    const withoutNodes = (await app.get('/api/v1/metric-export', tokens.clusterNoNodes)).json();
    const nodeSeries = all.filter((t) => t.labels.pod_name === undefined);
    expect(nodeSeries.map((t) => t.labels.container_name).sort()).toEqual(['kubelet', 'machine', 'pods']);
    expect(withoutNodes).toEqual(all.filter((t) => t.labels.pod_name !== undefined));
  });

  it('lists only the namespaces and keys the caller may see', async () => {
    expect((await app.get(`${m}/namespaces`, tokens.admin)).json().sort()).toEqual(['kube-system', 'scraper']);
    expect((await app.get(`${m}/namespaces`, tokens.scraper)).json()).toEqual(['scraper']);
    expect((await app.get(`${m}/namespaces`, tokens.system)).json()).toEqual(['kube-system']);
    const keys: string[] = (await app.get(`${m}/debug/allkeys`, tokens.admin)).json();
    expect(keys).toContain('cluster');
    expect(keys).toContain('node:minikube/container:kubelet');
    const scraperKeys: string[] = (await app.get(`${m}/debug/allkeys`, tokens.scraper)).json();
    expect(scraperKeys).toEqual(keys.filter((k) => k.startsWith('namespace:scraper/') || k === 'namespace:scraper'));
    expect(scraperKeys.length).toBeGreaterThan(10);
    const withNodes: string[] = (await app.get(`${m}/debug/allkeys`, tokens.scraperAndNodes)).json();
    expect(withNodes).toEqual(keys.filter((k) => k.startsWith('node:') || k.startsWith('namespace:scraper/') || k === 'namespace:scraper'));
  });

  it('answers routes that hold no namespace data alike for every caller', async () => {
    for (const pattern of withEnforcement('open')()) {
      const path = pathOf(pattern, paramsFor('scraper', scraperPods, pattern));
      const admin = await app.get(path, tokens.admin);
      const scoped = await app.get(path, tokens.scraper);
      expect(scoped.status, path).toBe(admin.status);
      // `/metrics` counts the requests themselves, so only its status is compared.
      if (pattern !== '/metrics') expect(scoped.text, path).toBe(admin.text);
    }
  });

  it('lets the front door refuse a request before any route reads anything', async () => {
    const res = await app.get(`${m}/namespaces`, 'no-such-token');
    expect([res.status, res.text]).toEqual([401, 'Unauthorized']);
  });
});
