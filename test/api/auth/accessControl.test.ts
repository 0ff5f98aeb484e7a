import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createAccessControl, isHealthPath } from '../../../src/api/auth/accessControl.js';
import { AuthError } from '../../../src/api/auth/errors.js';
import type { AccessAttributes, AccessReviewer, ReviewSubject } from '../../../src/api/auth/reviewer.js';
import { clusterAttributes, namespaceAttributes, nodesAttributes, selfMetricsAttributes } from '../../../src/api/auth/scope.js';
import type { AccessDecision } from '../../../src/api/auth/types.js';

const namespaces = ['default', 'shop', 'payments', 'kube-system'];

/** A plain-HTTP request as the server hands it over (no TLS socket). */
function request(url: string, authorization?: string): IncomingMessage {
  return { url, headers: authorization === undefined ? {} : { authorization }, socket: {} } as unknown as IncomingMessage;
}

/** A reviewer backed by a table: token → subject, user → allowed question keys. */
function tableReviewer(grants: Record<string, AccessAttributes[]>): AccessReviewer & { asked: AccessAttributes[] } {
  const asked: AccessAttributes[] = [];
  return {
    asked,
    reviewToken: async (token) => (Object.hasOwn(grants, token) ? { authenticated: true, subject: { user: token, groups: ['system:authenticated'] } } : { authenticated: false, reason: 'invalid bearer token' }),
    reviewAccess: async (subject: ReviewSubject, attributes) => {
      asked.push(attributes);
      return grants[subject.user]!.some((g) => JSON.stringify(g) === JSON.stringify(attributes));
    },
  };
}

function control(reviewer: AccessReviewer) {
  return createAccessControl({ delegated: { reviewer, namespaces: () => namespaces } });
}

function allowed(decision: AccessDecision) {
  if (!decision.ok) throw new Error(`denied ${decision.status}: ${decision.message}`);
  const { scope, caller } = decision;
  return { caller, key: scope.key, unrestricted: scope.unrestricted, nodes: scope.nodes, cluster: scope.cluster, visible: namespaces.filter((n) => scope.namespace(n)) };
}

const keyOf = (nodes: boolean, cluster: boolean, visible: string[]) => createHash('sha256').update(JSON.stringify({ nodes, cluster, namespaces: [...visible].sort() })).digest('hex');

describe('delegated scope', () => {
  it('sees everything with get nodes and list pods in every namespace, without asking per namespace', async () => {
    const reviewer = tableReviewer({ admin: [nodesAttributes, clusterAttributes] });
    expect(allowed(await control(reviewer).check(request('/api/v1/model/', 'Bearer admin')))).toEqual({
      caller: { user: 'admin', groups: ['system:authenticated'], via: 'token' },
      key: '*',
      unrestricted: true,
      nodes: true,
      cluster: true,
      visible: namespaces,
    });
    expect(reviewer.asked).toEqual([nodesAttributes, clusterAttributes]);
  });

  it('sees exactly the namespaces where get pods.metrics.k8s.io is allowed', async () => {
    const reviewer = tableReviewer({ viewer: [namespaceAttributes('shop'), namespaceAttributes('payments')] });
    const scope = allowed(await control(reviewer).check(request('/graphql', 'Bearer viewer')));
    expect(scope).toMatchObject({ unrestricted: false, nodes: false, cluster: false, visible: ['shop', 'payments'], key: keyOf(false, false, ['shop', 'payments']) });
    expect(reviewer.asked).toEqual([nodesAttributes, clusterAttributes, ...namespaces.map(namespaceAttributes)]);
  });

  it('sees nodes alone with get nodes.metrics.k8s.io', async () => {
    const scope = allowed(await control(tableReviewer({ ops: [nodesAttributes] })).check(request('/graphql', 'Bearer ops')));
    expect(scope).toMatchObject({ unrestricted: false, nodes: true, cluster: false, visible: [], key: keyOf(true, false, []) });
  });

  it('sees the cluster aggregate with list pods in every namespace, namespaces still asked one by one', async () => {
    const scope = allowed(await control(tableReviewer({ lead: [clusterAttributes, namespaceAttributes('default')] })).check(request('/graphql', 'Bearer lead')));
    expect(scope).toMatchObject({ unrestricted: false, nodes: false, cluster: true, visible: ['default'], key: keyOf(false, true, ['default']) });
  });

  it('gives equal keys to callers who see the same data, and different keys otherwise', async () => {
    const reviewer = tableReviewer({
      a: [namespaceAttributes('payments'), namespaceAttributes('shop')],
      b: [namespaceAttributes('shop'), namespaceAttributes('payments')],
      c: [namespaceAttributes('shop')],
      d: [namespaceAttributes('shop'), nodesAttributes],
    });
    const access = control(reviewer);
    const keys = await Promise.all(['a', 'b', 'c', 'd'].map(async (t) => allowed(await access.check(request('/graphql', `Bearer ${t}`))).key));
    expect(keys[0]).toBe(keys[1]);
    expect(new Set(keys).size).toBe(3);
  });

  it('hides namespaces that did not exist when the scope was made', async () => {
    const decision = await control(tableReviewer({ viewer: [namespaceAttributes('shop')] })).check(request('/graphql', 'Bearer viewer'));
    expect(decision.ok && decision.scope.namespace('created-later')).toBe(false);
  });

  it('answers 403 naming the user when nothing at all is visible', async () => {
    expect(await control(tableReviewer({ nobody: [] })).check(request('/graphql', 'Bearer nobody'))).toEqual({
      ok: false,
      status: 403,
      message: 'Forbidden: user "nobody" may not get pods.metrics.k8s.io in any namespace, nor nodes.metrics.k8s.io',
    });
  });

  it('asks at most 16 namespace questions at once', async () => {
    const many = Array.from({ length: 50 }, (_, i) => `ns-${i}`);
    let inFlight = 0;
    let peak = 0;
    const reviewer: AccessReviewer = {
      reviewToken: async () => ({ authenticated: true, subject: { user: 'u', groups: [] } }),
      reviewAccess: async (_s, attributes) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return attributes.kind === 'resource' && attributes.namespace === 'ns-7';
      },
    };
    const decision = await createAccessControl({ delegated: { reviewer, namespaces: () => many } }).check(request('/graphql', 'Bearer t'));
    expect(decision.ok && many.filter((n) => decision.scope.namespace(n))).toEqual(['ns-7']);
    expect(peak).toBe(16);
  });
});

