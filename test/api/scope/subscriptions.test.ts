/**
 * Subscriptions under a caller's scope, over real graphql-ws connections: who may connect (the
 * upgrade's `Authorization` header, or a bearer token in `connectionParams`), what each root
 * field of Subscription delivers to each caller, and how the fan-out groups subscribers: callers
 * of different scopes never share an execution, callers of equal scopes do.
 *
 * Each batch the test publishes is the fixture's newest batch with a new timestamp, so every
 * message and every reported execution names the publish it belongs to.
 */
import type { Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSchema } from '../../../src/api/graphql/schema.js';
import { scopeBatch } from '../../../src/api/query/scope.js';
import { stepMs, times } from '../rest/fixtureApi.js';
import { eventually, scopeOf, startScopeApp, tokens, type ScopeApp } from './scopeApp.js';

let app: ScopeApp;
let wsUrl: string;
let published = 0;
/** Feed listeners before any subscription (each fan-out group adds one). */
let baseline = 0;
/** Every subscription a test opened, ended after it whether it passed or not. */
const opened: Received[] = [];

beforeAll(async () => {
  app = await startScopeApp();
  wsUrl = `${app.url.replace(/^http/, 'ws')}/graphql`;
  baseline = app.feed.listenerCount();
});
afterEach(async () => {
  opened.splice(0).forEach((s) => s.dispose());
  // No group outlives its test, so executions counted by the next test are its own.
  await eventually(() => app.feed.listenerCount() === baseline, 'every fan-out group released');
});
afterAll(async () => app?.close());

/** Publishes the newest fixture batch under the next timestamp and returns that timestamp. */
function publishNext(): number {
  published++;
  const timestamp = times[2] + published * stepMs;
  app.publish({ timestamp, metricSets: app.batches[2]!.metricSets });
  return timestamp;
}

interface Received {
  results: Array<{ data?: any; errors?: any[] }>;
  errors: unknown[];
  dispose(): void;
}

/** Subscribes and records every message. */
function open(client: Client, query: string, variables?: Record<string, unknown>): Received {
  const received: Received = { results: [], errors: [], dispose: () => {} };
  received.dispose = client.subscribe({ query, ...(variables ? { variables } : {}) }, {
    next: (result) => void received.results.push(result as never),
    error: (error) => void received.errors.push(error),
    complete: () => {},
  });
  opened.push(received);
  return received;
}

const client = (token: string) => app.wsClient({ header: `Bearer ${token}` });
const timestampOf = (result: { data?: any }) => Date.parse((Object.values(result.data ?? {})[0] as { timestamp: string }).timestamp);

/** Publishes until every subscription got a message (subscribing is asynchronous on the server). */
async function untilAllJoined(subscriptions: Received[]): Promise<void> {
  const joined = () => subscriptions.every((s) => s.results.length > 0);
  for (let i = 0; i < 100 && !joined(); i++) {
    publishNext();
    await eventually(joined, 'first messages', 100).catch(() => undefined);
  }
  expect(joined()).toBe(true);
}

/** One more publish; each subscription's message for it, and the executions it caused. */
async function measuredPublish(subscriptions: Received[]) {
  const timestamp = publishNext();
  const of = (s: Received) => s.results.find((r) => timestampOf(r) === timestamp);
  await eventually(() => subscriptions.every((s) => of(s) !== undefined), `messages of batch ${timestamp}`);
  return { timestamp, messages: subscriptions.map((s) => of(s)!), executions: app.executions.filter((e) => e.batchTimestamp === timestamp) };
}

const live = (field: string, args: string) =>
  `subscription { ${field}(${args}) { timestamp entities { key kind name namespace values { metric value labeled { labels { key value } value } } entity { ... on Pod { node { name } } } } } }`;
const metrics = 'metrics: ["cpu/usage_rate", "memory/working_set", "filesystem/usage"]';
const batchDocument = `subscription { batch { timestamp metricSets counts { nodes namespaces pods containers systemContainers workloads } scrapes { nodes ok failed } } }`;

/** The keys a live message lists. */
const keysOf = (message: { data?: any }) => (Object.values(message.data)[0] as { entities: Array<{ key: string }> }).entities.map((e) => e.key);

