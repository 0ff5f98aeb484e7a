import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildKubeConfig, parseKubeSourceUri } from '../../src/kube/config.js';
import { InformerError } from '../../src/kube/errors.js';
import { createKubeInformers } from '../../src/kube/informers.js';
import { createSlimmers } from '../../src/kube/slim.js';
import { capturedNamespaces, capturedPods, createInformerHarness, podObject, type InformerHarness } from './cluster.js';

let harnesses: InformerHarness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) await harness.close();
});

describe('informer caches', () => {
  it('hold slim objects, whether listed in pages or received as watch events', async () => {
    const harness = await createInformerHarness({ listPageSize: 4 });
    harnesses.push(harness);
    const { informers, server } = harness;
    await informers.start();
    const { listers } = informers;
    const slim = createSlimmers();

    expect(listers.listPods()).toHaveLength(capturedPods.length);
    expect(listers.listNamespaces()).toHaveLength(capturedNamespaces.length);
    for (const stored of server.store.list('pods')) {
      expect(listers.getPod(stored.metadata.namespace!, stored.metadata.name)).toEqual(slim.pods(stored));
    }

    const added = podObject('scraper', 'watched', { app: 'watched' });
    server.store.upsert('pods', {
      ...added,
      metadata: { ...added.metadata, managedFields: [{ manager: 'kubectl', operation: 'Apply' }], annotations: { note: 'dropped' } },
      spec: { ...(added.spec as object), tolerations: [{ operator: 'Exists' }] },
    });
    await vi.waitFor(() => expect(listers.getPod('scraper', 'watched')).toBeDefined(), { timeout: 8_000, interval: 20 });
    const watched = listers.getPod('scraper', 'watched')!;
    expect(watched).toEqual(slim.pods(server.store.get('pods', 'scraper', 'watched')));
    expect(watched.metadata).not.toHaveProperty('managedFields');
    expect(watched.metadata?.annotations).toBeUndefined();
    expect(watched.spec).not.toHaveProperty('tolerations');
  });

  it('refuse a listPageSize that is not a whole number of at least 0, naming it', () => {
    const kubeConfig = buildKubeConfig(parseKubeSourceUri('kubernetes:http://127.0.0.1:1?inClusterConfig=false', {}));
    for (const listPageSize of [-1, 2.5, Number.NaN]) {
      expect(() => createKubeInformers({ kubeConfig, listPageSize })).toThrow(InformerError);
      expect(() => createKubeInformers({ kubeConfig, listPageSize })).toThrow(/listPageSize must be an integer >= 0/);
    }
  });
});
