import { describe, expect, it } from 'vitest';
import { createObjectStore } from '../../src/sim/apiserver/store.js';
import { getJson, pod, startTestServer } from './apiserverTestKit.js';

const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function names(body: { items: Array<{ metadata: { namespace?: string; name: string } }> }): string[] {
  return body.items.map((i) => (i.metadata.namespace ? `${i.metadata.namespace}/${i.metadata.name}` : i.metadata.name));
}

/** 25 pods over two namespaces, pod-00 … pod-24, every third one labelled tier=db. */
async function serverWith25Pods() {
  const server = await startTestServer();
  for (let i = 0; i < 25; i++) {
    const name = `pod-${String(i).padStart(2, '0')}`;
    server.store.upsert('pods', pod(name, i % 2 === 0 ? 'even' : 'odd', { tier: i % 3 === 0 ? 'db' : 'web' }, `node-${i % 4}`));
  }
  return server;
}

describe('fake API server lists', () => {
  it('returns a PodList at the current resourceVersion, items in etcd key order with kind and apiVersion', async () => {
    const server = await serverWith25Pods();
    const { status, body, headers } = await getJson(server, '/api/v1/pods');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(body.kind).toBe('PodList');
    expect(body.apiVersion).toBe('v1');
    expect(body.metadata).toEqual({ resourceVersion: String(server.store.resourceVersion) });
    const expected = server.store.list('pods').map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort();
    expect(names(body)).toEqual(expected);
    for (const item of body.items) expect([item.kind, item.apiVersion]).toEqual(['Pod', 'v1']);
  });

  it('lists one namespace under /api/v1/namespaces/{ns}/pods and apps resources under /apis/apps/v1', async () => {
    const server = await serverWith25Pods();
    server.store.upsert('deployments', { metadata: { name: 'web', namespace: 'even' } });
    server.store.upsert('deployments', { metadata: { name: 'api', namespace: 'odd' } });
    const even = await getJson(server, '/api/v1/namespaces/even/pods');
    expect(names(even.body)).toEqual(server.store.list('pods', 'even').map((p) => `even/${p.metadata.name}`).sort());
    const deployments = await getJson(server, '/apis/apps/v1/namespaces/odd/deployments');
    expect([deployments.body.kind, deployments.body.apiVersion, names(deployments.body)]).toEqual(['DeploymentList', 'apps/v1', ['odd/api']]);
    const all = await getJson(server, '/apis/apps/v1/deployments');
    expect(names(all.body)).toEqual(['even/web', 'odd/api']);
    const jobs = await getJson(server, '/apis/batch/v1/jobs');
    expect([jobs.status, jobs.body.kind, jobs.body.items]).toEqual([200, 'JobList', []]);
  });

  it('pages one namespace among namespaces whose names prefix each other', async () => {
    const server = await startTestServer();
    // Keys sort as a-b/… < a/… < ab/…: the namespace's run sits between the others.
    for (const namespace of ['a', 'a-b', 'ab']) for (let i = 0; i < 5; i++) server.store.upsert('pods', pod(`p${i}`, namespace));
    const seen: string[] = [];
    let path = '/api/v1/namespaces/a/pods?limit=2';
    for (;;) {
      const { status, body } = await getJson(server, path);
      expect(status).toBe(200);
      seen.push(...names(body));
      if (!body.metadata.continue) break;
      expect(body.metadata.remainingItemCount).toBe(5 - seen.length);
      path = `/api/v1/namespaces/a/pods?limit=2&continue=${encodeURIComponent(body.metadata.continue)}`;
    }
    expect(seen).toEqual(['a/p0', 'a/p1', 'a/p2', 'a/p3', 'a/p4']);
  });

  it('filters with labelSelector and fieldSelector', async () => {
    const server = await serverWith25Pods();
    const expected = server.store
      .list('pods')
      .filter((p) => p.metadata.labels?.tier === 'db' && (p.spec as { nodeName: string }).nodeName !== 'node-0')
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
      .sort();
    const { body } = await getJson(server, `/api/v1/pods?labelSelector=${encodeURIComponent('tier in (db)')}&fieldSelector=${encodeURIComponent('spec.nodeName!=node-0')}`);
    expect(names(body)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    const byName = await getJson(server, '/api/v1/namespaces/odd/pods?fieldSelector=metadata.name%3Dpod-03');
    expect(names(byName.body)).toEqual(['odd/pod-03']);
  });

  it.each([
    ['labelSelector=a%20b', `labelSelector: invalid label selector "a b" at position 2: found 'b', expected: in, notin, =, ==, !=, >, <`],
    ['fieldSelector=spec.hostname%3Dx', 'field label not supported: spec.hostname'],
    ['fieldSelector=nonsense', `fieldSelector: invalid field selector "nonsense" at position 0: can't understand 'nonsense'`],
    ['limit=-1', 'limit: Invalid value: "-1": must be a non-negative integer'],
    ['resourceVersion=abc', 'resourceVersion: Invalid value: "abc": must be a non-negative integer'],
    ['resourceVersionMatch=Exact', 'resourceVersionMatch is forbidden unless resourceVersion is provided'],
    ['continue=bm90LWpzb24', 'invalid continue token: continue key is not valid: the token is not base64-encoded JSON'],
  ])('answers 400 BadRequest to ?%s', async (query, message) => {
    const server = await serverWith25Pods();
    const { status, body } = await getJson(server, `/api/v1/pods?${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'BadRequest', code: 400 });
  });

  it('pages 25 pods with limit and continue, over a snapshot that later changes do not disturb', async () => {
    const server = await serverWith25Pods();
    const before = names((await getJson(server, '/api/v1/pods')).body);
    const first = (await getJson(server, '/api/v1/pods?limit=10')).body;
    expect(names(first)).toEqual(before.slice(0, 10));
    expect(first.metadata.remainingItemCount).toBe(15);
    const snapshotRv = first.metadata.resourceVersion;

    // Changes between pages: the rest of the list still shows the state of the first page.
    server.store.remove('pods', 'odd', 'pod-23');
    server.store.upsert('pods', pod('pod-99', 'odd'));
    server.store.upsert('pods', { ...pod('pod-24', 'even'), status: { phase: 'Failed' } });

    const second = (await getJson(server, `/api/v1/pods?limit=10&continue=${first.metadata.continue}`)).body;
    const third = (await getJson(server, `/api/v1/pods?limit=10&continue=${second.metadata.continue}`)).body;
    expect(names(second)).toEqual(before.slice(10, 20));
    expect(names(third)).toEqual(before.slice(20));
    expect([second.metadata.remainingItemCount, third.metadata.continue, third.metadata.remainingItemCount]).toEqual([5, undefined, undefined]);
    expect([second.metadata.resourceVersion, third.metadata.resourceVersion]).toEqual([snapshotRv, snapshotRv]);
    const pod24 = [...second.items, ...third.items].find((i: { metadata: { name: string } }) => i.metadata.name === 'pod-24');
    expect(pod24.status.phase).toBe('Running');
    expect(Number(pod24.metadata.resourceVersion)).toBeLessThanOrEqual(Number(snapshotRv));
  });

  it('pages a filtered list until every match is returned, without remainingItemCount', async () => {
    const server = await serverWith25Pods();
    const all = names((await getJson(server, '/api/v1/pods?labelSelector=tier%3Ddb')).body);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const { body } = await getJson(server, `/api/v1/pods?labelSelector=tier%3Ddb&limit=2${token ? `&continue=${token}` : ''}`);
      expect(body.metadata.remainingItemCount).toBeUndefined();
      seen.push(...names(body));
      token = body.metadata.continue;
      pages++;
    } while (token);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it('answers 410 Expired with an inconsistent continue token once the snapshot was compacted', async () => {
    const server = await serverWith25Pods();
    const first = (await getJson(server, '/api/v1/pods?limit=10')).body;
    const before = names((await getJson(server, '/api/v1/pods')).body);
    server.store.upsert('pods', pod('pod-13', 'odd', { changed: 'yes' }));
    (server.store as ReturnType<typeof createObjectStore>).compact();
    const expired = await getJson(server, `/api/v1/pods?limit=10&continue=${first.metadata.continue}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Expired', code: 410, message: CONTINUE_TOO_OLD });
    const inconsistent = expired.body.metadata.continue as string;
    expect(inconsistent).toEqual(expect.any(String));
    const rest = (await getJson(server, `/api/v1/pods?limit=100&continue=${inconsistent}`)).body;
    expect(names(rest)).toEqual(before.slice(10));
    expect(rest.metadata.resourceVersion).toBe(String(server.store.resourceVersion));
    expect(rest.items.find((i: { metadata: { name: string } }) => i.metadata.name === 'pod-13').metadata.labels).toEqual({ changed: 'yes' });
  });

  it('reports a resourceVersion that rises with every change', async () => {
    const server = await startTestServer();
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      server.store.upsert('nodes', { metadata: { name: `node-${i}` } });
      seen.push(Number((await getJson(server, '/api/v1/nodes')).body.metadata.resourceVersion));
    }
    server.store.remove('nodes', undefined, 'node-0');
    seen.push(Number((await getJson(server, '/api/v1/nodes')).body.metadata.resourceVersion));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('serves resourceVersion=0 from the cache, ignoring limit as the real server does', async () => {
    const server = await serverWith25Pods();
    const { body } = await getJson(server, '/api/v1/pods?resourceVersion=0&limit=5');
    expect(body.items).toHaveLength(25);
    expect(body.metadata.continue).toBeUndefined();
  });

  it('lists exactly at resourceVersion=N when paging, and not older than N otherwise', async () => {
    const server = await serverWith25Pods();
    const rv = server.store.resourceVersion;
    const atRv = names((await getJson(server, '/api/v1/pods')).body);
    server.store.remove('pods', 'even', 'pod-00');
    const exact = (await getJson(server, `/api/v1/pods?resourceVersion=${rv}&limit=100`)).body;
    expect([exact.metadata.resourceVersion, names(exact)]).toEqual([String(rv), atRv]);
    const exactByMatch = (await getJson(server, `/api/v1/pods?resourceVersion=${rv}&resourceVersionMatch=Exact`)).body;
    expect(names(exactByMatch)).toEqual(atRv);
    const notOlder = (await getJson(server, `/api/v1/pods?resourceVersion=${rv}`)).body;
    expect([notOlder.metadata.resourceVersion, names(notOlder)]).toEqual([String(rv + 1), atRv.slice(1)]);
  });

  it('answers 410 for an exact list older than the history, and 504 for a resourceVersion from the future', async () => {
    const server = await startTestServer({ store: createObjectStore({ historyLimit: 2 }) });
    for (let i = 0; i < 4; i++) server.store.upsert('pods', pod(`p${i}`));
    const old = await getJson(server, '/api/v1/pods?resourceVersion=1&limit=10');
    expect([old.status, old.body.reason, old.body.message]).toEqual([410, 'Expired', 'The resourceVersion for the provided list is too old.']);
    const future = await getJson(server, '/api/v1/pods?resourceVersion=99');
    expect([future.status, future.body.reason, future.body.message]).toEqual([504, 'Timeout', 'Too large resource version: 99, current: 4']);
    expect(future.body.details.causes).toEqual([{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }]);
  });

  it('refuses a resourceVersion together with a continue token', async () => {
    const server = await serverWith25Pods();
    const first = (await getJson(server, '/api/v1/pods?limit=10')).body;
    const { status, body } = await getJson(server, `/api/v1/pods?limit=10&resourceVersion=3&continue=${first.metadata.continue}`);
    expect([status, body.message]).toEqual([400, 'specifying resource version is not allowed when using continue']);
  });

  it('gets single objects, and answers a missing one with the upstream 404', async () => {
    const server = await serverWith25Pods();
    server.store.upsert('namespaces', { metadata: { name: 'even' } });
    server.store.upsert('nodes', { metadata: { name: 'node-1' } });
    const got = await getJson(server, '/api/v1/namespaces/odd/pods/pod-01');
    expect(got.body).toEqual(server.store.get('pods', 'odd', 'pod-01'));
    expect((await getJson(server, '/api/v1/namespaces/even')).body.kind).toBe('Namespace');
    expect((await getJson(server, '/api/v1/nodes/node-1')).body.metadata.name).toBe('node-1');
    const missing = await getJson(server, '/api/v1/namespaces/even/pods/pod-01');
    expect(missing.body).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure',
      message: 'pods "pod-01" not found', reason: 'NotFound', details: { name: 'pod-01', kind: 'pods' }, code: 404,
    });
    const missingDeployment = await getJson(server, '/apis/apps/v1/namespaces/even/deployments/web');
    expect(missingDeployment.body.details).toEqual({ name: 'web', group: 'apps', kind: 'deployments' });
  });
});
