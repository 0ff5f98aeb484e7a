import type { V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { buildKubeConfig, parseKubeSourceUri } from '../../src/kube/config.js';
import { listResource } from '../../src/kube/list.js';
import { createKubeApis, resourceDefinitions } from '../../src/kube/resources.js';
import { createSlimmers } from '../../src/kube/slim.js';
import { startApiServer, type ApiServerHandle } from '../../src/sim/apiserver/server.js';
import { capturedPods, podObject, seedCapturedCluster } from './cluster.js';

let servers: ApiServerHandle[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function seededServer() {
  const server = await startApiServer();
  servers.push(server);
  seedCapturedCluster(server.store);
  const apis = createKubeApis(buildKubeConfig(parseKubeSourceUri(`kubernetes:${server.url}?inClusterConfig=false`, {})));
  const list = (pageSize: number, extra: { signal?: AbortSignal; onPage?: () => void } = {}) =>
    listResource({ definition: resourceDefinitions.pods, apis, signal: extra.signal ?? new AbortController().signal, slim: createSlimmers().pods, pageSize, ...(extra.onPage ? { onPage: extra.onPage } : {}) });
  return { server, list };
}

const keyOf = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;

describe('listResource', () => {
  it('reads a collection page by page into slim objects, as one snapshot at the first page’s resourceVersion', async () => {
    const { server, list } = await seededServer();
    const resourceVersion = server.store.resourceVersion;
    const requestsBefore = server.requests;
    let pages = 0;
    const result = await list(5, {
      onPage: () => {
        // Written after the first page: a consistent paged list does not see it.
        if (++pages === 1) server.store.upsert('pods', podObject('scraper', 'written-between-pages'));
      },
    });
    expect(pages).toBe(Math.ceil(capturedPods.length / 5));
    expect(server.requests - requestsBefore).toBe(pages);
    expect(result.metadata).toEqual({ resourceVersion: String(resourceVersion) });
    expect(result.items.map(keyOf).sort()).toEqual(capturedPods.map(keyOf).sort());
    const stored = server.store.get('pods', 'kube-system', capturedPods[0]!.metadata!.name!)!;
    const cached = result.items.find((pod) => pod.metadata?.name === stored.metadata.name)!;
    expect(cached).toEqual(createSlimmers().pods(stored));
    expect(cached.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it('asks for everything in one request when paging is off', async () => {
    const { server, list } = await seededServer();
    const requestsBefore = server.requests;
    const result = await list(0);
    expect(server.requests - requestsBefore).toBe(1);
    expect(result.items).toHaveLength(capturedPods.length);
  });

  it('fails as client-node does on an error status', async () => {
    const { server, list } = await seededServer();
    server.faults.failNextRequests(1, 503);
    await expect(list(5)).rejects.toMatchObject({ code: 503 });
  });

  it('fails with 410 Gone when the snapshot is compacted between pages, so the informer relists', async () => {
    const { server, list } = await seededServer();
    await expect(list(5, { onPage: () => server.faults.expireWatches() })).rejects.toMatchObject({ code: 410 });
  });

  it('stops when its signal is aborted', async () => {
    const { list } = await seededServer();
    const controller = new AbortController();
    controller.abort(new Error('informer stopped'));
    await expect(list(5, { signal: controller.signal })).rejects.toThrow();
  });
});