describe('delegated authentication', () => {
  const reviewer = tableReviewer({ admin: [nodesAttributes, clusterAttributes, selfMetricsAttributes], viewer: [namespaceAttributes('shop')] });

  it.each([
    ['no Authorization header', undefined],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['an empty bearer token', 'Bearer '],
  ])('answers 401 for %s', async (_case, header) => {
    expect(await control(reviewer).check(request('/api/v1/model/', header))).toEqual({ ok: false, status: 401, message: 'Unauthorized: a bearer token is required (Authorization: Bearer <token>)' });
  });

  it('answers 401 when TokenReview does not authenticate the token', async () => {
    expect(await control(reviewer).check(request('/api/v1/model/', 'Bearer stolen'))).toEqual({ ok: false, status: 401, message: 'Unauthorized: the bearer token was not accepted' });
  });

  it('reads the scheme case-insensitively', async () => {
    expect((await control(reviewer).check(request('/api/v1/model/', 'bearer admin'))).ok).toBe(true);
  });

  it('opens /metrics only with get on the non-resource path /metrics, however the path is spelled', async () => {
    const access = control(reviewer);
    for (const path of ['/metrics', '/metrics/', '//metrics', '/%6Detrics?x=1']) {
      expect([path, (await access.check(request(path, 'Bearer admin'))).ok]).toEqual([path, true]);
      expect([path, await access.check(request(path, 'Bearer viewer'))]).toEqual([path, { ok: false, status: 403, message: 'Forbidden: user "viewer" may not get path "/metrics"' }]);
    }
  });

  it.each([
    ['a TokenReview', { reviewToken: () => Promise.reject(new AuthError('review_failed', 'TokenReview failed: connect ECONNREFUSED 127.0.0.1:1')) }, 'Internal Server Error: TokenReview failed: connect ECONNREFUSED 127.0.0.1:1'],
    ['a SubjectAccessReview', { reviewAccess: () => Promise.reject(new AuthError('review_failed', 'SubjectAccessReview failed: HTTP 500')) }, 'Internal Server Error: SubjectAccessReview failed: HTTP 500'],
    ['an unexpected error', { reviewAccess: () => Promise.reject(new TypeError('boom')) }, 'Internal Server Error: access review failed'],
  ])('answers 500 and never allows when %s fails', async (_case, broken: Partial<AccessReviewer>, message) => {
    const failing = { ...tableReviewer({ admin: [nodesAttributes, clusterAttributes] }), ...broken };
    expect(await control(failing).check(request('/graphql', 'Bearer admin'))).toEqual({ ok: false, status: 500, message });
  });

  it('decides tokens given out of band (graphql-ws connectionParams), bare or as a header value', async () => {
    const access = control(reviewer);
    expect(allowed(await access.checkToken('viewer')).visible).toEqual(['shop']);
    expect(allowed(await access.checkToken('Bearer viewer')).visible).toEqual(['shop']);
    expect(await access.checkToken('')).toEqual({ ok: false, status: 401, message: 'Unauthorized: empty bearer token' });
    expect((await access.checkToken('stolen')).ok).toBe(false);
  });
});

describe('client certificates only', () => {
  const access = createAccessControl({ clientCertificates: { allowedUsers: [] } });

  it('answers 401 Unauthorized to a request without a verified certificate, token or not', async () => {
    expect(await access.check(request('/api/v1/model/', 'Bearer admin'))).toEqual({ ok: false, status: 401, message: 'Unauthorized' });
  });

  it('refuses out-of-band tokens', async () => {
    expect(await access.checkToken('admin')).toEqual({ ok: false, status: 401, message: 'Unauthorized: bearer tokens are not accepted (--delegated_auth is off)' });
  });
});

describe('createAccessControl and isHealthPath', () => {
  it('needs at least one mode', () => {
    expect(() => createAccessControl({})).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });

  it.each([
    ['/healthz', true],
    ['/healthz/healthz', true],
    ['/healthz/?verbose', true],
    ['/%68ealthz', true],
    ['/healthz/other', false],
    ['/healthz/../api/v1/model/', false],
    ['/healthzz', false],
    ['/metrics', false],
    ['/%E0%A4%A', false],
  ])('treats %s as a health path: %s', (url, health) => {
    expect(isHealthPath(url)).toBe(health);
  });
});
