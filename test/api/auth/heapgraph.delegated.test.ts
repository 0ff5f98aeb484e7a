import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessControl } from '../../../src/api/auth/types.js';
import { createRestSurface } from '../../../src/api/rest/index.js';
import type { SurfaceFactory } from '../../../src/api/surface.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { createLogger } from '../../../src/core/log.js';
import { defaultReviewPolicy } from '../../../src/sim/index.js';
import { configFrom, waitFor } from '../../helpers/heapgraph.js';
import { get } from './client.js';
import { scopeHandler, type ScopeReport } from './scopeHandler.js';

const ADMIN = 'demo-admin-token';
const SHOP = 'demo-shop-token';
const lines: string[] = [];
let app: Heapgraph;
let surfaceAccess: AccessControl | undefined;
let namespaces: string[] = [];

const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const reviews = () => ({ tokens: app.sim!.reviews.tokenReviews, access: app.sim!.reviews.accessReviews });

beforeAll(async () => {
  const testSurface: SurfaceFactory = (context) => {
    surfaceAccess = context.access;
    return { handlers: [scopeHandler(() => namespaces)] };
  };
  const logger = createLogger({ level: 'trace', pretty: false, destination: { write: (line: string) => void lines.push(line) } });
  const config = configFrom(['--source=sim:?nodes=2&podsPerNode=5&seed=3', '--metric_resolution=1s', '--heapster_port=0', '--listen_ip=127.0.0.1', '--delegated_auth', '--auth_cache_ttl=1m']);
  app = await runHeapgraph(config, logger, { surfaces: [createRestSurface(), testSurface] });
  namespaces = app.sim!.store.list('namespaces').map((ns) => ns.metadata.name).sort();
  await waitFor(() => app.latestBatch(), 15_000);
});
afterAll(async () => app?.stop());

