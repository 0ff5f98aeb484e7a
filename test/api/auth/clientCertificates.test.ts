import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessControl } from '../../../src/api/auth/accessControl.js';
import type { AccessReviewer } from '../../../src/api/auth/reviewer.js';
import { loadTlsMaterial } from '../../../src/api/auth/tls.js';
import { startHttpServer, type HttpServerHandle, type RouteHandler } from '../../../src/api/server.js';
import { createTestCertificates, type TestCertificates } from './certs.js';
import { get } from './client.js';
import { scopeHandler, type ScopeReport } from './scopeHandler.js';

let certs: TestCertificates;
const servers: HttpServerHandle[] = [];

beforeAll(() => {
  certs = createTestCertificates();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  certs.remove();
});

const healthz: RouteHandler = (req, res) => {
  if (!/^\/healthz(\/healthz)?\/?$/.test((req.url ?? '').split('?')[0]!)) return false;
  res.end('ok');
  return true;
};

async function serve(options: { clientCa: boolean; allowedUsers?: string[]; reviewer?: AccessReviewer }): Promise<HttpServerHandle> {
  const tls = loadTlsMaterial({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, ...(options.clientCa ? { clientCaFile: certs.caFile } : {}) });
  const access = options.clientCa || options.reviewer
    ? createAccessControl({
        ...(options.clientCa ? { clientCertificates: { allowedUsers: options.allowedUsers ?? [] } } : {}),
        ...(options.reviewer ? { delegated: { reviewer: options.reviewer, namespaces: () => ['shop'] } } : {}),
      })
    : undefined;
  const server = await startHttpServer({
    listenIp: '127.0.0.1',
    port: 0,
    handlers: [healthz, scopeHandler(() => ['shop', 'payments'])],
    tls,
    ...(access ? { access } : {}),
    bearerChallenge: options.reviewer !== undefined,
  });
  servers.push(server);
  return server;
}

const as = (name: 'alice' | 'bob' | 'rogue') => ({ ca: certs.ca, ...certs.clients[name] });

describe('HTTPS with --tls_cert and --tls_key', () => {
  it('reports an https URL and serves handlers to a client that trusts the CA', async () => {
    const server = await serve({ clientCa: false });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await get(`${server.url}/test/scope`, { tls: { ca: certs.ca } });
    expect(answer.status).toBe(200);
    const report = JSON.parse(answer.body) as ScopeReport;
    expect(report).toMatchObject({ caller: null, key: '*', unrestricted: true, visible: ['shop', 'payments'] });
  });

  it('fails the handshake for a client that does not trust the server certificate', async () => {
    const server = await serve({ clientCa: false });
    await expect(get(`${server.url}/test/scope`)).rejects.toThrow(/self[- ]signed|unable to verify|certificate/i);
  });
});

describe('client certificates with --tls_client_ca', () => {
  it('answers 401 Unauthorized without a certificate', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'] });
    const answer = await get(`${server.url}/test/scope`, { tls: { ca: certs.ca } });
    expect(answer).toMatchObject({ status: 401, body: 'Unauthorized' });
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('answers 401 to a certificate of an untrusted CA even when its CN is allowed', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'] });
    const answer = await get(`${server.url}/test/scope`, { tls: as('rogue') });
    expect(answer).toMatchObject({ status: 401, body: 'Unauthorized' });
  });

  it('answers 403 Forbidden to a verified certificate whose CN is not in --allowed_users', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'] });
    const answer = await get(`${server.url}/test/scope`, { tls: as('bob') });
    expect(answer).toMatchObject({ status: 403, body: 'Forbidden' });
  });

  it('lets an allowed CN through unrestricted, as Heapster did', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['carol', 'alice'] });
    const answer = await get(`${server.url}/test/scope`, { tls: as('alice') });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ caller: { user: 'alice', groups: [], via: 'client-cert' }, key: '*', unrestricted: true });
  });

  it('allows any verified certificate when --allowed_users is empty (Heapster answered 401 to all, quirk 12)', async () => {
    const server = await serve({ clientCa: true });
    for (const name of ['alice', 'bob'] as const) {
      const answer = await get(`${server.url}/test/scope`, { tls: as(name) });
      expect(answer.status).toBe(200);
      expect((JSON.parse(answer.body) as ScopeReport).caller?.user).toBe(name);
    }
    expect((await get(`${server.url}/test/scope`, { tls: as('rogue') })).status).toBe(401);
  });

  it('keeps /healthz and /healthz/healthz open without a certificate', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'] });
    for (const path of ['/healthz', '/healthz/healthz', '/healthz/', '/healthz?verbose']) {
      const answer = await get(`${server.url}${path}`, { tls: { ca: certs.ca } });
      expect([path, answer.status, answer.body]).toEqual([path, 200, 'ok']);
    }
  });

  it('guards /metrics like every other route', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'] });
    expect((await get(`${server.url}/metrics`, { tls: { ca: certs.ca } })).status).toBe(401);
    expect((await get(`${server.url}/metrics`, { tls: as('bob') })).status).toBe(403);
    expect((await get(`${server.url}/metrics`, { tls: as('alice') })).status).toBe(200);
  });
});

