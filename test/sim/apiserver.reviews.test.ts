import { describe, expect, it } from 'vitest';
import { defaultReviewPolicy, type ApiServerHandle, type SimReviewPolicy } from '../../src/sim/apiserver/server.js';
import { startTestServer } from './apiserverTestKit.js';

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

async function post(server: ApiServerHandle, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(server.url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const tokenReview = (token: string) => ({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
const accessReview = (spec: Record<string, unknown>) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec });
const pods = (user: string, groups: string[], verb: string, namespace: string) => accessReview({ user, groups, resourceAttributes: { verb, group: 'metrics.k8s.io', resource: 'pods', namespace } });

describe('TokenReview', () => {
  it('authenticates a token of the table and adds system:authenticated, echoing the spec with 201', async () => {
    const server = await startTestServer();
    const { status, body } = await post(server, TOKEN_REVIEWS, tokenReview('demo-admin-token'));
    expect(status).toBe(201);
    expect(body).toEqual({
      kind: 'TokenReview',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { token: 'demo-admin-token' },
      status: { authenticated: true, user: { username: 'demo-admin', uid: 'sim-demo-admin', groups: ['system:masters', 'system:authenticated'] } },
    });
    expect(server.reviews.tokenReviews).toBe(1);
  });

  it('does not authenticate an unknown token', async () => {
    const server = await startTestServer();
    const { status, body } = await post(server, TOKEN_REVIEWS, tokenReview('guess'));
    expect(status).toBe(201);
    expect(body.status).toEqual({ user: {}, error: 'invalid bearer token' });
  });

  it.each([
    ['a body that is not JSON', '{"spec":', /^couldn't get version\/kind; json parse error: /],
    ['another group version', { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', spec: { token: 't' } }, /^the API version in the data \(authentication\.k8s\.io\/v1beta1\) does not match the expected API version \(authentication\.k8s\.io\/v1\)$/],
    ['another kind', { apiVersion: 'authentication.k8s.io/v1', kind: 'Pod', spec: { token: 't' } }, /^the kind in the data \(Pod\) does not match the expected kind \(TokenReview\)$/],
    ['no token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} }, /^token is required for TokenReview in authentication$/],
  ])('answers 400 Status for %s', async (_case, body, message) => {
    const server = await startTestServer();
    const answer = await post(server, TOKEN_REVIEWS, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400, message: expect.stringMatching(message) });
    expect(server.reviews.tokenReviews).toBe(0);
  });

  it('answers 405 to a GET', async () => {
    const server = await startTestServer();
    const response = await fetch(server.url + TOKEN_REVIEWS);
    expect(response.status).toBe(405);
    expect(await response.json()).toMatchObject({ reason: 'MethodNotAllowed' });
  });
});

describe('SubjectAccessReview with the default policy', () => {
  it.each([
    ['system:masters reads any namespace', pods('demo-admin', ['system:masters'], 'get', 'payments'), true],
    ['system:masters lists every namespace', pods('demo-admin', ['system:masters'], 'list', ''), true],
    ['system:masters reads /metrics', accessReview({ user: 'demo-admin', groups: ['system:masters'], nonResourceAttributes: { path: '/metrics', verb: 'get' } }), true],
    ['the shop viewer reads shop', pods('demo-shop-viewer', ['system:authenticated'], 'get', 'shop'), true],
    ['the shop viewer lists shop', pods('demo-shop-viewer', ['system:authenticated'], 'list', 'shop'), true],
    ['the shop viewer reads payments', pods('demo-shop-viewer', ['system:authenticated'], 'get', 'payments'), false],
    ['the shop viewer lists every namespace', pods('demo-shop-viewer', ['system:authenticated'], 'list', ''), false],
    ['the shop viewer deletes in shop', pods('demo-shop-viewer', ['system:authenticated'], 'delete', 'shop'), false],
    ['the shop viewer reads nodes', accessReview({ user: 'demo-shop-viewer', resourceAttributes: { verb: 'get', group: 'metrics.k8s.io', resource: 'nodes' } }), false],
    ['the shop viewer reads /metrics', accessReview({ user: 'demo-shop-viewer', nonResourceAttributes: { path: '/metrics', verb: 'get' } }), false],
    ['a stranger reads shop', pods('stranger', [], 'get', 'shop'), false],
  ])('%s: allowed %s', async (_case, review, allowed) => {
    const server = await startTestServer();
    const { status, body } = await post(server, ACCESS_REVIEWS, review);
    expect(status).toBe(201);
    expect(body).toMatchObject({ kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: review.spec });
    expect(body.status.allowed).toBe(allowed);
    expect(server.reviews.accessReviews).toBe(1);
  });

  it.each([
    ['neither attribute kind', { user: 'u' }, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'],
    ['both attribute kinds', { user: 'u', resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/', verb: 'get' } }, 'exactly one of nonResourceAttributes or resourceAttributes must be specified'],
    ['no user nor group', { resourceAttributes: { verb: 'get' } }, 'at least one of user or group must be specified'],
  ])('answers 422 Invalid for %s', async (_case, spec, cause) => {
    const server = await startTestServer();
    const { status, body } = await post(server, ACCESS_REVIEWS, accessReview(spec));
    expect(status).toBe(422);
    expect(body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { causes: [{ message: cause }] } });
  });
});

describe('the review policy of a running server', () => {
  it('can be replaced, and is checked when it is', async () => {
    const server = await startTestServer();
    const policy: SimReviewPolicy = {
      tokens: { 't-ops': { username: 'ops', groups: ['sre'] } },
      rules: [
        { groups: ['sre'], verbs: ['get'], apiGroups: ['metrics.k8s.io'], resources: ['nodes'] },
        { users: ['ops'], verbs: ['get'], nonResourceURLs: ['/debug/*'] },
      ],
    };
    server.reviews.setPolicy(policy);
    expect(server.reviews.policy).toBe(policy);
    expect((await post(server, TOKEN_REVIEWS, tokenReview('demo-admin-token'))).body.status.authenticated).toBeUndefined();
    expect((await post(server, TOKEN_REVIEWS, tokenReview('t-ops'))).body.status.user).toEqual({ username: 'ops', groups: ['sre', 'system:authenticated'] });
    const ask = async (spec: Record<string, unknown>) => (await post(server, ACCESS_REVIEWS, accessReview(spec))).body.status.allowed;
    expect(await ask({ user: 'x', groups: ['sre'], resourceAttributes: { verb: 'get', group: 'metrics.k8s.io', resource: 'nodes' } })).toBe(true);
    expect(await ask({ user: 'ops', nonResourceAttributes: { verb: 'get', path: '/debug/pprof' } })).toBe(true);
    expect(await ask({ user: 'ops', nonResourceAttributes: { verb: 'get', path: '/metrics' } })).toBe(false);
    expect(() => server.reviews.setPolicy({ tokens: {}, rules: [{ users: ['a'], verbs: [] }] })).toThrow('reviews policy: rules[0].verbs must be a non-empty list, received []');
    expect(() => server.reviews.setPolicy({ tokens: { t: { username: '' } }, rules: [] })).toThrow('reviews policy: tokens[…].username must be a non-empty string, received ""');
  });

  it('starts with the policy given as an option', async () => {
    const server = await startTestServer({ reviews: { tokens: { only: { username: 'solo' } }, rules: [] } });
    expect(server.reviews.policy.tokens).toEqual({ only: { username: 'solo' } });
    expect(defaultReviewPolicy.tokens).toHaveProperty('demo-shop-token');
  });

  it('fails the next reviews on request with a Status of the given code', async () => {
    const server = await startTestServer();
    server.reviews.failNextReviews(2, 503);
    expect((await post(server, TOKEN_REVIEWS, tokenReview('demo-admin-token'))).status).toBe(503);
    const second = await post(server, ACCESS_REVIEWS, pods('u', [], 'get', 'shop'));
    expect(second).toMatchObject({ status: 503, body: { reason: 'ServiceUnavailable', message: 'injected fault: HTTP 503' } });
    expect((await post(server, TOKEN_REVIEWS, tokenReview('demo-admin-token'))).status).toBe(201);
    expect([server.reviews.tokenReviews, server.reviews.accessReviews]).toEqual([1, 0]);
  });
});