/** One check per root field of Subscription. */
const rootFields: Record<string, () => Promise<void>> = {
  async batch() {
    const subs = [tokens.admin, tokens.scraper, tokens.scraperAndNodes].map((t) => open(client(t), batchDocument));
    await untilAllJoined(subs);
    const { messages } = await measuredPublish(subs);
    const [all, scraper, withNodes] = messages.map((m) => m!.data.batch);
    const newest = app.batches[2]!;
    const visibleSets = (token: string) => scopeBatch(newest, token === tokens.scraper ? scopeOf('a', ['scraper']) : scopeOf('b', ['scraper'], { nodes: true })).metricSets.size;
    expect(all.metricSets).toBe(newest.metricSets.size);
    expect(all.counts.nodes).toBe(1);
    expect(all.scrapes).toEqual({ nodes: 1, ok: 1, failed: 0 });
    expect(scraper.metricSets).toBe(visibleSets(tokens.scraper));
    expect(scraper.counts).toMatchObject({ nodes: 0, namespaces: 1, systemContainers: 0 });
    expect(scraper.counts.pods).toBe([...newest.metricSets.keys()].filter((k) => /^namespace:scraper\/pod:[^/]+$/.test(k)).length);
    expect(scraper.scrapes).toEqual({ nodes: 0, ok: 0, failed: 0 });
    expect(withNodes.metricSets).toBe(visibleSets(tokens.scraperAndNodes));
    expect(withNodes.counts).toMatchObject({ nodes: 1, systemContainers: 2 });
    expect(withNodes.scrapes).toEqual(all.scrapes);
  },

  async livePod() {
    const hidden = live('livePod', `namespace: "kube-system", name: "etcd-minikube", ${metrics}`);
    const unknown = live('livePod', `namespace: "kube-systen", name: "etcd-minikube", ${metrics}`);
    const visible = live('livePod', `namespace: "scraper", name: "e2e-statefulset-0", ${metrics}`);
    const subs = [open(client(tokens.admin), hidden), open(client(tokens.scraper), hidden), open(client(tokens.scraper), unknown), open(client(tokens.admin), visible), open(client(tokens.scraper), visible)];
    await untilAllJoined(subs);
    const { messages } = await measuredPublish(subs);
    const [adminHidden, scraperHidden, scraperUnknown, adminVisible, scraperVisible] = messages.map((m) => m!.data.livePod);
    expect(adminHidden.entities.length).toBe(1);
    expect(adminHidden.entities[0].values[0].value).toBeGreaterThan(0);
    // A hidden pod is a pod that does not exist: no entity, at every batch.
    expect(scraperHidden).toEqual({ timestamp: adminHidden.timestamp, entities: [] });
    expect(scraperUnknown).toEqual(scraperHidden);
    expect(adminVisible.entities[0].entity.node).toEqual({ name: 'minikube' });
    expect(scraperVisible).toEqual({ ...adminVisible, entities: [{ ...adminVisible.entities[0], entity: { node: null } }] });
  },

  async liveNamespacePods() {
    const document = live('liveNamespacePods', `namespace: "scraper", ${metrics}`);
    const subs = [open(client(tokens.admin), document), open(client(tokens.scraperAndNodes), document), open(client(tokens.system), document)];
    await untilAllJoined(subs);
    const { messages, executions } = await measuredPublish(subs);
    const [all, withNodes, system] = messages.map((m) => m!.data.liveNamespacePods);
    expect(keysOf(messages[0]!).length).toBe(app.query.pods('scraper').length);
    expect(withNodes).toEqual(all);
    expect(system).toEqual({ timestamp: all.timestamp, entities: [] });
    // Three scopes, three executions of the same document.
    expect(executions.map((e) => e.subscribers)).toEqual([1, 1, 1]);
    expect(new Set(executions.map((e) => e.subscriptionKey)).size).toBe(3);
  },

  async liveNodes() {
    const document = live('liveNodes', metrics);
    const refused = open(client(tokens.scraper), document);
    await eventually(() => refused.results.length + refused.errors.length > 0, 'the refusal');
    expect(refused.results).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] }]);
    const subs = [open(client(tokens.admin), document), open(client(tokens.scraperAndNodes), document)];
    await untilAllJoined(subs);
    const { messages } = await measuredPublish(subs);
    expect(keysOf(messages[0]!)).toEqual(['node:minikube']);
    expect(messages[1]).toEqual(messages[0]);
  },

  async liveCluster() {
    const document = live('liveCluster', 'metrics: ["cpu/usage_rate", "memory/usage"]');
    for (const token of [tokens.scraper, tokens.scraperAndNodes]) {
      const refused = open(client(token), document);
      await eventually(() => refused.results.length + refused.errors.length > 0, 'the refusal');
      expect(refused.results[0]?.errors?.[0]?.extensions?.code, token).toBe('FORBIDDEN');
    }
    const subs = [open(client(tokens.admin), document), open(client(tokens.clusterNoNodes), document)];
    await untilAllJoined(subs);
    const { messages } = await measuredPublish(subs);
    expect(keysOf(messages[0]!)).toEqual(['cluster']);
    expect(messages[1]).toEqual(messages[0]);
  },
};

