/**
 * Issue 8, end to end: `heapgraph --delegated_auth` with both real surfaces against the simulated
 * cluster, whose API server answers TokenReview and SubjectAccessReview. A namespace token sees
 * its namespace and nothing else over REST, GraphQL and graphql-ws; the admin token sees all.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlSurface } from '../src/api/graphql/index.js';
import { createRestSurface } from '../src/api/rest/index.js';
import { runHeapgraph, type Heapgraph } from '../src/cli/heapgraph.js';
import { silentLogger } from '../src/core/log.js';
import { configFrom, waitFor } from './helpers/heapgraph.js';
import { get } from './api/auth/client.js';

const ADMIN = 'demo-admin-token';
const SHOP = 'demo-shop-token';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
let app: Heapgraph;
const clients: Client[] = [];

beforeAll(async () => {
  const config = configFrom(['--source=sim:?nodes=3&podsPerNode=8&seed=5', '--metric_resolution=5s', '--heapster_port=0', '--listen_ip=127.0.0.1', '--delegated_auth']);
  app = await runHeapgraph(config, silentLogger(), { surfaces: [createRestSurface(), createGraphqlSurface()] });
  await waitFor(() => app.latestBatch(), 20_000);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.dispose()));
  await app?.stop();
});

async function graphql(token: string, query: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
  return { status: res.status, body: await res.json() };
}

/** The first `batch` event a subscriber gets, or how its connection closed. */
function firstBatch(connectionParams: Record<string, unknown> | undefined): Promise<{ counts?: any; closeCode?: number }> {
  return new Promise((resolve) => {
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      ...(connectionParams ? { connectionParams } : {}),
      on: { closed: (event) => resolve({ closeCode: (event as { code: number }).code }) },
    });
    clients.push(client);
    client.subscribe({ query: 'subscription { batch { counts { nodes namespaces pods containers } } }' }, {
      next: (result) => resolve({ counts: (result.data as any)?.batch?.counts }),
      error: () => {},
      complete: () => {},
    });
  });
}

describe('heapgraph --delegated_auth end to end', () => {
  it('refuses every data route without a token and keeps /healthz open', async () => {
    expect((await get(`${app.url}/api/v1/model/namespaces/`)).status).toBe(401);
    expect((await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"query":"{ model }"}' })).status).toBe(401);
    expect((await get(`${app.url}/healthz`)).status).toBe(200);
  });

  it('shows the namespace token its namespace over REST, and neither nodes nor other namespaces', async () => {
    const all = JSON.parse((await get(`${app.url}/api/v1/model/namespaces/`, bearer(ADMIN))).body) as string[];
    expect(all.length).toBeGreaterThan(1);
    expect(all).toContain('shop');
    expect(JSON.parse((await get(`${app.url}/api/v1/model/namespaces/`, bearer(SHOP))).body)).toEqual(['shop']);
    expect((await get(`${app.url}/api/v1/model/nodes/`, bearer(SHOP))).status).toBe(403);
    expect((await get(`${app.url}/api/v1/model/nodes/`, bearer(ADMIN))).status).toBe(200);

    const other = all.find((ns) => ns !== 'shop')!;
    const asAdmin = JSON.parse((await get(`${app.url}/api/v1/model/namespaces/${other}/pods/`, bearer(ADMIN))).body) as string[];
    expect(asAdmin.length).toBeGreaterThan(0);
    const asShop = await get(`${app.url}/api/v1/model/namespaces/${other}/pods/`, bearer(SHOP));
    const unknown = await get(`${app.url}/api/v1/model/namespaces/no-such-namespace/pods/`, bearer(SHOP));
    expect({ status: asShop.status, body: asShop.body }).toEqual({ status: unknown.status, body: unknown.body });

    const shopPods = JSON.parse((await get(`${app.url}/api/v1/model/namespaces/shop/pods/`, bearer(SHOP))).body) as string[];
    const shopPodsAdmin = JSON.parse((await get(`${app.url}/api/v1/model/namespaces/shop/pods/`, bearer(ADMIN))).body) as string[];
    expect(shopPods.sort()).toEqual(shopPodsAdmin.sort());
  });

  it('gives the namespace token only its namespace in GraphQL, with the values the admin sees there', async () => {
    const query = '{ namespaces { nodes { name } } cluster { latest(name: "memory/usage") { value } } nodes { totalCount } shop: namespace(name: "shop") { latest(name: "memory/usage") { value } } }';
    const admin = await graphql(ADMIN, query);
    const shop = await graphql(SHOP, query);
    expect(admin.status).toBe(200);
    expect(shop.status).toBe(200);
    expect(admin.body.data.namespaces.nodes.map((n: { name: string }) => n.name)).toContain('shop');
    expect(shop.body.data.namespaces.nodes).toEqual([{ name: 'shop' }]);
    expect(shop.body.data.nodes.totalCount).toBe(0);
    expect(admin.body.data.nodes.totalCount).toBe(3);
    expect(admin.body.data.cluster.latest.value).toBeGreaterThan(0);
    expect(shop.body.data.cluster.latest).toBeNull();
    expect(shop.body.data.shop.latest.value).toBe(admin.body.data.shop.latest.value);
  });

  it('scopes a graphql-ws subscription by its connectionParams token and closes one without credentials', async () => {
    const [shop, admin, none] = await Promise.all([
      firstBatch({ Authorization: `Bearer ${SHOP}` }),
      firstBatch({ Authorization: `Bearer ${ADMIN}` }),
      firstBatch(undefined),
    ]);
    expect(none.closeCode).toBe(4403);
    expect(admin.counts.nodes).toBe(3);
    expect(admin.counts.namespaces).toBeGreaterThan(1);
    expect(shop.counts).toMatchObject({ nodes: 0, namespaces: 1 });
    expect(shop.counts.pods).toBeGreaterThan(0);
    expect(shop.counts.pods).toBeLessThan(admin.counts.pods);
  }, 30_000);
});
