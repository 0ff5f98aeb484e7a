/**
 * `/api/v1/historical` and GraphQL's completion of older ranges under a caller's scope, against a
 * real InfluxDB 1.x holding simulated batches (namespaces `kube-system` and `default`) written
 * through the real sink. The caller `system` may read `kube-system` only. Every historical route
 * comes from `restRoutes` and must be classified below. A recording wrapper around the source
 * shows that a hidden entity is never even asked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restRoutes } from '../../../src/api/rest/index.js';
import { silentLogger } from '../../../src/core/log.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import { createInfluxHistory } from '../../../src/sinks/influxdb/history.js';
import type { HistoricalKey, InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { parseInfluxSinkUri } from '../../../src/sinks/influxdb/options.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { requireInfluxdUnderCi, influxdPath, startInfluxd, withInfluxd, type Influxd } from '../../helpers/influxd.js';
import { writeThroughSink } from '../../sinks/influxdb/influxdRead.js';
import { simBatches } from '../../sinks/influxdb/simBatches.js';
import type { Fetched } from '../rest/fixtureApi.js';
import { startScopeApp, tokens, type ScopeApp } from './scopeApp.js';

requireInfluxdUnderCi();

const t0 = Date.UTC(2024, 4, 3, 6, 0, 0);
const stepMs = 60_000;
const count = 4;
const nowMs = t0 + count * stepMs;
const h = '/api/v1/historical';
const ns = '/namespaces/{namespace-name}';
const pod = `${ns}/pods/{pod-name}`;
const node = '/nodes/{node-name}';
const uid = '/pod-id/{pod-id}';
const tail = 'metrics-aggregated/{aggregations}/{metric-name:*}';

type Enforcement = 'namespaced' | 'nodes' | 'cluster' | 'filtered';

const enforcement: Record<string, Enforcement> = {
  [`${h}/metrics`]: 'cluster',
  [`${h}/metrics/{metric-name:*}`]: 'cluster',
  [`${h}/nodes`]: 'nodes',
  [`${h}${node}/metrics`]: 'nodes',
  [`${h}${node}/metrics/{metric-name:*}`]: 'nodes',
  [`${h}/namespaces`]: 'filtered',
  [`${h}${ns}/metrics`]: 'namespaced',
  [`${h}${ns}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}${ns}/pods`]: 'namespaced',
  [`${h}${pod}/metrics`]: 'namespaced',
  [`${h}${pod}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}${pod}/containers`]: 'namespaced',
  [`${h}${pod}/containers/{container-name}/metrics`]: 'namespaced',
  [`${h}${pod}/containers/{container-name}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}${node}/freecontainers`]: 'nodes',
  [`${h}${node}/freecontainers/{container-name}/metrics`]: 'nodes',
  [`${h}${node}/freecontainers/{container-name}/metrics/{metric-name:*}`]: 'nodes',
  [`${h}${ns}/pod-list/{pod-list}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}${uid}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}${uid}/containers/{container-name}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}/pod-id-list/{pod-id-list}/metrics/{metric-name:*}`]: 'namespaced',
  [`${h}/${tail}`]: 'cluster',
  [`${h}${node}/${tail}`]: 'nodes',
  [`${h}${ns}/${tail}`]: 'namespaced',
  [`${h}${pod}/${tail}`]: 'namespaced',
  [`${h}${pod}/containers/{container-name}/${tail}`]: 'namespaced',
  [`${h}${uid}/${tail}`]: 'namespaced',
  [`${h}${uid}/containers/{container-name}/${tail}`]: 'namespaced',
  [`${h}${node}/freecontainers/{container-name}/${tail}`]: 'nodes',
  [`${h}${ns}/pod-list/{pod-list}/${tail}`]: 'namespaced',
  [`${h}/pod-id-list/{pod-id-list}/${tail}`]: 'namespaced',
};

/** Entities of one namespace, as path parameters. */
interface Names {
  namespace: string;
  pods: [string, string];
  uids: [string, string];
  container: string;
}

