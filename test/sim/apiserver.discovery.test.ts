import { describe, expect, it } from 'vitest';
import { ApiServerError } from '../../src/sim/apiserver/errors.js';
import { startApiServer } from '../../src/sim/apiserver/server.js';
import type { SimObjectStore } from '../../src/sim/types.js';
import { getJson, openWatch, pod, startTestServer } from './apiserverTestKit.js';

const READ_VERBS = ['get', 'list', 'watch'];

describe('fake API server discovery and HTTP surface', () => {
  it('serves /api, /apis and /version', async () => {
    const server = await startTestServer();
    const api = await getJson(server, '/api');
    expect(api.body).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: new URL(server.url).host }],
    });
    const apis = await getJson(server, '/apis');
    expect(apis.body.kind).toBe('APIGroupList');
    expect(apis.body.groups.map((g: { name: string; preferredVersion: { groupVersion: string } }) => [g.name, g.preferredVersion.groupVersion])).toEqual([
      ['apps', 'apps/v1'],
      ['batch', 'batch/v1'],
    ]);
    expect((await getJson(server, '/apis/batch')).body).toMatchObject({ kind: 'APIGroup', name: 'batch' });
    const version = (await getJson(server, '/version')).body;
    expect([version.major, version.minor]).toEqual(['1', '26']);
    expect(version.gitVersion).toMatch(/^v1\.26\.\d+/);
  });

  it.each([
    ['/api/v1', 'v1', [['nodes', 'Node', false], ['namespaces', 'Namespace', false], ['pods', 'Pod', true]]],
    ['/apis/apps/v1', 'apps/v1', [['replicasets', 'ReplicaSet', true], ['deployments', 'Deployment', true], ['statefulsets', 'StatefulSet', true], ['daemonsets', 'DaemonSet', true]]],
    ['/apis/batch/v1', 'batch/v1', [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]]],
  ] as const)('lists the resources of %s with read verbs only', async (path, groupVersion, resources) => {
    const server = await startTestServer();
    const { body } = await getJson(server, path);
    expect([body.kind, body.groupVersion]).toEqual(['APIResourceList', groupVersion]);
    expect(body.resources.map((r: { name: string; kind: string; namespaced: boolean }) => [r.name, r.kind, r.namespaced])).toEqual(resources);
    for (const resource of body.resources) expect(resource.verbs).toEqual(READ_VERBS);
  });

  it.each(['/apis/apps/v1/pods', '/api/v1/deployments', '/api/v1/namespaces/x/nodes', '/api/v1/pods/name', '/api/v1/namespaces/x/pods/y/status', '/apis/extensions/v1beta1', '/', '/api/v2/pods'])(
    'answers %s with the upstream 404 Status',
    async (path) => {
      const server = await startTestServer();
      const { status, body } = await getJson(server, path);
      expect(status).toBe(404);
      expect(body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'the server could not find the requested resource', reason: 'NotFound', details: {}, code: 404 });
    },
  );

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('answers %s with 405 MethodNotAllowed', async (method) => {
    const server = await startTestServer();
    const { status, body } = await getJson(server, '/api/v1/namespaces/default/pods', { method, body: method === 'DELETE' ? null : '{}' });
    expect([status, body.reason, body.message]).toEqual([405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource']);
  });

  it('answers JSON to a client that prefers protobuf, and 406 to one that accepts only protobuf', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a'));
    const preferring = await getJson(server, '/api/v1/pods', { headers: { Accept: 'application/vnd.kubernetes.protobuf, application/json' } });
    expect([preferring.status, preferring.headers.get('content-type'), preferring.body.kind]).toEqual([200, 'application/json', 'PodList']);
    const watch = await openWatch(server, '/api/v1/pods?watch=true', { headers: { Accept: 'application/vnd.kubernetes.protobuf;stream=watch, application/json' } });
    expect((await watch.next()).type).toBe('ADDED');
    const only = await getJson(server, '/api/v1/pods', { headers: { Accept: 'application/vnd.kubernetes.protobuf' } });
    expect([only.status, only.body.reason]).toEqual([406, 'NotAcceptable']);
  });

  it('answers the health checks with ok', async () => {
    const server = await startTestServer();
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const response = await fetch(server.url + path);
      expect([response.status, await response.text()]).toEqual([200, 'ok']);
    }
  });

  it('binds 127.0.0.1 by default and closes promptly with watches open', async () => {
    const server = await startApiServer();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const watch = await openWatch(server, '/api/v1/pods?watch=true');
    const idle = await fetch(`${server.url}/api/v1/pods`);
    await idle.json();
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await watch.finished).toBe('ended');
    await expect(fetch(`${server.url}/api/v1/pods`)).rejects.toThrow(TypeError);
    await server.close();
  });

  it('refuses options it cannot honour', async () => {
    await expect(startApiServer({ port: 70000 })).rejects.toThrow(
      expect.objectContaining({ code: 'invalid_option', message: 'port must be an integer in 0-65535, received 70000' }),
    );
    const foreign = { ...({} as SimObjectStore) };
    await expect(startApiServer({ store: foreign })).rejects.toThrow(ApiServerError);
    await expect(startApiServer({ bookmarkIntervalMs: 0 })).rejects.toThrow(ApiServerError);
  });
});
