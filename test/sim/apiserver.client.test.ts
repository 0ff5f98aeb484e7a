import * as k8s from '@kubernetes/client-node';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { ApiServerHandle } from '../../src/sim/apiserver/server.js';
import { pod, startTestServer } from './apiserverTestKit.js';

function kubeConfigFor(server: ApiServerHandle): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sim', server: server.url, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'c', cluster: 'sim', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

/** Resolves with the next object the informer reports for `verb` whose name is `name`. */
function nextEvent(informer: k8s.Informer<k8s.V1Pod>, verb: 'add' | 'update' | 'delete', name: string): Promise<k8s.V1Pod> {
  return new Promise((resolve) => {
    const handler = (object: k8s.V1Pod): void => {
      if (object.metadata?.name !== name) return;
      informer.off(verb, handler);
      resolve(object);
    };
    informer.on(verb, handler);
  });
}

/** Starts a pod informer as the brief's consumers build it; `lists` counts its list calls. */
async function startPodInformer(server: ApiServerHandle) {
  const kc = kubeConfigFor(server);
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const counts = { lists: 0 };
  const informer = k8s.makeInformer(kc, '/api/v1/pods', () => {
    counts.lists++;
    return api.listPodForAllNamespaces();
  });
  onTestFinished(() => informer.stop());
  await informer.start();
  return Object.assign(informer, { counts });
}

describe('fake API server with the real @kubernetes/client-node', () => {
  it('answers CoreV1Api.listNode with typed nodes', async () => {
    const server = await startTestServer();
    server.store.upsert('nodes', { metadata: { name: 'node-1', labels: { zone: 'a' } }, status: { capacity: { cpu: '4' } } });
    const api = kubeConfigFor(server).makeApiClient(k8s.CoreV1Api);
    const nodes = await api.listNode();
    expect(nodes.items.map((n) => [n.metadata?.name, n.metadata?.labels?.zone, n.status?.capacity?.cpu])).toEqual([['node-1', 'a', '4']]);
    expect(nodes.metadata?.resourceVersion).toBe(String(server.store.resourceVersion));
    const selected = await api.listNode({ labelSelector: 'zone=b' });
    expect(selected.items).toEqual([]);
  });

  it('feeds an informer the initial list, then an add, an update and a delete', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('existing', 'shop'));
    const informer = await startPodInformer(server);
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['existing']);

    const added = nextEvent(informer, 'add', 'web');
    server.store.upsert('pods', pod('web', 'shop', { app: 'web' }));
    expect((await added).metadata?.labels).toEqual({ app: 'web' });

    const updated = nextEvent(informer, 'update', 'web');
    server.store.upsert('pods', { ...pod('web', 'shop', { app: 'web' }), status: { phase: 'Succeeded' } });
    expect((await updated).status?.phase).toBe('Succeeded');
    expect(informer.get('web', 'shop')?.status?.phase).toBe('Succeeded');

    const deleted = nextEvent(informer, 'delete', 'web');
    server.store.remove('pods', 'shop', 'web');
    await deleted;
    expect(informer.list('shop').map((p) => p.metadata?.name)).toEqual(['existing']);
    expect((informer as unknown as k8s.ListWatch<k8s.V1Pod>).latestResourceVersion()).toBe(String(server.store.resourceVersion));
  });

  it('lets an informer recover from expired watches by relisting after the 410', async () => {
    const server = await startTestServer();
    server.store.upsert('pods', pod('a'));
    const informer = await startPodInformer(server);
    const errors: unknown[] = [];
    informer.on('error', (error) => void errors.push(error));

    // Changes made while the watch is down reach the informer through the relist.
    server.faults.expireWatches();
    server.store.remove('pods', 'default', 'a');
    const deleted = nextEvent(informer, 'delete', 'a');
    const added = nextEvent(informer, 'add', 'b');
    server.store.upsert('pods', pod('b'));
    await Promise.all([deleted, added]);
    expect(informer.list().map((p) => p.metadata?.name)).toEqual(['b']);
    // One list at start, one after the ERROR 410 event cleared the informer's resourceVersion.
    expect(informer.counts.lists).toBe(2);
    expect(errors).toEqual([]);
  });
});
