import { describe, expect, it } from 'vitest';
import { createObjectStore } from '../../src/sim/apiserver/store.js';
import { openWatch, pod, startTestServer, type WireEvent } from './apiserverTestKit.js';

function summary(events: WireEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata.namespace ?? ''}/${e.object.metadata.name ?? ''}@${e.object.metadata.resourceVersion}`);
}

describe('fake API server watches', () => {
  it('streams ADDED, MODIFIED and DELETED in order as chunked JSON lines', async () => {
    const server = await startTestServer();
    const watch = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${server.store.resourceVersion}`);
    expect(watch.status).toBe(200);
    expect(watch.headers.get('content-type')).toBe('application/json');
    expect(watch.headers.get('transfer-encoding')).toBe('chunked');
    server.store.upsert('pods', pod('a'));
    server.store.upsert('pods', { ...pod('a'), status: { phase: 'Succeeded' } });
    server.store.remove('pods', 'default', 'a');
    const events = await watch.take(3);
    expect(summary(events)).toEqual(['ADDED default/a@1', 'MODIFIED default/a@2', 'DELETED default/a@3']);
    expect(events[1]!.object).toEqual(expect.objectContaining({ kind: 'Pod', apiVersion: 'v1', status: { phase: 'Succeeded' } }));
    expect(events[2]!.object.status).toEqual({ phase: 'Succeeded' });
  });

  it.each(['watch=1', 'watch=true&resourceVersion=', 'watch=true&resourceVersion=0'])(
    'starts a watch with ?%s by sending the current state as ADDED events',
    async (query) => {
      const server = await startTestServer();
      server.store.upsert('pods', pod('b', 'two'));
      server.store.upsert('pods', pod('a', 'one'));
      const watch = await openWatch(server, `/api/v1/pods?${query}`);
      server.store.upsert('pods', pod('c', 'one'));
      expect(summary(await watch.take(3))).toEqual(['ADDED one/a@2', 'ADDED two/b@1', 'ADDED one/c@3']);
    },
  );

  it('resumes after a resourceVersion with exactly the changes made since', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a'));
    const resumeFrom = server.store.resourceVersion;
    server.store.upsert('pods', pod('b'));
    server.store.upsert('nodes', { metadata: { name: 'node-1' } });
    server.store.remove('pods', 'default', 'a');
    const watch = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${resumeFrom}`);
    server.store.upsert('pods', pod('c'));
    expect(summary(await watch.take(3))).toEqual(['ADDED default/b@2', 'DELETED default/a@4', 'ADDED default/c@5']);
    expect(watch.pending).toEqual([]);
  });

  it('starts a watch from a resourceVersion not reached yet with only the changes after it', async () => {
    const server = await startTestServer();
    const watch = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=2');
    server.store.upsert('pods', pod('a'));
    server.store.upsert('pods', pod('b'));
    server.store.upsert('pods', pod('c'));
    expect(summary([await watch.next()])).toEqual(['ADDED default/c@3']);
    expect(watch.pending).toEqual([]);
  });

  it('answers a resourceVersion older than the history with HTTP 200, one 410 ERROR event, then the end', async () => {
    const server = await startTestServer({ store: createObjectStore({ historyLimit: 2 }) });
    for (let i = 0; i < 5; i++) server.store.upsert('pods', pod(`p${i}`));
    const watch = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=2');
    expect(watch.status).toBe(200);
    expect(await watch.next()).toEqual({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'too old resource version: 2 (3)', reason: 'Expired', code: 410 },
    });
    expect(await watch.finished).toBe('ended');
    expect(watch.pending).toEqual([]);
  });

  it('answers 410 to every resourceVersion issued before compact()', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a'));
    const latest = server.store.resourceVersion;
    (server.store as ReturnType<typeof createObjectStore>).compact();
    const watch = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${latest}`);
    const error = await watch.next();
    expect([error.type, error.object.code, error.object.message]).toEqual(['ERROR', 410, `too old resource version: ${latest} (${latest + 1})`]);
    const fresh = await openWatch(server, `/api/v1/pods?watch=true&resourceVersion=${server.store.resourceVersion}`);
    server.store.upsert('pods', pod('b'));
    expect(summary([await fresh.next()])).toEqual([`ADDED default/b@${latest + 2}`]);
  });

  it('ends the stream cleanly after timeoutSeconds', async () => {
    const server = await startTestServer();
    const started = Date.now();
    const watch = await openWatch(server, '/api/v1/pods?watch=true&timeoutSeconds=1');
    expect(await watch.finished).toBe('ended');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('filters by label selector, turning moves in and out of the selection into ADDED and DELETED', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a', 'default', { app: 'web' }));
    server.store.upsert('pods', pod('b', 'default', { app: 'db' }));
    const watch = await openWatch(server, '/api/v1/pods?watch=true&labelSelector=app%3Dweb');
    server.store.upsert('pods', pod('b', 'default', { app: 'web' }));
    server.store.upsert('pods', pod('a', 'default', { app: 'web', v: '2' }));
    server.store.upsert('pods', pod('a', 'default', { app: 'db' }));
    server.store.upsert('pods', pod('c', 'default', { app: 'db' }));
    server.store.remove('pods', 'default', 'b');
    const events = await watch.take(5);
    expect(summary(events)).toEqual(['ADDED default/a@1', 'ADDED default/b@3', 'MODIFIED default/a@4', 'DELETED default/a@5', 'DELETED default/b@7']);
    // The delete of a pod that left the selection carries its last matching state.
    expect(events[3]!.object.metadata.labels).toEqual({ app: 'web', v: '2' });
  });

  it('filters by field selector and by namespace, including the legacy /watch/ path', async () => {
    const server = await startTestServer();
    const onNode = await openWatch(server, '/api/v1/pods?watch=true&fieldSelector=spec.nodeName%3Dnode-2');
    const inOne = await openWatch(server, '/api/v1/watch/namespaces/one/pods');
    server.store.upsert('pods', pod('a', 'one', {}, 'node-1'));
    server.store.upsert('pods', pod('b', 'two', {}, 'node-2'));
    expect(summary([await onNode.next()])).toEqual(['ADDED two/b@2']);
    expect(summary([await inOne.next()])).toEqual(['ADDED one/a@1']);
    expect([onNode.pending, inOne.pending]).toEqual([[], []]);
  });

  it('streams only the watched resource', async () => {
    const server = await startTestServer();
    const deployments = await openWatch(server, '/apis/apps/v1/namespaces/shop/deployments?watch=true');
    server.store.upsert('replicasets', { metadata: { name: 'web-1', namespace: 'shop' } });
    server.store.upsert('deployments', { metadata: { name: 'web', namespace: 'other' } });
    server.store.upsert('deployments', { metadata: { name: 'web', namespace: 'shop' } });
    const event = await deployments.next();
    expect([event.type, event.object.kind, event.object.apiVersion, event.object.metadata.resourceVersion]).toEqual(['ADDED', 'Deployment', 'apps/v1', '3']);
  });

  it('sends BOOKMARK events carrying the current resourceVersion when allowWatchBookmarks=true', async () => {
    const server = await startTestServer({ bookmarkIntervalMs: 50 });
    server.store.upsert('pods', pod('a'));
    server.store.upsert('nodes', { metadata: { name: 'n' } });
    const watch = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=2&allowWatchBookmarks=true');
    expect(await watch.next()).toEqual({ type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '2' } } });
    const plain = await openWatch(server, '/api/v1/pods?watch=true&resourceVersion=2&timeoutSeconds=1');
    expect(await plain.finished).toBe('ended');
    expect(plain.pending).toEqual([]);
  });

  it('serves watch-list (sendInitialEvents): the state, then a bookmark marking its end', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a'));
    const watch = await openWatch(server, '/api/v1/pods?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true');
    const [added, bookmark] = await watch.take(2);
    expect(summary([added!])).toEqual(['ADDED default/a@1']);
    expect(bookmark).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '1', annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
  });

  it('refuses sendInitialEvents without resourceVersionMatch=NotOlderThan', async () => {
    const server = await startTestServer();
    const response = await fetch(`${server.url}/api/v1/pods?watch=true&sendInitialEvents=true`);
    expect([response.status, ((await response.json()) as { message: string }).message]).toEqual([400, 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan']);
  });
});
