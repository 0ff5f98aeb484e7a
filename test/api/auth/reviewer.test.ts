import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AuthError } from '../../../src/api/auth/errors.js';
import { createKubeReviewer } from '../../../src/api/auth/reviewer.js';
import { namespaceAttributes, nodesAttributes, selfMetricsAttributes } from '../../../src/api/auth/scope.js';
import { buildKubeConfig, parseKubeSourceUri } from '../../../src/kube/config.js';
import { startApiServer } from '../../../src/sim/apiserver/server.js';

const kubeConfigFor = (url: string) => buildKubeConfig(parseKubeSourceUri(`kubernetes:${url}?inClusterConfig=false`));

async function simApiServer() {
  const server = await startApiServer();
  onTestFinished(() => server.close());
  return server;
}

async function reviewFailure(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('the review did not fail');
}

describe('createKubeReviewer against the simulator API server', () => {
  it('gets the user of a token from TokenReview', async () => {
    const server = await simApiServer();
    const reviewer = createKubeReviewer({ kubeConfig: kubeConfigFor(server.url) });
    expect(await reviewer.reviewToken('demo-shop-token')).toEqual({
      authenticated: true,
      subject: { user: 'demo-shop-viewer', uid: 'sim-demo-shop-viewer', groups: ['system:authenticated'] },
    });
    expect(await reviewer.reviewToken('nope')).toEqual({ authenticated: false, reason: 'invalid bearer token' });
    expect(server.reviews.tokenReviews).toBe(2);
  });

  it('asks SubjectAccessReview with the subject and the resource or non-resource attributes', async () => {
    const server = await simApiServer();
    const reviewer = createKubeReviewer({ kubeConfig: kubeConfigFor(server.url) });
    const viewer = { user: 'demo-shop-viewer', groups: ['system:authenticated'] };
    const admin = { user: 'demo-admin', groups: ['system:masters', 'system:authenticated'] };
    expect(await reviewer.reviewAccess(viewer, namespaceAttributes('shop'))).toBe(true);
    expect(await reviewer.reviewAccess(viewer, namespaceAttributes('payments'))).toBe(false);
    expect(await reviewer.reviewAccess(viewer, nodesAttributes)).toBe(false);
    expect(await reviewer.reviewAccess(viewer, selfMetricsAttributes)).toBe(false);
    expect(await reviewer.reviewAccess(admin, nodesAttributes)).toBe(true);
    expect(await reviewer.reviewAccess(admin, selfMetricsAttributes)).toBe(true);
    expect(server.reviews.accessReviews).toBe(6);
  });

  it('fails with review_failed and the Status message when the API server answers an error', async () => {
    const server = await simApiServer();
    const reviewer = createKubeReviewer({ kubeConfig: kubeConfigFor(server.url) });
    server.reviews.failNextReviews(2, 500);
    const token = await reviewFailure(reviewer.reviewToken('demo-admin-token'));
    expect([token.code, token.message]).toEqual(['review_failed', 'TokenReview failed: HTTP 500: injected fault: HTTP 500']);
    const access = await reviewFailure(reviewer.reviewAccess({ user: 'u', groups: [] }, nodesAttributes));
    expect(access.message).toBe('SubjectAccessReview failed: HTTP 500: injected fault: HTTP 500');
  });

  it('fails with review_failed when the API server is unreachable', async () => {
    const server = await startApiServer();
    const url = server.url;
    await server.close();
    const error = await reviewFailure(createKubeReviewer({ kubeConfig: kubeConfigFor(url) }).reviewToken('demo-admin-token'));
    expect(error.code).toBe('review_failed');
    expect(error.message).toMatch(/^TokenReview failed: .*ECONNREFUSED/);
  });

  it('fails with review_failed when the API server does not answer within the timeout', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => {
      silent.closeAllConnections();
      return new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const { port } = silent.address() as AddressInfo;
    const reviewer = createKubeReviewer({ kubeConfig: kubeConfigFor(`http://127.0.0.1:${port}`), timeoutMs: 200 });
    const error = await reviewFailure(reviewer.reviewToken('demo-admin-token'));
    expect(error.message).toBe('TokenReview failed: timed out');
  });

  it('rejects a timeout that is not positive', () => {
    expect(() => createKubeReviewer({ kubeConfig: kubeConfigFor('http://127.0.0.1:1'), timeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'invalid_option' }));
  });
});