describe('client certificates together with delegated auth', () => {
  const reviewer: AccessReviewer = {
    reviewToken: async (token) => (token === 'good' ? { authenticated: true, subject: { user: 'tok', groups: ['g'] } } : { authenticated: false, reason: 'unknown' }),
    reviewAccess: async (_subject, attributes) => attributes.kind === 'resource' && attributes.namespace === 'shop',
  };

  it('lets an allowed certificate win without a token, unrestricted', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'], reviewer });
    const answer = await get(`${server.url}/test/scope`, { tls: as('alice') });
    expect(JSON.parse(answer.body)).toMatchObject({ caller: { user: 'alice', via: 'client-cert' }, unrestricted: true });
  });

  it('still forbids a verified certificate that is not allowed, even with a good token', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'], reviewer });
    const answer = await get(`${server.url}/test/scope`, { tls: as('bob'), headers: { Authorization: 'Bearer good' } });
    expect(answer).toMatchObject({ status: 403, body: 'Forbidden' });
  });

  it('falls back to the bearer token without a certificate, and challenges for one when there is none', async () => {
    const server = await serve({ clientCa: true, allowedUsers: ['alice'], reviewer });
    const scoped = await get(`${server.url}/test/scope`, { tls: { ca: certs.ca }, headers: { Authorization: 'Bearer good' } });
    expect(scoped.status).toBe(200);
    expect(JSON.parse(scoped.body)).toMatchObject({ caller: { user: 'tok', via: 'token' }, unrestricted: false, visible: ['shop'] });
    const none = await get(`${server.url}/test/scope`, { tls: { ca: certs.ca } });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('WebSocket upgrade requests', () => {
  it('are decided by the same AccessControl from their certificate and headers', async () => {
    const tls = loadTlsMaterial({ certFile: certs.serverCertFile, keyFile: certs.serverKeyFile, clientCaFile: certs.caFile });
    const access = createAccessControl({ clientCertificates: { allowedUsers: ['alice'] } });
    const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: [], tls, access });
    servers.push(server);
    server.server.on('upgrade', (req, socket) => {
      void access.check(req).then((decision) => {
        const [status, body] = decision.ok ? [200, decision.caller.user] : [decision.status, decision.message];
        socket.end(`HTTP/1.1 ${status} X\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      });
    });
    const upgrade = { Connection: 'Upgrade', Upgrade: 'websocket' };
    expect(await get(`${server.url}/graphql`, { tls: as('alice'), headers: upgrade })).toMatchObject({ status: 200, body: 'alice' });
    expect(await get(`${server.url}/graphql`, { tls: as('bob'), headers: upgrade })).toMatchObject({ status: 403, body: 'Forbidden' });
    expect(await get(`${server.url}/graphql`, { tls: { ca: certs.ca }, headers: upgrade })).toMatchObject({ status: 401, body: 'Unauthorized' });
  });
});