describe('heapgraph --delegated_auth against the simulated API server', () => {
  it('answers 401 with a Bearer challenge to a request without a token', async () => {
    const answer = await get(`${app.url}/api/v1/model/namespaces/`);
    expect(answer).toMatchObject({ status: 401, body: 'Unauthorized: a bearer token is required (Authorization: Bearer <token>)' });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('answers 401 to a token TokenReview does not authenticate', async () => {
    const answer = await get(`${app.url}/api/v1/model/namespaces/`, bearer('made-up-token-4711'));
    expect(answer).toMatchObject({ status: 401, body: 'Unauthorized: the bearer token was not accepted' });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
  });

  it('keeps /healthz open without a token', async () => {
    expect(await get(`${app.url}/healthz`)).toMatchObject({ status: 200, body: 'ok' });
  });

  it('gives the namespace token its namespace only, with the key of that scope', async () => {
    expect(namespaces).toContain('shop');
    const answer = await get(`${app.url}/test/scope`, bearer(SHOP));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body) as ScopeReport).toEqual({
      caller: { user: 'demo-shop-viewer', groups: ['system:authenticated'], via: 'token' },
      key: createHash('sha256').update(JSON.stringify({ nodes: false, cluster: false, namespaces: ['shop'] })).digest('hex'),
      unrestricted: false,
      nodes: false,
      cluster: false,
      visible: ['shop'],
    });
  });

  it("lets the namespace token read its namespace's REST route", async () => {
    const answer = await get(`${app.url}/api/v1/model/namespaces/shop/pods/`, bearer(SHOP));
    expect(answer.status).toBe(200);
    const pods = JSON.parse(answer.body) as string[];
    const running = app.sim!.store.list('pods', 'shop').filter((p) => (p.status as { phase?: string }).phase === 'Running').map((p) => p.metadata.name);
    expect(pods.sort()).toEqual(running.sort());
  });

  it('gives the system:masters token everything', async () => {
    const report = JSON.parse((await get(`${app.url}/test/scope`, bearer(ADMIN))).body) as ScopeReport;
    expect(report).toMatchObject({ caller: { user: 'demo-admin', via: 'token' }, key: '*', unrestricted: true, nodes: true, cluster: true, visible: namespaces });
  });

  it('opens /metrics only to a token allowed get on the path /metrics', async () => {
    expect(await get(`${app.url}/metrics`, bearer(SHOP))).toMatchObject({ status: 403, body: 'Forbidden: user "demo-shop-viewer" may not get path "/metrics"' });
    const admin = await get(`${app.url}/metrics`, bearer(ADMIN));
    expect(admin.status).toBe(200);
    expect(admin.body).toContain('heapster_scraper_duration_milliseconds');
  });

  it('asks the API server nothing again within --auth_cache_ttl', async () => {
    await get(`${app.url}/test/scope`, bearer(SHOP));
    const before = reviews();
    for (let i = 0; i < 3; i++) expect((await get(`${app.url}/test/scope`, bearer(SHOP))).status).toBe(200);
    expect(reviews()).toEqual(before);
  });

  it('shares one review of each question among concurrent requests with a new token', async () => {
    app.sim!.reviews.setPolicy({
      tokens: { ...defaultReviewPolicy.tokens, 'burst-token': { username: 'burst-viewer' } },
      rules: [...defaultReviewPolicy.rules, { users: ['burst-viewer'], verbs: ['get'], apiGroups: ['metrics.k8s.io'], resources: ['pods'], namespaces: ['payments'] }],
    });
    const before = reviews();
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(`${app.url}/test/scope`, bearer('burst-token'))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => (JSON.parse(a.body) as ScopeReport).visible)).toEqual(Array.from({ length: 5 }, () => ['payments']));
    // One TokenReview; nodes, cluster and one question per namespace, once.
    expect(reviews()).toEqual({ tokens: before.tokens + 1, access: before.access + 2 + namespaces.length });
  });

  it('answers 500, never an allow, when the reviews fail', async () => {
    app.sim!.reviews.setPolicy({ ...defaultReviewPolicy, tokens: { ...defaultReviewPolicy.tokens, 'fresh-token-1': { username: 'fresh' } } });
    app.sim!.reviews.failNextReviews(1, 500);
    const answer = await get(`${app.url}/test/scope`, bearer('fresh-token-1'));
    expect(answer).toMatchObject({ status: 500, body: 'Internal Server Error: TokenReview failed: HTTP 500: injected fault: HTTP 500' });
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('answers 500 while the API server is unreachable, and recovers after', async () => {
    app.sim!.reviews.setPolicy({ ...defaultReviewPolicy, tokens: { ...defaultReviewPolicy.tokens, 'fresh-token-2': { username: 'demo-admin', groups: ['system:masters'] } } });
    app.sim!.apiFaults.setDown(true);
    try {
      const answer = await get(`${app.url}/test/scope`, bearer('fresh-token-2'));
      expect(answer.status).toBe(500);
      expect(answer.body).toMatch(/^Internal Server Error: TokenReview failed: /);
    } finally {
      app.sim!.apiFaults.setDown(false);
    }
    expect((await get(`${app.url}/test/scope`, bearer('fresh-token-2'))).status).toBe(200);
  });

  it('hands the same front door to the surfaces for graphql-ws connectionParams', async () => {
    expect(surfaceAccess).toBeDefined();
    const decision = await surfaceAccess!.checkToken(SHOP);
    expect(decision.ok && namespaces.filter((ns) => decision.scope.namespace(ns))).toEqual(['shop']);
  });

  it('never writes a token or an Authorization header to the log', () => {
    const log = lines.join('');
    expect(log).toContain('access review failed');
    expect(log).toContain('bearer token not authenticated');
    for (const secret of [ADMIN, SHOP, 'made-up-token-4711', 'burst-token', 'fresh-token-1', 'fresh-token-2', 'Bearer ']) expect(log).not.toContain(secret);
  });
});
