import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildKubeConfig, parseKubeSourceUri } from '../../src/kube/config.js';
import { InformerError } from '../../src/kube/errors.js';
import { createKubeInformers, kubeResources, type NodeChange } from '../../src/kube/informers.js';
import {
  capturedNamespaces,
  capturedNodes,
  capturedPods,
  createInformerHarness,
  owners,
  podObject,
  type InformerHarness,
} from './cluster.js';

const waitOptions = { timeout: 8_000, interval: 20 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harnesses: InformerHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});
async function harness(...args: Parameters<typeof createInformerHarness>): Promise<InformerHarness> {
  const created = await createInformerHarness(...args);
  harnesses.push(created);
  return created;
}

const [firstPod, secondPod] = capturedPods as [(typeof capturedPods)[number], (typeof capturedPods)[number]];
const nodeName = capturedNodes[0]!.metadata!.name!;

describe('createKubeInformers against the simulated API server', () => {
  it('fills every cache from the captured lists and serves them through the listers', async () => {
    const { informers } = await harness();
    await informers.start();
    const { listers } = informers;

    expect(listers.listNodes().map((node) => node.metadata?.name)).toEqual(capturedNodes.map((node) => node.metadata?.name));
    expect(listers.getNode(nodeName)?.status?.addresses).toEqual(capturedNodes[0]!.status?.addresses);
    expect(listers.listNamespaces().map((ns) => ns.metadata?.name).sort()).toEqual(capturedNamespaces.map((ns) => ns.metadata?.name).sort());
    for (const namespace of capturedNamespaces) expect(listers.getNamespace(namespace.metadata!.name!)?.metadata?.uid).toBe(namespace.metadata?.uid);
    expect(listers.listPods()).toHaveLength(capturedPods.length);
    for (const pod of capturedPods) {
      expect(listers.getPod(pod.metadata!.namespace!, pod.metadata!.name!)?.metadata?.uid).toBe(pod.metadata?.uid);
    }
    expect(listers.listPods('scraper')).toHaveLength(capturedPods.filter((pod) => pod.metadata?.namespace === 'scraper').length);
    expect(listers.getReplicaSet('scraper', owners.replicasets.metadata.name)?.metadata?.ownerReferences?.[0]?.name).toBe('web');
    expect(listers.getJob('scraper', owners.jobs.metadata.name)?.metadata?.ownerReferences?.[0]?.name).toBe('backup');
    expect(listers.getDeployment('scraper', 'web')?.spec?.replicas).toBe(1);
    expect(listers.getStatefulSet('scraper', 'db')?.spec?.serviceName).toBe('db');
    expect(listers.getDaemonSet('scraper', 'agent')).toBeDefined();
    expect(listers.getCronJob('scraper', 'backup')?.spec?.schedule).toBe('*/5 * * * *');
    expect(listers.getPod('scraper', 'no-such-pod')).toBeUndefined();

    const status = informers.status();
    expect(Object.keys(status)).toEqual([...kubeResources]);
    for (const resource of kubeResources) {
      expect(status[resource]).toMatchObject({ phase: 'synced', restarts: 0 });
      expect(status[resource].lastEventMs).toBeGreaterThan(0);
    }
  });

  it('delivers pod additions, updates and deletions to the listers, decoded like listed pods', async () => {
    const { informers, server } = await harness();
    await informers.start();
    const { listers } = informers;

    server.store.upsert('pods', podObject('scraper', 'added', { version: '1' }));
    await vi.waitFor(() => expect(listers.getPod('scraper', 'added')).toBeDefined(), waitOptions);
    // Watch events carry timestamps as strings; the cache must hold them as the list does (Date).
    expect(listers.getPod('scraper', 'added')?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(listers.getPod(firstPod.metadata!.namespace!, firstPod.metadata!.name!)?.metadata?.creationTimestamp).toBeInstanceOf(Date);

    server.store.upsert('pods', podObject('scraper', 'added', { version: '2' }));
    await vi.waitFor(() => expect(listers.getPod('scraper', 'added')?.metadata?.labels).toEqual({ version: '2' }), waitOptions);

    server.store.remove('pods', 'scraper', 'added');
    await vi.waitFor(() => expect(listers.getPod('scraper', 'added')).toBeUndefined(), waitOptions);
    expect(listers.listPods()).toHaveLength(capturedPods.length);
  });

  it('tells onNodesChanged subscribers about node additions, updates and deletions until they unsubscribe', async () => {
    const { informers, server } = await harness();
    const changes: Array<[NodeChange['change'], string | undefined]> = [];
    const unsubscribe = informers.onNodesChanged(({ change, node }) => changes.push([change, node.metadata?.name]));
    await informers.start();
    expect(changes).toEqual([['add', nodeName]]);

    const extra = { metadata: { name: 'node-2' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.2' }] } };
    server.store.upsert('nodes', extra);
    server.store.upsert('nodes', { ...extra, metadata: { name: 'node-2', labels: { role: 'worker' } } });
    server.store.remove('nodes', undefined, 'node-2');
    await vi.waitFor(() => expect(changes).toHaveLength(4), waitOptions);
    expect(changes.slice(1)).toEqual([
      ['add', 'node-2'],
      ['update', 'node-2'],
      ['delete', 'node-2'],
    ]);

    unsubscribe();
    server.store.upsert('nodes', { ...extra, metadata: { name: 'node-3' } });
    await vi.waitFor(() => expect(informers.listers.getNode('node-3')).toBeDefined(), waitOptions);
    expect(changes).toHaveLength(4);
  });

  it('recovers from dropped watches and sees later events', async () => {
    const { informers, server } = await harness();
    await informers.start();
    const requestsBefore = server.requests;

    server.faults.dropWatches();
    // Every resource must open a new watch: 9 more requests at least.
    await vi.waitFor(() => expect(server.requests).toBeGreaterThanOrEqual(requestsBefore + kubeResources.length), waitOptions);
    server.store.upsert('pods', podObject('scraper', 'after-drop'));
    server.store.upsert('namespaces', { metadata: { name: 'after-drop' } });
    await vi.waitFor(() => {
      expect(informers.listers.getPod('scraper', 'after-drop')).toBeDefined();
      expect(informers.listers.getNamespace('after-drop')).toBeDefined();
    }, waitOptions);
    for (const resource of kubeResources) expect(informers.status()[resource].phase).toBe('synced');
  });

  it('treats 410 Gone as routine: relists without counting a restart and keeps the state right', async () => {
    const { informers, server } = await harness();
    await informers.start();

    server.faults.expireWatches();
    server.store.upsert('pods', podObject('scraper', 'after-expiry'));
    await vi.waitFor(() => expect(informers.listers.getPod('scraper', 'after-expiry')).toBeDefined(), waitOptions);
    expect(informers.listers.listPods()).toHaveLength(capturedPods.length + 1);
    for (const resource of kubeResources) expect(informers.status()[resource]).toMatchObject({ phase: 'synced', restarts: 0 });
  });

  it('relists after 410 Gone on resume and applies what it missed, deletions included', async () => {
    const { informers, server } = await harness();
    const nodeChanges: NodeChange[] = [];
    informers.onNodesChanged((change) => nodeChanges.push(change));
    await informers.start();

    server.faults.setDown(true);
    await vi.waitFor(() => expect(informers.status().pods.phase).toBe('restarting'), waitOptions);
    // Missed changes, then history compaction: resuming from the old resourceVersion gets 410.
    server.store.remove('pods', firstPod.metadata!.namespace!, firstPod.metadata!.name!);
    const stored = server.store.get('pods', secondPod.metadata!.namespace!, secondPod.metadata!.name!)!;
    server.store.upsert('pods', { ...stored, metadata: { ...stored.metadata, labels: { relisted: 'yes' } } });
    server.store.upsert('pods', podObject('scraper', 'missed'));
    server.store.remove('nodes', undefined, nodeName);
    server.faults.expireWatches();
    server.faults.setDown(false);

    await vi.waitFor(() => {
      expect(informers.listers.getPod('scraper', 'missed')).toBeDefined();
      expect(informers.listers.getPod(firstPod.metadata!.namespace!, firstPod.metadata!.name!)).toBeUndefined();
      expect(informers.listers.getPod(secondPod.metadata!.namespace!, secondPod.metadata!.name!)?.metadata?.labels).toEqual({ relisted: 'yes' });
      expect(informers.listers.listNodes()).toEqual([]);
    }, waitOptions);
    const cachedPods = informers.listers.listPods().map((pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`).sort();
    expect(cachedPods).toEqual(server.store.list('pods').map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`).sort());
    expect(nodeChanges.map(({ change, node }) => [change, node.metadata?.name])).toEqual([
      ['add', nodeName],
      ['delete', nodeName],
    ]);
  });

  it('retries failing lists with backoff until they succeed', async () => {
    const { informers, server } = await harness();
    server.faults.failNextRequests(3, 500);
    await informers.start();

    const status = informers.status();
    const restarts = kubeResources.reduce((sum, resource) => sum + status[resource].restarts, 0);
    expect(restarts).toBe(3);
    const failed = kubeResources.filter((resource) => status[resource].restarts > 0);
    for (const resource of failed) expect(status[resource].lastError).toBe('HTTP 500: injected fault: HTTP 500');
    for (const resource of kubeResources) expect(status[resource].phase).toBe('synced');
    expect(informers.listers.listPods()).toHaveLength(capturedPods.length);
  });

  it('keeps serving cached objects while the API server is down and catches up when it returns', async () => {
    const { informers, server } = await harness();
    await informers.start();

    server.faults.setDown(true);
    await vi.waitFor(() => {
      for (const resource of kubeResources) expect(informers.status()[resource].phase).toBe('restarting');
    }, waitOptions);
    // Several failed restarts later, the caches still answer with the last known state.
    await vi.waitFor(() => expect(informers.status().pods.restarts).toBeGreaterThanOrEqual(3), waitOptions);
    expect(informers.listers.listPods()).toHaveLength(capturedPods.length);
    expect(informers.listers.getNode(nodeName)).toBeDefined();
    expect(informers.status().pods.lastError).toBeDefined();

    server.store.upsert('pods', podObject('scraper', 'while-down'));
    server.faults.setDown(false);
    await vi.waitFor(() => expect(informers.listers.getPod('scraper', 'while-down')).toBeDefined(), waitOptions);
    await vi.waitFor(() => {
      for (const resource of kubeResources) expect(informers.status()[resource].phase).toBe('synced');
    }, waitOptions);
  });

  it('restarts a stalled watch with the watchdog, but not a quiet one the server ends on time', async () => {
    const watchdogMs = 2_500;
    const { informers, server } = await harness({ watchdogMs });
    await informers.start();

    // Watches ask for a 1-2 s server-side timeout; outliving the watchdog period proves those
    // routine ends are not mistaken for silence. (Real sockets: no fake clock here.)
    await sleep(watchdogMs + 500);
    for (const resource of kubeResources) expect(informers.status()[resource]).toMatchObject({ phase: 'synced', restarts: 0 });

    server.faults.stallWatches(true);
    server.store.upsert('pods', podObject('scraper', 'held-back'));
    await vi.waitFor(() => expect(informers.listers.getPod('scraper', 'held-back')).toBeDefined(), { ...waitOptions, timeout: 10_000 });
    expect(informers.status().pods).toMatchObject({ phase: 'synced', lastError: `watch silent for more than ${watchdogMs} ms` });
    expect(informers.status().pods.restarts).toBeGreaterThanOrEqual(1);
    server.faults.stallWatches(false);
  }, 20_000);

  it('relists every resyncMs, picking up changes a stalled watch held back, without counting restarts', async () => {
    const { informers, server } = await harness({ resyncMs: 300 });
    await informers.start();

    server.faults.stallWatches(true);
    server.store.upsert('pods', podObject('scraper', 'resynced'));
    await vi.waitFor(() => expect(informers.listers.getPod('scraper', 'resynced')).toBeDefined(), waitOptions);
    for (const resource of kubeResources) expect(informers.status()[resource].restarts).toBe(0);
    server.faults.stallWatches(false);
  });

  it('aborts a list that never answers and retries it', async () => {
    // A peer that accepts connections and never answers: the hang the watchdog exists for.
    const sockets = new Set<Socket>();
    const blackHole = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as AddressInfo;
    try {
      const kubeConfig = buildKubeConfig(parseKubeSourceUri(`kubernetes:http://127.0.0.1:${port}?inClusterConfig=false`, {}));
      const informers = createKubeInformers({ kubeConfig, watchdogMs: 200, backoff: { initialMs: 20, maxMs: 50 } });
      const started = informers.start();
      await vi.waitFor(() => expect(informers.status().pods.restarts).toBeGreaterThanOrEqual(2), waitOptions);
      expect(informers.status().pods).toMatchObject({ phase: 'restarting', lastError: 'list silent for more than 200 ms' });
      await informers.stop();
      await expect(started).rejects.toMatchObject({ code: 'stopped_before_sync' });
      expect(informers.status().pods.phase).toBe('stopped');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  it('stops quietly: no error events, no requests and no restarts afterwards', async () => {
    const { informers, server, lines } = await harness();
    await informers.start();
    server.faults.setDown(true);
    await vi.waitFor(() => expect(informers.status().pods.phase).toBe('restarting'), waitOptions);

    await informers.stop();
    const restartsAtStop = kubeResources.map((resource) => informers.status()[resource].restarts);
    const logLinesAtStop = lines.length;
    // A request written just before stop() may still sit in the server's accept queue; let the
    // (still down) server discard it before counting.
    await sleep(100);
    server.faults.setDown(false);
    const requestsAtStop = server.requests;
    // Longer than the largest backoff (200 ms): a restart scheduled before stop would fire now.
    await sleep(500);

    expect(server.requests).toBe(requestsAtStop);
    expect(kubeResources.map((resource) => informers.status()[resource].restarts)).toEqual(restartsAtStop);
    expect(lines.slice(logLinesAtStop)).toEqual([]);
    for (const resource of kubeResources) expect(informers.status()[resource].phase).toBe('stopped');
    expect(informers.listers.listPods()).toHaveLength(capturedPods.length);
    await expect(informers.start()).rejects.toBeInstanceOf(InformerError);
    await expect(informers.start()).rejects.toMatchObject({ code: 'already_stopped' });
  });
});
