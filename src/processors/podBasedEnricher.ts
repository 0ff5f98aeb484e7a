/**
 * The pod-based enricher (heapster-reference §4.2): adds what the API server knows about a pod
 * to its pod and container sets (UID, labels, requests/limits, restart counts, start time) and
 * creates stub sets for spec containers and pods the kubelet did not report.
 *
 * @module
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { MetricSetType, podContainerKey, podKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { createMetricSet, type DataBatch, type MetricSet } from '../core/types.js';
import { setContainerResources } from './containerResources.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import { podOfSet, timestampMs } from './kubeObjects.js';
import type { LabelCopier } from './labelCopier.js';
import type { PodLister, Processor } from './types.js';
import { eachInSteps, type Steps } from '../core/slices.js';
import { defineProcessor } from './define.js';

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
    const exists = (key: string) => batch.metricSets.has(key) || created.has(key);

    const setResources = (key: string, metricSet: MetricSet, container: V1Container) =>
      setContainerResources(metricSet, container, (resource) =>
        onSkip({ processor: name, reason: 'invalid_quantity', key, metric: resource }),
      );

    const addPodInfo = (podSet: MetricSet, pod: V1Pod) => {
      podSet.labels[Label.PodId] = pod.metadata?.uid ?? '';
      const startMs = timestampMs(pod.status?.startTime);
      if (startMs !== 0) podSet.entityCreateTime = startMs;
      labelCopier.copy(pod.metadata?.labels, podSet.labels);

      const namespace = pod.metadata?.namespace ?? '';
      const podName = pod.metadata?.name ?? '';
      for (const container of pod.spec?.containers ?? []) {
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

    const addContainerInfo = (key: string, containerSet: MetricSet, pod: V1Pod) => {
      // The set's container name, read off its key: matching names instead of building every
      // container's key was most of this enricher's allocation.
      const prefix = podContainerKey(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', '');
      const containerName = key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
      const container = pod.spec?.containers?.find((c) => c.name === containerName);
      if (container !== undefined) {
        setResources(key, containerSet, container);
        if (!Object.hasOwn(containerSet.labels, Label.ContainerBaseImage)) {
          containerSet.labels[Label.ContainerBaseImage] = container.image ?? '';
        }
      }
      const status = pod.status?.containerStatuses?.find((s) => s.name === containerName);
      if (status !== undefined) {
        containerSet.metricValues.set('restart_count', status.restartCount);
        const startMs = timestampMs(pod.status?.startTime);
        if (startMs !== 0) containerSet.entityCreateTime = startMs;
      }
      containerSet.labels[Label.PodId] = pod.metadata?.uid ?? '';
      labelCopier.copy(pod.metadata?.labels, containerSet.labels);

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
      const pod = podOfSet(metricSet, key, podLister, onSkip, name);
      if (pod === undefined) return;
      if (type === MetricSetType.Pod) addPodInfo(metricSet, pod);
      else addContainerInfo(key, metricSet, pod);
    });
    for (const [key, metricSet] of created) batch.metricSets.set(key, metricSet);
  }

  return defineProcessor(name, function* (batch) {
    yield* enrich(batch);
    return batch;
  });
}
