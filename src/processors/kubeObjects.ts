/**
 * Small readers of Kubernetes objects shared by the enrichers and the workload aggregator.
 *
 * Objects reach processors from informer caches, where timestamps may be `Date`s (client-node
 * deserialised a list) or RFC 3339 strings (raw watch events, fixture JSON); both are accepted.
 *
 * @module
 */
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

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
