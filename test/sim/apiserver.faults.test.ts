import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiServerError } from '../../src/sim/apiserver/errors.js';
import { getJson, openWatch, pod, startTestServer } from './apiserverTestKit.js';

describe('fake API server faults', () => {
  it('fails the next N resource requests with the given status and a Status body, then recovers', async () => {
    const server = await startTestServer();
    server.faults.failNextRequests(2, 503);
    expect((await getJson(server, '/api')).status).toBe(200);
    const list = await getJson(server, '/api/v1/pods');
    expect([list.status, list.headers.get('retry-after')]).toEqual([503, '1']);
    expect(list.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'injected fault: HTTP 503', reason: 'ServiceUnavailable', details: { retryAfterSeconds: 1 }, code: 503,
    });
    const watch = await fetch(`${server.url}/api/v1/pods?watch=true`);
    expect([watch.status, ((await watch.json()) as { reason: string }).reason]).toEqual([503, 'ServiceUnavailable']);
    expect((await getJson(server, '/api/v1/pods')).status).toBe(200);
  });

  it('fails with 500 InternalError by default', async () => {
    const server = await startTestServer();
    server.faults.failNextRequests(1);
    const { status, body } = await getJson(server, '/api/v1/nodes');
    expect([status, body.reason, body.code]).toEqual([500, 'InternalError', 500]);
  });

  it('refuses fault arguments out of range', async () => {
    const server = await startTestServer();
    expect(() => server.faults.failNextRequests(-1)).toThrow(ApiServerError);
    expect(() => server.faults.failNextRequests(1, 200)).toThrow(
      expect.objectContaining({ code: 'invalid_option', message: 'failNextRequests: status must be an HTTP error status (400-599), received 200' }),
    );
  });

  it('drops open watches mid-stream', async () => {
    const server = await startTestServer();
    const watch = await openWatch(server, '/api/v1/pods?watch=true');
    server.store.upsert('pods', pod('a'));
    await watch.next();
    server.faults.dropWatches();
    expect(await watch.finished).toBe('broken');
    expect((await getJson(server, '/api/v1/pods')).body.items).toHaveLength(1);
  });

  it('expires watches: they end, and resuming from their last resourceVersion gets 410', async () => {
    const server = await startTestServer();
    const watch = await openWatch(server, '/api/v1/pods?watch=true');
    server.store.upsert('pods', pod('a'));
    const last = (await watch.next()).object.metadata.resourceVersion as string;
    server.faults.expireWatches();
    expect(await watch.finished).toBe('ended');
    const resumed = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${last}`);
    const error = await resumed.next();
    expect([error.type, error.object.reason, error.object.code]).toEqual(['ERROR', 'Expired', 410]);
    expect(await resumed.finished).toBe('ended');
  });

  it('while down, refuses connections and cuts open ones; the port stays bound and service resumes', async () => {
    const server = await startTestServer();
    const watch = await openWatch(server, '/api/v1/pods?watch=true');
    server.faults.setDown(true);
    expect(await watch.finished).toBe('broken');
    await expect(fetch(`${server.url}/api/v1/pods`)).rejects.toThrow(TypeError);
    const { port } = new URL(server.url);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => resolve(true));
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    expect(accepted).toBe(true);
    server.faults.setDown(false);
    expect((await getJson(server, '/api/v1/pods')).status).toBe(200);
  });

  it('stalls the open watches (connected, silent) while new watches are served, then releases what was held', async () => {
    const server = await startTestServer();
    const stalled = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=0');
    server.faults.stallWatches(true);
    const fresh = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=0');
    server.store.upsert('pods', pod('a'));
    server.store.upsert('pods', pod('b'));
    expect((await fresh.take(2)).map((e) => e.object.metadata.name)).toEqual(['a', 'b']);
    expect(stalled.pending).toEqual([]);
    server.faults.stallWatches(false);
    expect((await stalled.take(2)).map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b']);
  });

  it('counts every request it receives', async () => {
    const server = await startTestServer();
    await getJson(server, '/api');
    await getJson(server, '/api/v1/pods');
    await getJson(server, '/nope');
    expect(server.requests).toBe(3);
  });
});
