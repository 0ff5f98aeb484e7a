import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SubscriptionExecutionEvent } from '../../../src/api/graphql/index.js';
import { podKey } from '../../../src/core/keys.js';
import { ms, startGraphqlApp, take, type GraphqlApp } from './harness.js';

let t: GraphqlApp;
const executions: SubscriptionExecutionEvent[] = [];
/** Batch timestamp → number of metric sets, as the feed published them. */
const published = new Map<number, number>();
/** Feed listeners before any subscription. */
let baseline = 0;

beforeAll(async () => {
  t = await startGraphqlApp({ maxSubscriptionsPerConnection: 2, connectionInitTimeoutMs: 300, maxPayloadBytes: 4_096, maxDepth: 12, onSubscriptionExecution: (e) => executions.push(e) });
  t.app.feed.onBatch((batch) => published.set(batch.timestamp, batch.metricSets.size));
  baseline = t.app.feed.listenerCount();
});
afterAll(async () => t?.stop());

async function eventually(probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const valueAt = (key: string, metric: string, timestamp: number) => t.app.query.series(key, metric, { startMs: timestamp, endMs: timestamp }).points[0]?.value ?? null;

describe('the batch subscription', () => {
  it('delivers successive batches with advancing timestamps and their counts', async () => {
    const client = t.wsClient();
    const results = await take<any>(client, `subscription { batch { timestamp metricSets counts { nodes namespaces pods containers systemContainers workloads } scrapes { nodes ok failed failures { node } } } }`, 3);
    const timestamps = results.map((r) => ms(r.data.batch.timestamp));
    // One message per stored batch, in order: exactly the batches published from the first to the last.
    expect(timestamps).toEqual([...published.keys()].filter((ts) => ts >= timestamps[0]! && ts <= timestamps[2]!));
    expect(timestamps[2]! - timestamps[0]!).toBeGreaterThanOrEqual(2_000);
    for (const { data } of results) {
      const { counts, metricSets, scrapes } = data.batch;
      expect(metricSets).toBe(published.get(ms(data.batch.timestamp)));
      expect(counts.nodes).toBe(3);
      expect(metricSets).toBe(1 + Object.values(counts as Record<string, number>).reduce((s, n) => s + n, 0));
      expect(scrapes).toEqual({ nodes: 3, ok: 3, failed: 0, failures: [] });
    }
    await client.dispose();
  });
});

describe('live metric subscriptions', () => {
  it('sends one pod\'s chosen metrics at every batch, equal to the stored points', async () => {
    const pod = t.app.query.pods()[0]!;
    const namespace = pod.labels.namespace_name!;
    const name = pod.labels.pod_name!;
    const client = t.wsClient();
    const results = await take<any>(
      client,
      `subscription($ns: String!, $name: String!) { livePod(namespace: $ns, name: $name, metrics: ["cpu/usage_rate", "memory/usage", "filesystem/usage"]) {
        timestamp entities { key kind name namespace values { metric value labeled { labels { key value } value } } entity { ... on Pod { name node { name } } } }
      } }`,
      2,
      { ns: namespace, name },
    );
    expect(ms(results[1]!.data.livePod.timestamp)).toBeGreaterThan(ms(results[0]!.data.livePod.timestamp));
    for (const { data } of results) {
      const timestamp = ms(data.livePod.timestamp);
      const [entity] = data.livePod.entities;
      expect(entity).toMatchObject({ key: podKey(namespace, name), kind: 'POD', name, namespace, entity: { name, node: { name: pod.labels.nodename } } });
      expect(entity.values.map((v: any) => v.metric)).toEqual(['cpu/usage_rate', 'memory/usage', 'filesystem/usage']);
      expect(entity.values[0].value).toBe(valueAt(pod.key, 'cpu/usage_rate', timestamp));
      expect(entity.values[1].value).toBe(valueAt(pod.key, 'memory/usage', timestamp));
      expect(entity.values[0].labeled).toEqual([]);
      const filesystems = t.app.query.labeledSeries(pod.key, 'filesystem/usage', undefined, { startMs: timestamp, endMs: timestamp });
      expect(entity.values[2].value).toBeNull();
      expect(entity.values[2].labeled.map((l: any) => [l.labels.find((x: any) => x.key === 'resource_id').value, l.value]).sort()).toEqual(
        filesystems.map((s) => [s.labels.resource_id, s.points[0]!.value]).sort(),
      );
    }
    await client.dispose();
  });

  it('follows a namespace\'s pods, the nodes and the cluster', async () => {
    const namespace = t.app.query.namespaces()[0]!.labels.namespace_name!;
    const client = t.wsClient();
    const [pods, nodes, cluster] = await Promise.all([
      take<any>(client, `subscription($ns: String!) { liveNamespacePods(namespace: $ns, metrics: ["memory/usage"]) { timestamp entities { key values { value } } } }`, 1, { ns: namespace }),
      take<any>(client, `subscription { liveNodes(metrics: ["cpu/usage_rate"]) { timestamp entities { key kind values { value } } } }`, 1),
      take<any>(t.wsClient(), `subscription { liveCluster(metrics: ["cpu/usage_rate"]) { timestamp entities { key kind name values { value } } } }`, 1),
    ]);
    const podUpdate = pods[0]!.data.liveNamespacePods;
    expect(podUpdate.entities.map((e: any) => e.key)).toEqual(t.app.query.pods(namespace).map((p) => p.key));
    for (const e of podUpdate.entities) expect(e.values[0].value).toBe(valueAt(e.key, 'memory/usage', ms(podUpdate.timestamp)));
    const nodeUpdate = nodes[0]!.data.liveNodes;
    expect(nodeUpdate.entities.map((e: any) => e.key)).toEqual(t.app.query.nodes().map((n) => n.key));
    for (const e of nodeUpdate.entities) expect(e.values[0].value).toBe(valueAt(e.key, 'cpu/usage_rate', ms(nodeUpdate.timestamp)));
    const clusterUpdate = cluster[0]!.data.liveCluster;
    expect(clusterUpdate.entities).toEqual([{ key: 'cluster', kind: 'CLUSTER', name: 'cluster', values: [{ value: valueAt('cluster', 'cpu/usage_rate', ms(clusterUpdate.timestamp)) }] }]);
    await client.dispose();
  });

  it('executes a subscription shared by two subscribers once per batch and sends both the same result', async () => {
    const document = `subscription { liveNodes(metrics: ["memory/usage"]) { timestamp entities { key values { value } } } }`;
    const earlierKeys = new Set(executions.map((e) => e.subscriptionKey));
    const [a, b] = await Promise.all([take<any>(t.wsClient(), document, 3), take<any>(t.wsClient(), document, 3)]);
    const common = a.map((r) => r.data.liveNodes.timestamp).filter((ts: string) => b.some((r) => r.data.liveNodes.timestamp === ts));
    expect(common.length).toBeGreaterThanOrEqual(2);
    const ours = executions.filter((e) => !earlierKeys.has(e.subscriptionKey));
    expect(new Set(ours.map((e) => e.subscriptionKey)).size).toBe(1);
    for (const timestamp of common) {
      const batchExecutions = ours.filter((e) => e.batchTimestamp === ms(timestamp));
      expect(batchExecutions).toHaveLength(1);
      expect(batchExecutions[0]!.subscribers).toBe(2);
      expect(a.find((r) => r.data.liveNodes.timestamp === timestamp)).toEqual(b.find((r) => r.data.liveNodes.timestamp === timestamp));
    }
  });

  it('executes different variables separately', async () => {
    const document = `subscription($m: [String!]!) { liveCluster(metrics: $m) { timestamp } }`;
    const earlierKeys = new Set(executions.map((e) => e.subscriptionKey));
    const [a, b] = await Promise.all([take<any>(t.wsClient(), document, 2, { m: ['memory/usage'] }), take<any>(t.wsClient(), document, 2, { m: ['cpu/usage_rate'] })]);
    const timestamp = ms(a[1]!.data.liveCluster.timestamp);
    expect(ms(b[1]!.data.liveCluster.timestamp)).toBe(timestamp);
    const batchExecutions = executions.filter((e) => e.batchTimestamp === timestamp && !earlierKeys.has(e.subscriptionKey));
    expect(batchExecutions).toHaveLength(2);
    expect(new Set(batchExecutions.map((e) => e.subscriptionKey)).size).toBe(2);
  });

  it('releases every feed listener when subscribers unsubscribe or disconnect', async () => {
    // Subscriptions of earlier tests are gone once the server has processed their completion.
    await eventually(() => t.app.feed.listenerCount() === baseline);
    const first = t.wsClient();
    const second = t.wsClient();
    const received: unknown[] = [];
    const sink = { next: (r: unknown) => received.push(r), error: () => undefined, complete: () => undefined };
    const stopA = first.subscribe({ query: `subscription { liveCluster(metrics: ["memory/usage"]) { timestamp } }` }, sink);
    const stopB = first.subscribe({ query: `subscription { batch { timestamp } }` }, sink);
    second.subscribe({ query: `subscription { batch { timestamp } }` }, sink);
    await eventually(() => received.length >= 3);
    expect(t.app.feed.listenerCount()).toBe(baseline + 2);
    stopA();
    stopB();
    await eventually(() => t.app.feed.listenerCount() === baseline + 1);
    await second.dispose();
    await eventually(() => t.app.feed.listenerCount() === baseline);
    await first.dispose();
  });
});

describe('subscription errors and limits', () => {
  it('answers invalid arguments with BAD_USER_INPUT and completes', async () => {
    const results = await take<any>(t.wsClient(), `subscription { liveCluster(metrics: ["no/such"]) { timestamp } }`, 1);
    expect(results[0]!.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'metrics' } });
  });

  it('rejects documents that do not validate or break a limit', async () => {
    const invalid = take<any>(t.wsClient(), `subscription { nope }`, 1);
    await expect(invalid).rejects.toThrow(/nope/);
    const deep = take<any>(t.wsClient(), `subscription { liveCluster(metrics: ["cpu/usage_rate"]) { entities { entity { ... on Cluster { pods { nodes { node { pods { nodes { containers { pod { node { pods { totalCount } } } } } } } } } } } } } }`, 1);
    await expect(deep).rejects.toThrow(/DEPTH_LIMIT_EXCEEDED/);
  });

  it('runs queries sent over the WebSocket', async () => {
    const results = await take<any>(t.wsClient(), `{ cluster { key } }`, 1);
    expect(results).toEqual([{ data: { cluster: { key: 'cluster' } } }]);
  });

  it('refuses a subscription beyond maxSubscriptionsPerConnection on one connection', async () => {
    const client = t.wsClient();
    const sink = { next: () => undefined, error: () => undefined, complete: () => undefined };
    client.subscribe({ query: `subscription { batch { timestamp } }` }, sink);
    client.subscribe({ query: `subscription { liveCluster(metrics: ["memory/usage"]) { timestamp } }` }, sink);
    const third = take<any>(client, `subscription { liveNodes(metrics: ["memory/usage"]) { timestamp } }`, 1);
    await expect(third).rejects.toThrow(/SUBSCRIPTION_LIMIT_EXCEEDED/);
    await client.dispose();
  });

  it('closes a connection that sends no connection_init within the timeout with 4408', async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const [code, reason] = await new Promise<[number, string]>((resolve) => socket.once('close', (c, r) => resolve([c, String(r)])));
    expect(code).toBe(4408);
    expect(reason).toBe('Connection initialisation timeout');
  });

  it('closes a connection that sends a message larger than maxPayloadBytes with 1009', async () => {
    const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    const closed = new Promise<number>((resolve) => socket.once('close', (c) => resolve(c)));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `{ cluster { key } }`, padding: 'x'.repeat(5_000) } }));
    expect(await closed).toBe(1009);
  });
});
