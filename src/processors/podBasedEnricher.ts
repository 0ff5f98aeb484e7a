/**
 * The pod-based enricher (heapster-reference §4.2): adds what the API server knows about a pod
 * to its pod and container sets (UID, labels, requests/limits, restart counts, start time) and
 * creates stub sets for spec containers and pods the kubelet did not report.
 *
 * @module
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { isPodKey, MetricSetType, podContainerKey, podKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../core/types.js';
import { setContainerResources } from './containerResources.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import { podOfSet, rememberLastPod, timestampMs } from './kubeObjects.js';
import type { LabelCopier } from './labelCopier.js';
import type { PodLister, Processor } from './types.js';
import { eachInSteps, itemsPerStep, type Steps } from '../core/slices.js';
import { defineProcessor } from './define.js';
import { joinBatch } from './join.js';

/** Options of {@link createPodBasedEnricher}. */
export interface PodBasedEnricherOptions {
  podLister: PodLister;
  labelCopier: LabelCopier;
  /** Receives pods missing from the lister and unparsable quantities. @default ignore */
  onSkip?: SkipListener;
}

const name = 'pod_based_enricher';

/** Creates the pod-based enricher. Sets of pods missing from the lister are left untouched. */
export function createPodBasedEnricher({ podLister, labelCopier, onSkip = ignoreSkips }: PodBasedEnricherOptions): Processor {
  /** One run over one batch; stubs go to `created` and join the batch at the end, as in Heapster. */
  function* enrich(batch: DataBatch): Steps<void> {
    const created = new Map<string, MetricSet>();
    const pods = rememberLastPod(podLister);
    const exists = (key: string) => batch.metricSets.has(key) || created.has(key);

    const setResources = (key: string, metricSet: MetricSet, container: V1Container) =>
      setContainerResources(metricSet, container, (resource) =>
        onSkip({ processor: name, reason: 'invalid_quantity', key, metric: resource }),
      );

    // Spec containers the pass matched to a container set, and the pods whose unmatched spec
    // containers get stub sets after the pass: checking every spec container's key as its pod
    // set was visited built a key per container, most of them for sets that exist.
    const reported = new Set<V1Container>();
    const enrichedPodSets: MetricSet[] = [];
    const enrichedPods: V1Pod[] = [];

    const addPodInfo = (podSet: MetricSet, pod: V1Pod) => {
      podSet.labels[Label.PodId] = pod.metadata?.uid ?? '';
      const startMs = timestampMs(pod.status?.startTime);
      if (startMs !== 0) podSet.entityCreateTime = startMs;
      labelCopier.copy(pod.metadata?.labels, podSet.labels);
      enrichedPodSets.push(podSet);
      enrichedPods.push(pod);
    };

    const addContainerStubs = (podSet: MetricSet, pod: V1Pod) => {
      const namespace = pod.metadata?.namespace ?? '';
      const podName = pod.metadata?.name ?? '';
      for (const container of pod.spec?.containers ?? []) {
        if (reported.has(container)) continue;
        const key = podContainerKey(namespace, podName, container.name);
        if (exists(key)) continue;
        const stub = createMetricSet({
          [Label.Type]: MetricSetType.PodContainer,
          [Label.NamespaceName]: namespace,
          [Label.PodName]: podName,
          [Label.ContainerName]: container.name,
          [Label.ContainerBaseImage]: container.image ?? '',
          [Label.PodId]: pod.metadata?.uid ?? '',
          [Label.NodeName]: podSet.labels[Label.NodeName] ?? '',
          [Label.Hostname]: podSet.labels[Label.Hostname] ?? '',
          [Label.HostId]: podSet.labels[Label.HostId] ?? '',
        });
        // Heapster master takes the stub's create time from the pod set's collection start.
        stub.entityCreateTime = podSet.collectionStartTime;
        labelCopier.copy(pod.metadata?.labels, stub.labels);
        setResources(key, stub, container);
        created.set(key, stub);
      }
    };

    // Per pod, not per container: the key prefix of its containers, its start time, and whether
    // its pod set was checked (consecutive container sets usually share a pod).
    let prefixPod: V1Pod | undefined;
    let prefix = '';
    let podStartMs = 0;
    let checkedPod: V1Pod | undefined;
    // The pod of the last pod set passed, if stored under its pod key. A kubelet's pod set comes
    // just before its container sets, so their pod set is known to exist without building its
    // key and probing the batch (a fresh key hashed and looked up per pod: ~19 % of this pass).
    let podWithSet: V1Pod | undefined;

    const addContainerInfo = (key: string, containerSet: MetricSet, pod: V1Pod) => {
      // The set's container name, read off its key: matching names instead of building every
      // container's key was most of this enricher's allocation.
      if (pod !== prefixPod) {
        prefix = podContainerKey(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', '');
        podStartMs = timestampMs(pod.status?.startTime);
        prefixPod = pod;
      }
      const ofPod = key.startsWith(prefix);
      const container = ofPod ? namedAfter(pod.spec?.containers, key, prefix.length) : undefined;
      if (container !== undefined) {
        reported.add(container);
        setResources(key, containerSet, container);
        if (!Object.hasOwn(containerSet.labels, Label.ContainerBaseImage)) {
          containerSet.labels[Label.ContainerBaseImage] = container.image ?? '';
        }
      }
      const status = ofPod ? namedAfter(pod.status?.containerStatuses, key, prefix.length) : undefined;
      if (status !== undefined) {
        containerSet.metricValues.set('restart_count', status.restartCount);
        if (podStartMs !== 0) containerSet.entityCreateTime = podStartMs;
      }
      containerSet.labels[Label.PodId] = pod.metadata?.uid ?? '';
      labelCopier.copy(pod.metadata?.labels, containerSet.labels);

      // The pod was found by this set's namespace and pod name labels, so the pod set key
      // depends on the pod alone; and the last pod set passed, stored under its pod key, found
      // its pod the same way, so when that is this pod its set is the one the key names.
      if (pod === checkedPod) return;
      checkedPod = pod;
      if (pod === podWithSet) return;
      const setNamespace = containerSet.labels[Label.NamespaceName] ?? '';
      const setPodName = containerSet.labels[Label.PodName] ?? '';
      const podSetKey = podKey(setNamespace, setPodName);
      if (exists(podSetKey)) return;
      const stub = createMetricSet({
        [Label.Type]: MetricSetType.Pod,
        [Label.NamespaceName]: setNamespace,
        [Label.PodName]: setPodName,
        [Label.NodeName]: containerSet.labels[Label.NodeName] ?? '',
        [Label.Hostname]: containerSet.labels[Label.Hostname] ?? '',
        [Label.HostId]: containerSet.labels[Label.HostId] ?? '',
      });
      created.set(podSetKey, stub);
      addPodInfo(stub, pod);
    };

    yield* eachInSteps(batch.metricSets, (metricSet, key) => {
      const type = metricSet.labels[Label.Type];
      if (type !== MetricSetType.Pod && type !== MetricSetType.PodContainer) return;
      const pod = podOfSet(metricSet, key, pods, onSkip, name);
      if (pod === undefined) return;
      if (type === MetricSetType.Pod) {
        podWithSet = isPodKey(key, metricSet.labels[Label.NamespaceName]!, metricSet.labels[Label.PodName]!) ? pod : undefined;
        addPodInfo(metricSet, pod);
      } else addContainerInfo(key, metricSet, pod);
    });
    for (let i = 0; i < enrichedPods.length; i++) {
      addContainerStubs(enrichedPodSets[i]!, enrichedPods[i]!);
      if (i % itemsPerStep === itemsPerStep - 1) yield;
    }
    yield* joinBatch(batch, created);
  }

  return defineProcessor(name, function* (batch) {
    yield* enrich(batch);
    return batch;
  });
}

/** The entry of `list` whose name is what follows the first `prefixLength` characters of `key`. */
function namedAfter<T extends { name: string }>(list: readonly T[] | undefined, key: string, prefixLength: number): T | undefined {
  if (list === undefined) return undefined;
  for (const item of list) {
    if (key.length === prefixLength + item.name.length && key.endsWith(item.name)) return item;
  }
  return undefined;
}
