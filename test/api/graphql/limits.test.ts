import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGraphqlApp, type GraphqlApp } from './harness.js';

const limits = { maxDepth: 8, maxCost: 2_000, maxAliases: 3, maxPointsPerOperation: 50, maxPayloadBytes: 4_096, maxConnections: 1, landingPage: 'none', introspection: false } as const;
let t: GraphqlApp;

beforeAll(async () => {
  t = await startGraphqlApp(limits);
  await t.app.manager.stop();
  await t.app.sinks.idle();
});
afterAll(async () => t?.stop());

describe('operation limits over HTTP', () => {
  it('rejects an operation nested deeper than maxDepth before running it', async () => {
    const response = await t.gql(`{ cluster { pods(first: 1) { nodes { node { pods(first: 1) { nodes { containers { pod { name } } } } } } } } }`);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([{ message: 'The operation nests 9 levels deep; the limit is 8', extensions: { code: 'DEPTH_LIMIT_EXCEEDED', depth: 9, limit: 8 } }]);
  });

  it('rejects more aliases than maxAliases, counting those in fragments', async () => {
    const response = await t.gql(`query { cluster { a: key b: kind ...F } } fragment F on Cluster { c: key d: kind }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'ALIAS_LIMIT_EXCEEDED', aliases: 4, limit: 3 });
  });

  it('rejects an operation whose estimated cost passes maxCost, page sizes from variables included', async () => {
    const query = `query($n: Int) { nodes(first: $n) { nodes { pods(first: $n) { nodes { name } } } } }`;
    const big = await t.gql(query, { n: 100 });
    expect(big.status).toBe(400);
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'COST_LIMIT_EXCEEDED', limit: 2_000 });
    expect(big.errors?.[0]?.extensions?.cost).toBeGreaterThan(2_000);
    // The same document with small pages is cheap: a cost computed from variables is never reused.
    const small = await t.gql(query, { n: 3 });
    expect(small.errors).toBeUndefined();
    expect(small.data!.nodes.nodes).toHaveLength(3);
  });

  it('fails the whole operation, without data, when it would return more points than maxPointsPerOperation', async () => {
    const points = t.app.query.pods().reduce((sum, p) => sum + t.app.query.series(p.key, 'memory/usage').points.length, 0);
    expect(points).toBeGreaterThan(50);
    const response = await t.gql(`{ pods(first: 50) { nodes { metric(name: "memory/usage") { points { value } } } } }`);
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([{ message: expect.stringContaining('more than 50 points'), extensions: { code: 'POINTS_LIMIT_EXCEEDED', limit: 50 } }]);
    const within = await t.gql(`{ pods(first: 2) { nodes { metric(name: "memory/usage") { points { value } } } } }`);
    expect(within.errors).toBeUndefined();
  });

  it('answers 413 to a request body larger than maxPayloadBytes', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ cluster { key } }`, padding: 'x'.repeat(5_000) }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ errors: [{ message: 'The request body exceeds 4096 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 4_096 } }] });
  });

  it('answers 400 to a subscription sent over HTTP, pointing to the WebSocket', async () => {
    const response = await t.gql(`subscription { batch { timestamp } }`);
    expect(response.status).toBe(400);
    expect(response.errors).toEqual([{ message: expect.stringContaining('over WebSocket'), extensions: { code: 'BAD_REQUEST' } }]);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{ query' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('refuses introspection when it is turned off, and serves no landing page with landingPage none', async () => {
    const response = await t.gql(`{ __schema { queryType { name } } }`);
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const page = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).not.toContain('text/html');
    expect(page.status).toBe(400);
  });
});

describe('connection limit', () => {
  it('refuses a WebSocket upgrade beyond maxConnections with 503', async () => {
    const url = `${t.url.replace(/^http/, 'ws')}/graphql`;
    const first = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((resolve, reject) => {
      first.once('open', resolve);
      first.once('error', reject);
    });
    const status = await new Promise<number>((resolve) => {
      const second = new WebSocket(url, 'graphql-transport-ws');
      // Cutting a refused handshake reports "closed before the connection was established".
      second.once('error', () => undefined);
      second.once('unexpected-response', (_req, res) => {
        resolve(res.statusCode ?? 0);
        second.terminate();
      });
      second.once('open', () => resolve(101));
    });
    expect(status).toBe(503);
    await new Promise((resolve) => {
      first.once('close', resolve);
      first.close();
    });
  });
});