describe.skipIf(!influxdPath)(withInfluxd('the historical routes and GraphQL history under a scope, against influxd 1.x'), () => {
  let influxd: Influxd;
  let source: InfluxHistory;
  let app: ScopeApp;
  let batches: DataBatch[];
  let patterns: string[];
  /** Keys the source was asked about, in order. */
  const asked: HistoricalKey[] = [];

  const namesOf = (namespace: string): Names => {
    const pods = [...batches.at(-1)!.metricSets.values()].filter((s: MetricSet) => s.labels.type === 'pod' && s.labels.namespace_name === namespace).slice(0, 2);
    const first = pods[0]!.labels.pod_name!;
    const container = [...batches.at(-1)!.metricSets.values()].find((s) => s.labels.type === 'pod_container' && s.labels.namespace_name === namespace && s.labels.pod_name === first)!;
    return {
      namespace,
      pods: [first, pods[1]!.labels.pod_name!],
      uids: [pods[0]!.labels.pod_id!, pods[1]!.labels.pod_id!],
      container: container.labels.container_name!,
    };
  };
  const freeContainer = () => [...batches[0]!.metricSets.values()].find((s) => s.labels.type === 'sys_container' && s.labels.nodename === 'sim-node-0000')!.labels.container_name!;

  function pathOf(pattern: string, names: Names): string {
    const free = pattern.includes('freecontainers');
    const params: Record<string, string> = {
      'namespace-name': names.namespace,
      'pod-name': names.pods[0],
      'pod-list': names.pods.join(','),
      'pod-id': names.uids[0],
      'pod-id-list': names.uids.join(','),
      'container-name': free ? freeContainer() : names.container,
      'node-name': 'sim-node-0000',
      'metric-name': 'cpu/usage_rate',
      aggregations: 'average,max,count',
    };
    return `${pattern.replace(/\{([^}:]+)(?::\*)?\}/g, (_, name: string) => params[name]!)}?start=${new Date(t0 - 1).toISOString()}`;
  }

  /** Status and body with the names replaced, to compare answers about different entities. */
  const shape = (res: Fetched, names: Names): [number, string] => {
    let text = res.text;
    for (const [i, id] of names.uids.entries()) text = text.split(id).join(`<uid${i}>`);
    return [res.status, text.split(names.namespace).join('<ns>')];
  };

  beforeAll(async () => {
    influxd = await startInfluxd();
    batches = simBatches({ startMs: t0, stepMs, count });
    await writeThroughSink(influxd, '?db=k8s', batches);
    const history = createInfluxHistory(parseInfluxSinkUri(`influxdb:${influxd.url}?db=k8s`));
    source = history;
    const recording: InfluxHistory = {
      ...history,
      metricNames: (key, signal) => (asked.push(key), history.metricNames(key, signal)),
      series: (keys, ...rest) => (asked.push(...keys), history.series(keys, ...rest)),
      seriesBatch: (requests, signal) => (asked.push(...requests.map((r) => r.key)), history.seriesBatch(requests, signal)),
      aggregate: (keys, ...rest) => (asked.push(...keys), history.aggregate(keys, ...rest)),
    };
    // Memory holds the newest batch only, so older points come from InfluxDB.
    app = await startScopeApp({ history: recording, batches, inMemory: batches.slice(-1), nowMs });
    const context = { query: app.query, feed: createLiveFeed(), metrics: createSelfMetrics({ processMetrics: false }), logger: silentLogger(), clock: () => nowMs, resolutionMs: stepMs, hasModel: true, history: recording };
    patterns = restRoutes(context).map((r) => r.pattern).filter((p) => p.startsWith(h));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    source?.close();
    await influxd?.dispose();
  });

  const withEnforcement = (kind: Enforcement) => patterns.filter((p) => enforcement[p] === kind);

  it('classifies every historical route', () => {
    expect(patterns.filter((p) => enforcement[p] === undefined)).toEqual([]);
    expect(patterns.length).toBe(Object.keys(enforcement).length);
  });

  it('answers entities of a hidden namespace, by name or by pod UID, exactly as entities that do not exist, without asking InfluxDB about them', async () => {
    const hidden = namesOf('default');
    const unknown: Names = { ...hidden, namespace: 'defaulx', uids: ['no-such-uid-0', 'no-such-uid-1'] };
    const routes = withEnforcement('namespaced');
    expect(routes.length).toBe(19);
    for (const pattern of routes) {
      const expected = shape(await app.get(pathOf(pattern, unknown), tokens.admin), unknown);
      expect(shape(await app.get(pathOf(pattern, hidden), tokens.admin), hidden), pattern).not.toEqual(expected);
      const before = asked.length;
      expect(shape(await app.get(pathOf(pattern, hidden), tokens.system), hidden), pattern).toEqual(expected);
      expect(shape(await app.get(pathOf(pattern, unknown), tokens.system), unknown), pattern).toEqual(expected);
      expect(asked.slice(before).filter((k) => ('namespace' in k && k.namespace === 'default') || ('podId' in k && hidden.uids.includes(k.podId))), pattern).toEqual([]);
    }
  });

  it('answers entities of a visible namespace, by name or by pod UID, as an unrestricted caller gets them', async () => {
    const visible = namesOf('kube-system');
    for (const pattern of withEnforcement('namespaced')) {
      const path = pathOf(pattern, visible);
      const admin = await app.get(path, tokens.admin);
      expect(admin.status, path).toBe(200);
      const scoped = await app.get(path, tokens.system);
      expect([scoped.status, scoped.text], path).toEqual([200, admin.text]);
    }
  });

  it('refuses node and cluster routes with 403 without those rights, and lists only visible namespaces', async () => {
    const names = namesOf('kube-system');
    for (const [kind, allowed] of [['nodes', tokens.scraperAndNodes], ['cluster', tokens.clusterNoNodes]] as const) {
      for (const pattern of withEnforcement(kind)) {
        const path = pathOf(pattern, names);
        const before = asked.length;
        const refused = await app.get(path, tokens.system);
        expect([refused.status, refused.text], path).toEqual([403, 'Forbidden']);
        // The refusal comes before any read.
        expect(asked.length, path).toBe(before);
        const admin = await app.get(path, tokens.admin);
        expect(admin.status, path).toBe(200);
        expect((await app.get(path, allowed)).text, path).toBe(admin.text);
      }
    }
    expect((await app.get(`${h}/namespaces`, tokens.admin)).json()).toEqual(['default', 'kube-system']);
    expect((await app.get(`${h}/namespaces`, tokens.system)).json()).toEqual(['kube-system']);
  });

  it('completes GraphQL ranges from InfluxDB only for entities the caller may see', async () => {
    const document = `query($start: Timestamp!) { cluster { memory: metric(name: "memory/usage", range: { start: $start }) { points { timestamp value } } }
      namespace(name: "kube-system") { memory: metric(name: "memory/usage", range: { start: $start }) { points { timestamp value } } } }`;
    const variables = { start: t0 };
    const all = await app.gql(document, tokens.admin, variables);
    expect(all.errors).toBeUndefined();
    const inBatches = (key: string) => batches.map((b) => ({ timestamp: new Date(b.timestamp).toISOString(), value: b.metricSets.get(key)!.metricValues.get('memory/usage')! }));
    expect(all.data!.cluster.memory.points).toEqual(inBatches('cluster'));
    expect(all.data!.namespace.memory.points).toEqual(inBatches('namespace:kube-system'));
    const before = asked.length;
    const scoped = await app.gql(document, tokens.system, variables);
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data).toEqual({ cluster: { memory: { points: [] } }, namespace: all.data!.namespace });
    expect(asked.slice(before)).toEqual([{ kind: 'namespace', namespace: 'kube-system' }]);
  });
});