describe('subscriptions under a scope', () => {
  it('has a check for every root field of Subscription', () => {
    expect(Object.keys(rootFields).sort()).toEqual(Object.keys(createSchema().getSubscriptionType()!.getFields()).sort());
  });

  for (const [field, check] of Object.entries(rootFields)) {
    it(`scopes Subscription.${field}`, check);
  }

  it('shares one execution between connections of equal scopes, and runs one per scope otherwise', async () => {
    const document = live('liveNamespacePods', `namespace: "scraper", ${metrics}`);
    // Two scope objects with one key (the same rights reviewed twice), and a different scope.
    const subs = [open(client(tokens.scraper), document), open(client(tokens.scraperAgain), document), open(client(tokens.admin), document)];
    await untilAllJoined(subs);
    const { messages, executions } = await measuredPublish(subs);
    expect(executions.map((e) => e.subscribers).sort()).toEqual([1, 2]);
    expect(messages[1]).toEqual(messages[0]);
    expect(keysOf(messages[0]!).length).toBe(app.query.pods('scraper').length);
  });
});

/** A bare graphql-transport-ws connection: sends `connection_init` and reports how it ended. */
function connect(options: { header?: string; payload?: Record<string, unknown> }): Promise<{ acked: boolean; code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', options.header ? { headers: { authorization: options.header } } : {});
    let acked = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', ...(options.payload ? { payload: options.payload } : {}) })));
    socket.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') {
        acked = true;
        socket.close(1000, 'done');
      }
    });
    socket.on('close', (code, reason) => resolve({ acked, code, reason: String(reason) }));
    socket.on('error', reject);
  });
}

describe('graphql-ws connections with a front door', () => {
  it('closes a connection without credentials with 4403 Forbidden', async () => {
    expect(await connect({})).toEqual({ acked: false, code: 4403, reason: 'Forbidden' });
  });

  it('closes a connection whose token is refused, in the header or in connectionParams, with 4403', async () => {
    expect(await connect({ header: 'Bearer no-such-token' })).toEqual({ acked: false, code: 4403, reason: 'Forbidden' });
    expect(await connect({ payload: { Authorization: 'Bearer no-such-token' } })).toEqual({ acked: false, code: 4403, reason: 'Forbidden' });
    expect(await connect({ payload: { Authorization: tokens.scraper } })).toEqual({ acked: false, code: 4403, reason: 'Forbidden' });
    // A refused header decides, even with a good token in connectionParams.
    expect(await connect({ header: 'Bearer no-such-token', payload: { Authorization: `Bearer ${tokens.admin}` } })).toEqual({ acked: false, code: 4403, reason: 'Forbidden' });
  });

  it('closes with 4500 when the reviewer fails', async () => {
    expect(await connect({ header: `Bearer ${tokens.failing}` })).toEqual({ acked: false, code: 4500, reason: 'Internal server error' });
    expect(await connect({ payload: { authorization: `Bearer ${tokens.failing}` } })).toEqual({ acked: false, code: 4500, reason: 'Internal server error' });
  });

  it('accepts a token in the upgrade header or in connectionParams, either key case', async () => {
    const reviewed = app.access.reviewed.length;
    expect(await connect({ header: `Bearer ${tokens.scraper}` })).toMatchObject({ acked: true, code: 1000 });
    expect(await connect({ payload: { Authorization: `Bearer ${tokens.scraper}` } })).toMatchObject({ acked: true, code: 1000 });
    expect(await connect({ payload: { authorization: `bearer ${tokens.system}` } })).toMatchObject({ acked: true, code: 1000 });
    expect(app.access.reviewed.slice(reviewed)).toEqual([tokens.scraper, tokens.scraper, tokens.system]);
  });

  it('scopes a connection by its connectionParams token as by its header', async () => {
    const document = live('liveNamespacePods', `namespace: "kube-system", ${metrics}`);
    const byParams = open(app.wsClient({ connectionParams: { Authorization: `Bearer ${tokens.scraper}` } }), document);
    const byHeader = open(client(tokens.scraper), document);
    const admin = open(client(tokens.admin), document);
    await untilAllJoined([byParams, byHeader, admin]);
    const { messages, executions } = await measuredPublish([byParams, byHeader, admin]);
    expect(keysOf(messages[2]!).length).toBe(app.query.pods('kube-system').length);
    expect(messages[0]!.data.liveNamespacePods.entities).toEqual([]);
    expect(messages[1]).toEqual(messages[0]);
    expect(executions.map((e) => e.subscribers).sort()).toEqual([1, 2]);
  });
});
