/**
 * Small readers of Kubernetes objects shared by the enrichers and the workload aggregator.
 *
 * Objects reach processors from informer caches, where timestamps may be `Date`s (client-node
 * deserialised a list) or RFC 3339 strings (raw watch events, fixture JSON); both are accepted.
 *
 * @module
 */
import type { V1ObjectMeta, V1OwnerReference, V1Pod } from '@kubernetes/client-node';
import { Label } from '../core/labels.js';
import type { MetricSet } from '../core/types.js';
import type { SkipListener } from './errors.js';
import type { PodLister } from './types.js';

/** A Kubernetes timestamp as ms since the epoch; 0 (Heapster's zero time) when absent or invalid. */
export function timestampMs(time: Date | string | undefined | null): number {
  if (time === undefined || time === null) return 0;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isFinite(ms) ? ms : 0;
}

/** The owner reference marked `controller: true`, if any. */
export function controllerOf(metadata: V1ObjectMeta | undefined): V1OwnerReference | undefined {
  return metadata?.ownerReferences?.find((owner) => owner.controller === true);
}

/**
 * The pod of a pod or container set, from its namespace and pod name labels. Reports a skip
 * (`missing_labels`, `pod_not_found`) for `processor` and returns undefined when there is none.
 */
export function podOfSet(set: MetricSet, key: string, podLister: PodLister, onSkip: SkipListener, processor: string): V1Pod | undefined {
  const namespace = set.labels[Label.NamespaceName];
  const podName = set.labels[Label.PodName];
  if (namespace === undefined || podName === undefined) {
    onSkip({ processor, reason: 'missing_labels', key });
    return undefined;
  }
  const pod = podLister.getPod(namespace, podName);
  if (pod === undefined) onSkip({ processor, reason: 'pod_not_found', key });
  return pod;
}

/**
 * A pod lister that remembers its previous answer. A pod's container sets follow its pod set in
 * a batch, so in one pass over a batch most lookups repeat the one before; the informer cache's
 * lookup of a 150,000-pod namespace costs ~1 µs. Make one per pass: within a pass a pod replaced
 * meanwhile by the informer is answered as it was, as if the update had come a moment later.
 */
export function rememberLastPod(podLister: PodLister): PodLister {
  let lastNamespace: string | undefined;
  let lastName: string | undefined;
  let lastPod: V1Pod | undefined;
  return {
    getPod(namespace, name) {
      if (name !== lastName || namespace !== lastNamespace) {
        lastPod = podLister.getPod(namespace, name);
        lastNamespace = namespace;
        lastName = name;
      }
      return lastPod;
    },
  };
}
