/**
 * Readers of the Kubernetes objects in the informer caches, for the metadata fields of the
 * graph. Objects come from caches where timestamps may be `Date`s or RFC 3339 strings; both are
 * read. When the cache lacks an object, the metric set's own labels stand in where they can.
 *
 * @module
 */
import type { V1Container, V1ContainerStatus, V1Pod, V1Volume } from '@kubernetes/client-node';
import { Label } from '../../core/labels.js';
import type { EntityInfo } from '../query/types.js';

/** A label pair as the graph shows it. */
export interface LabelPair {
  key: string;
  value: string;
}

/** A Kubernetes time as ms since the epoch; null when absent or invalid. */
export function kubeTimeMs(time: Date | string | undefined | null): number | null {
  if (time === undefined || time === null) return null;
  const ms = time instanceof Date ? time.getTime() : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The set label `labels` (`app:web,tier:front`, as the pod enricher writes Kubernetes labels)
 * back into a record. Label keys cannot contain `:` and values cannot contain `,` or `:`.
 */
export function parseSetLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const pair of text.split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) labels[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  return labels;
}

/** Kubernetes labels of an object, else of its metric set, else none. */
export function labelsOf(objectLabels: Readonly<Record<string, string>> | undefined, entity: EntityInfo | undefined): Record<string, string> {
  if (objectLabels) return { ...objectLabels };
  return parseSetLabels(entity?.labels[Label.Labels]);
}

/** A label record as a list sorted by key. */
export function labelList(labels: Readonly<Record<string, string>>): LabelPair[] {
  return Object.keys(labels)
    .sort()
    .map((key) => ({ key, value: labels[key]! }));
}

/** The container spec of `name` in a pod (init containers included). */
export function containerSpec(pod: V1Pod | undefined, name: string): V1Container | undefined {
  return pod?.spec?.containers?.find((c) => c.name === name) ?? pod?.spec?.initContainers?.find((c) => c.name === name);
}

/** The container status of `name` in a pod (init containers included). */
export function containerStatus(pod: V1Pod | undefined, name: string): V1ContainerStatus | undefined {
  return pod?.status?.containerStatuses?.find((c) => c.name === name) ?? pod?.status?.initContainerStatuses?.find((c) => c.name === name);
}

/** Which source a volume has (`configMap`, `emptyDir`, ...): the one member besides `name` that is set. */
export function volumeSource(volume: V1Volume | undefined): string | null {
  if (!volume) return null;
  for (const [key, value] of Object.entries(volume)) {
    if (key !== 'name' && value !== undefined && value !== null) return key;
  }
  return null;
}

/** `running`, `waiting` or `terminated` from a container status. */
export function containerState(status: V1ContainerStatus | undefined): string | null {
  const state = status?.state;
  if (!state) return null;
  if (state.running) return 'running';
  if (state.waiting) return 'waiting';
  if (state.terminated) return 'terminated';
  return null;
}

/** A resource list as plain strings (`{ cpu: '250m' }`); client-node may hold quantities as other types. */
export function resourceStrings(list: Readonly<Record<string, unknown>> | undefined): Record<string, string> | null {
  if (!list) return null;
  const result: Record<string, string> = {};
  for (const [name, quantity] of Object.entries(list)) {
    if (quantity !== undefined && quantity !== null) result[name] = String(quantity);
  }
  return result;
}
