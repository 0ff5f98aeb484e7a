import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { isPodKey, podContainerKey, podKey } from '../../src/core/keys.js';
import { parseIntQuantity, parseMilliQuantity } from '../../src/core/quantity.js';
import { metricTypesOf } from '../../src/core/metrics.js';
import type { MetricSet } from '../../src/core/types.js';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createLabelCopier } from '../../src/processors/labelCopier.js';
import { createPodBasedEnricher } from '../../src/processors/podBasedEnricher.js';
import { createListers, fixtureListers, fixturePod, fixturePods } from '../helpers/listers.js';
import { batchOf, containerEntry, podEntry, setAt } from './builders.js';

const copier = createLabelCopier();

/** Expected request/limit metrics of a container, read from its spec in the test. */
function expectedResources(container: V1Container): Record<string, number> {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const milli = (q: string | undefined) => (q === undefined ? 0 : parseMilliQuantity(q)!);
  const bytes = (q: string | undefined) => (q === undefined ? 0 : parseIntQuantity(q)!);
  return {
    'cpu/request': milli(requests.cpu),
    'cpu/limit': milli(limits.cpu),
    'memory/request': bytes(requests.memory),
    'memory/limit': bytes(limits.memory),
    'ephemeral_storage/request': bytes(requests['ephemeral-storage']),
    'ephemeral_storage/limit': bytes(limits['ephemeral-storage']),
  };
}

function values(set: MetricSet): Record<string, number> {
  return Object.fromEntries(set.metricValues);
}

function labelsOf(pod: V1Pod): string {
  return Object.entries(pod.metadata?.labels ?? {})
    .map(([k, v]) => `${k}:${v}`)
    .sort()
    .join(',');
}

