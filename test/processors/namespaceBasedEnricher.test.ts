import { describe, expect, it } from 'vitest';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createNamespaceBasedEnricher } from '../../src/processors/namespaceBasedEnricher.js';
import { fixtureListers, fixtureNamespaces } from '../helpers/listers.js';
import { batchOf, containerEntry, namespaceEntry, nodeEntry, podEntry } from './builders.js';

const uidOf = (name: string) => fixtureNamespaces().find((n) => n.metadata?.name === name)!.metadata!.uid;

describe('namespace-based enricher', () => {
  it('sets namespace_id from the fixture namespaces on container, pod and namespace sets', () => {
    const entries = [
      containerEntry('kube-system', 'etcd-minikube', 'etcd'),
      podEntry('scraper', 'e2e-ds-s2h7r'),
      namespaceEntry('default'),
    ];
    createNamespaceBasedEnricher({ namespaceLister: fixtureListers() }).process(batchOf(0, entries));
    expect(entries.map(([, set]) => set.labels.namespace_id)).toEqual([uidOf('kube-system'), uidOf('scraper'), uidOf('default')]);
    expect(uidOf('scraper')).toBe('572aaacc-d01d-450b-a623-e45ec88ac08a');
  });

  it('leaves node sets alone', () => {
    const [k, node] = nodeEntry('minikube');
    node.labels.namespace_name = 'default';
    createNamespaceBasedEnricher({ namespaceLister: fixtureListers() }).process(batchOf(0, [[k, node]]));
    expect(node.labels.namespace_id).toBeUndefined();
  });

  it('keeps the labels of a set whose namespace is unknown and reports it', () => {
    const skips: ProcessorSkip[] = [];
    const [k, pod] = podEntry('gone', 'p', {}, { namespace_id: 'old' });
    createNamespaceBasedEnricher({ namespaceLister: fixtureListers(), onSkip: (s) => skips.push(s) }).process(batchOf(0, [[k, pod]]));
    expect(pod.labels.namespace_id).toBe('old');
    expect(skips).toEqual([{ processor: 'namespace_based_enricher', reason: 'namespace_not_found', key: k }]);
  });
});