describe('pod-based enricher', () => {
  it('sets requests, limits, restart count, image, pod id, labels and start time on every fixture container', () => {
    const scheduled = fixturePods().filter((p) => p.spec?.nodeName);
    const batch = batchOf(
      0,
      scheduled.flatMap((pod) => [
        podEntry(pod.metadata!.namespace!, pod.metadata!.name!),
        ...pod.spec!.containers.map((c) => containerEntry(pod.metadata!.namespace!, pod.metadata!.name!, c.name)),
      ]),
    );
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier }).process(batch);

    for (const pod of scheduled) {
      const { namespace, name, uid } = pod.metadata!;
      for (const container of pod.spec!.containers) {
        const set = setAt(batch, podContainerKey(namespace!, name!, container.name));
        const status = pod.status!.containerStatuses!.find((s) => s.name === container.name)!;
        expect(values(set)).toEqual({ ...expectedResources(container), restart_count: status.restartCount });
        expect(set.labels).toMatchObject({ container_base_image: container.image, pod_id: uid, labels: labelsOf(pod) });
        expect(set.entityCreateTime).toBe(Date.parse(pod.status!.startTime as unknown as string));
      }
      const podSet = setAt(batch, podKey(namespace!, name!));
      expect(podSet.labels).toMatchObject({ pod_id: uid, labels: labelsOf(pod) });
      expect(podSet.entityCreateTime).toBe(Date.parse(pod.status!.startTime as unknown as string));
    }
    expect(metricTypesOf('cpu/request')).toEqual({ valueType: 'int64', metricType: 'gauge' });
  });

  it('reads the coredns spec as 100 millicores and 70Mi requested, 170Mi memory limit and no CPU limit', () => {
    const [k, set] = containerEntry('kube-system', 'coredns-787d4945fb-m5cbw', 'coredns');
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier }).process(batchOf(0, [[k, set]]));
    expect(values(set)).toMatchObject({ 'cpu/request': 100, 'cpu/limit': 0, 'memory/request': 70 * 2 ** 20, 'memory/limit': 170 * 2 ** 20 });
  });

  it('counts restarts from the container status of the fixture pod stuck in ContainerCreating', () => {
    const pod = fixturePod('scraper', 'e2e-container-creating');
    const [k, set] = containerEntry('scraper', 'e2e-container-creating', 'alpine');
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier }).process(batchOf(0, [[k, set]]));
    expect(set.metricValues.get('restart_count')).toBe(pod.status!.containerStatuses![0]!.restartCount);
    expect(set.metricValues.get('restart_count')).toBe(2);
  });

  it('keeps a container_base_image the source already set', () => {
    const [k, set] = containerEntry('kube-system', 'etcd-minikube', 'etcd', {}, { container_base_image: 'from-cadvisor' });
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier }).process(batchOf(0, [[k, set]]));
    expect(set.labels.container_base_image).toBe('from-cadvisor');
  });

  it('creates a stub container set for a spec container the kubelet did not report', () => {
    const pod = fixturePod('kube-system', 'coredns-787d4945fb-m5cbw');
    const [pk, podSet] = podEntry('kube-system', 'coredns-787d4945fb-m5cbw', {}, { host_id: 'host-1' });
    podSet.collectionStartTime = 1_000;
    const batch = batchOf(0, [[pk, podSet]]);
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier }).process(batch);

    const stub = setAt(batch, podContainerKey('kube-system', 'coredns-787d4945fb-m5cbw', 'coredns'));
    expect(stub.labels).toEqual({
      type: 'pod_container',
      namespace_name: 'kube-system',
      pod_name: 'coredns-787d4945fb-m5cbw',
      container_name: 'coredns',
      container_base_image: pod.spec!.containers[0]!.image,
      pod_id: pod.metadata!.uid,
      nodename: 'minikube',
      hostname: 'minikube',
      host_id: 'host-1',
      labels: labelsOf(pod),
    });
    // Stubs carry requests and limits only: no usage and no restart count.
    expect(values(stub)).toEqual(expectedResources(pod.spec!.containers[0]!));
    expect(stub.entityCreateTime).toBe(1_000);
  });

  it('creates a stub pod set for a container whose pod set is missing, and stubs for its other containers', () => {
    const pod: V1Pod = {
      metadata: { namespace: 'default', name: 'two', uid: 'uid-two', labels: { app: 'two' } },
      spec: {
        containers: [
          { name: 'main', image: 'main:1', resources: { requests: { cpu: '250m', memory: '64Mi', 'nvidia.com/gpu': '2' }, limits: { 'nvidia.com/gpu': '2', 'ephemeral-storage': '1Gi' } } },
          { name: 'sidecar', image: 'sidecar:1', resources: { requests: { 'ephemeral-storage': '500M', 'hugepages-2Mi': '4Mi' } } },
        ],
      },
      status: { startTime: new Date('2024-01-02T03:04:05Z') },
    };
    const [ck, container] = containerEntry('default', 'two', 'main', {}, { host_id: 'h' });
    const batch = batchOf(0, [[ck, container]]);
    createPodBasedEnricher({ podLister: createListers({ pods: [pod] }), labelCopier: copier }).process(batch);

    const podSet = setAt(batch, podKey('default', 'two'));
    expect(podSet.labels).toEqual({
      type: 'pod',
      namespace_name: 'default',
      pod_name: 'two',
      nodename: 'minikube',
      hostname: 'minikube',
      host_id: 'h',
      pod_id: 'uid-two',
      labels: 'app:two',
    });
    expect(podSet.metricValues.size).toBe(0);
    expect(podSet.entityCreateTime).toBe(Date.parse('2024-01-02T03:04:05Z'));

    expect(values(container)).toEqual({ ...expectedResources(pod.spec!.containers[0]!), 'nvidia.com/gpu/request': 2 });
    expect(values(container)['cpu/request']).toBe(250);
    expect(values(container)['ephemeral_storage/limit']).toBe(2 ** 30);
    const sidecar = setAt(batch, podContainerKey('default', 'two', 'sidecar'));
    expect(values(sidecar)).toEqual({ ...expectedResources(pod.spec!.containers[1]!), 'hugepages-2Mi/request': 4 * 2 ** 20 });
    expect(values(sidecar)['ephemeral_storage/request']).toBe(500_000_000);
    expect(sidecar.labels).toMatchObject({ container_base_image: 'sidecar:1', nodename: 'minikube', host_id: 'h', labels: 'app:two' });
  });

  it('takes a pod set just before its containers as theirs only when its key is their pod key', () => {
    const pod: V1Pod = { metadata: { namespace: 'default', name: 'web', uid: 'uid-web' }, spec: { containers: [{ name: 'main' }] } };
    const run = (podSetKey: string) => {
      const [, podSet] = podEntry('default', 'web');
      const [ck, container] = containerEntry('default', 'web', 'main');
      const batch = batchOf(0, [[podSetKey, podSet], [ck, container]]);
      createPodBasedEnricher({ podLister: createListers({ pods: [pod] }), labelCopier: copier }).process(batch);
      return [...batch.metricSets.keys()];
    };
    // Under its pod key the pod set is the containers' own: no stub.
    expect(run(podKey('default', 'web'))).toEqual([podKey('default', 'web'), podContainerKey('default', 'web', 'main')]);
    // Under any other key it is not, and the containers' pod gets a stub set of its own.
    expect(run('namespace:default/pod:web-old')).toEqual(['namespace:default/pod:web-old', podContainerKey('default', 'web', 'main'), podKey('default', 'web')]);
  });

  it('tells a pod key from other keys without building it', () => {
    expect(isPodKey(podKey('default', 'web'), 'default', 'web')).toBe(true);
    expect(isPodKey(podKey('default', 'web'), 'default', 'we')).toBe(false);
    expect(isPodKey(podKey('default', 'web'), 'defaul', 'tweb')).toBe(false);
    expect(isPodKey(podKey('kube', 'web'), 'default', 'web')).toBe(false);
    expect(isPodKey(podContainerKey('default', 'web', 'x'), 'default', 'web')).toBe(false);
    expect(isPodKey('namespace:default/pod;web', 'default', 'web')).toBe(false);
    expect(isPodKey('namespace:default-pod:web', 'default', 'web')).toBe(false);
  });

  it('enriches containers of two pods interleaved in the batch, each from its own pod, with one stub pod set each', () => {
    const podOf = (name: string): V1Pod => ({
      metadata: { namespace: 'default', name, uid: `uid-${name}`, labels: { app: name } },
      spec: { containers: ['a', 'b'].map((c) => ({ name: c, image: `${name}-${c}:1`, resources: { requests: { cpu: name === 'one' ? '100m' : '300m' } } })) },
      status: { containerStatuses: ['a', 'b'].map((c, i) => ({ name: c, restartCount: name === 'one' ? i : 10 + i }) as never) },
    });
    const entries = [containerEntry('default', 'one', 'a'), containerEntry('default', 'two', 'a'), containerEntry('default', 'one', 'b'), containerEntry('default', 'two', 'b')];
    const batch = batchOf(0, entries);
    createPodBasedEnricher({ podLister: createListers({ pods: [podOf('one'), podOf('two')] }), labelCopier: copier }).process(batch);

    const seen = entries.map(([key, set]) => [key, set.labels.pod_id, set.labels.container_base_image, values(set)['cpu/request'], values(set).restart_count]);
    expect(seen).toEqual([
      [podContainerKey('default', 'one', 'a'), 'uid-one', 'one-a:1', 100, 0],
      [podContainerKey('default', 'two', 'a'), 'uid-two', 'two-a:1', 300, 10],
      [podContainerKey('default', 'one', 'b'), 'uid-one', 'one-b:1', 100, 1],
      [podContainerKey('default', 'two', 'b'), 'uid-two', 'two-b:1', 300, 11],
    ]);
    expect([...batch.metricSets.keys()].slice(entries.length)).toEqual([podKey('default', 'one'), podKey('default', 'two')]);
  });

  it('leaves sets of pods missing from the lister untouched and reports them', () => {
    const skips: ProcessorSkip[] = [];
    const [k, set] = containerEntry('default', 'ghost', 'app');
    const batch = batchOf(0, [[k, set]]);
    // A deep copy with the values as a Map and the labeled values as a list: both live in shared slabs that structuredClone cannot copy by value.
    const { labels, metricValues, labeledMetrics, collectionStartTime, scrapeTime, entityCreateTime } = set;
    const before = {
      labels: structuredClone(labels),
      metricValues: new Map(metricValues),
      labeledMetrics: structuredClone(labeledMetrics.toArray()),
      collectionStartTime,
      scrapeTime,
      entityCreateTime,
    };
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier: copier, onSkip: (s) => skips.push(s) }).process(batch);
    expect(set).toEqual(before);
    expect([...batch.metricSets.keys()]).toEqual([k]);
    expect(skips).toEqual([{ processor: 'pod_based_enricher', reason: 'pod_not_found', key: k }]);
  });

  it('copies stored labels onto pod and container sets', () => {
    const [pk, podSet] = podEntry('kube-system', 'kindnet-5jgd8');
    const [ck, container] = containerEntry('kube-system', 'kindnet-5jgd8', 'kindnet-cni');
    const labelCopier = createLabelCopier({ storeLabels: ['app', 'tier_label=tier'], ignoreLabels: ['controller-revision-hash', 'pod-template-generation'] });
    createPodBasedEnricher({ podLister: fixtureListers(), labelCopier }).process(batchOf(0, [[pk, podSet], [ck, container]]));
    for (const set of [podSet, container]) {
      expect(set.labels).toMatchObject({ app: 'kindnet', tier_label: 'node', labels: 'app:kindnet,k8s-app:kindnet,tier:node' });
    }
  });

  it('reports a quantity that does not parse and counts it as absent', () => {
    const pod: V1Pod = {
      metadata: { namespace: 'default', name: 'bad', uid: 'u' },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: 'lots' } } }] },
    };
    const skips: ProcessorSkip[] = [];
    const [k, set] = containerEntry('default', 'bad', 'c');
    createPodBasedEnricher({ podLister: createListers({ pods: [pod] }), labelCopier: copier, onSkip: (s) => skips.push(s) }).process(
      batchOf(0, [[k, set]]),
    );
    expect(set.metricValues.get('cpu/request')).toBe(0);
    expect(skips).toContainEqual({ processor: 'pod_based_enricher', reason: 'invalid_quantity', key: k, metric: 'cpu' });
  });
});
