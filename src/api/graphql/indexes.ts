/**
 * Lists and links derived from the query service: pods of a namespace, pods by node, containers
 * by pod and system containers by host (once per stored batch), each pod's owner workload and
 * pods by workload (once per operation, as they also read the Kubernetes caches).
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Label } from '../../core/labels.js';
import { MetricSetType, type WorkloadKind } from '../../core/keys.js';
import type { OperationContext } from './context.js';
import { podRef, refOf, refsOf, workloadRef } from './entities.js';
import { labelsOf } from './kube.js';
import type { ContainerModel, NodeModel, PodModel, SystemContainerModel, WorkloadModel } from './models.js';

/** Pods of the newest batch, of one namespace or all, sorted by key (shared: do not modify). */
export function podsOf(context: OperationContext, namespace?: string): PodModel[] {
  return context.batchMemo(`pods:${namespace ?? '*'}`, () => refsOf<PodModel>(context.query.pods(namespace)));
}

/** Pods of the newest batch on one node (the pod set's `nodename` label). */
export function podsOnNode(context: OperationContext, node: NodeModel): PodModel[] {
  const byNode = context.batchMemo('podsByNode', () => {
    const index = new Map<string, PodModel[]>();
    for (const info of context.query.pods()) {
      const nodeName = info.labels[Label.NodeName];
      const namespace = info.labels[Label.NamespaceName];
      const name = info.labels[Label.PodName];
      if (!nodeName || !namespace || !name) continue;
      let list = index.get(nodeName);
      if (!list) index.set(nodeName, (list = []));
      list.push(podRef(namespace, name));
    }
    return index;
  });
  return byNode.get(node.name) ?? [];
}

/** Container sets of the newest batch by pod key, and system-container sets by `hostname` label. */
interface ChildIndex {
  containers: Map<string, ContainerModel[]>;
  systemContainers: Map<string, SystemContainerModel[]>;
}

/**
 * One pass over the newest batch's keys, once per batch: asking the query service for each pod's
 * containers would scan every set once per pod.
 */
function childIndex(context: OperationContext): ChildIndex {
  return context.batchMemo('children', () => {
    const index: ChildIndex = { containers: new Map(), systemContainers: new Map() };
    for (const key of context.query.keys()) {
      const info = context.query.entity(key);
      if (info?.type !== MetricSetType.PodContainer && info?.type !== MetricSetType.SystemContainer) continue;
      const ref = refOf(info);
      if (ref?.kind === 'container') push(index.containers, podRef(ref.namespace, ref.pod).key, ref);
      const hostname = info.labels[Label.Hostname];
      if (ref?.kind === 'system_container' && hostname !== undefined) push(index.systemContainers, hostname, ref);
    }
    // Keys come in batch order; lists are in key order, as the query service gives them.
    for (const lists of [index.containers, index.systemContainers]) for (const list of lists.values()) list.sort((a, b) => (a.key < b.key ? -1 : 1));
    return index;
  });
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Container sets of a pod in the newest batch, by key. */
export function containersOf(context: OperationContext, pod: PodModel): readonly ContainerModel[] {
  return childIndex(context).containers.get(pod.key) ?? [];
}

/** System-container sets of the newest batch whose `hostname` label is `hostname` (as Heapster matched them). */
export function systemContainersOf(context: OperationContext, hostname: string): readonly SystemContainerModel[] {
  return childIndex(context).systemContainers.get(hostname) ?? [];
}

/** Kubernetes labels of a pod: the cache's, else the pod set's `labels` label. */
export function podLabels(context: OperationContext, pod: PodModel): Record<string, string> {
  return labelsOf(context.query.kube.getPod(pod.namespace, pod.name)?.metadata?.labels, context.query.entity(pod.key));
}

/** Kubernetes labels of a node: the cache's, else the node set's `labels` label. */
export function nodeLabels(context: OperationContext, node: NodeModel): Record<string, string> {
  return labelsOf(context.query.kube.getNode(node.name)?.metadata?.labels, context.query.entity(node.key));
}

/** The workloads a pod's controller may have been summed into, most specific first. */
function ownerCandidates(pod: V1Pod): Array<[WorkloadKind, string]> {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller === true);
  if (!owner) return [];
  switch (owner.kind) {
    case 'StatefulSet':
    case 'DaemonSet':
      return [[owner.kind, owner.name]];
    case 'ReplicaSet': {
      // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
      const hash = pod.metadata?.labels?.['pod-template-hash'];
      const suffix = `-${hash}`;
      if (hash && owner.name.length > suffix.length && owner.name.endsWith(suffix)) {
        return [['Deployment', owner.name.slice(0, -suffix.length)], ['ReplicaSet', owner.name]];
      }
      return [['ReplicaSet', owner.name]];
    }
    case 'Job': {
      // A CronJob names its Jobs `<cronjob>-<scheduled minute>`.
      const match = /^(.+)-\d+$/.exec(owner.name);
      return match ? [['CronJob', match[1]!], ['Job', owner.name]] : [['Job', owner.name]];
    }
    default:
      return [];
  }
}

/**
 * The workload a pod's metrics are summed into: the first candidate the model has a set for,
 * else the most specific candidate; null for pods without a workload controller or unknown pods.
 */
export function ownerOf(context: OperationContext, pod: PodModel): WorkloadModel | null {
  const kubePod = context.query.kube.getPod(pod.namespace, pod.name);
  if (!kubePod) return null;
  const refs = ownerCandidates(kubePod).map(([kind, name]) => workloadRef(pod.namespace, kind, name));
  return refs.find((ref) => context.query.entity(ref.key) !== undefined) ?? refs[0] ?? null;
}

/** Pods of the newest batch owned by `workload`. */
export function podsOfWorkload(context: OperationContext, workload: WorkloadModel): PodModel[] {
  const byWorkload = context.memo(`podsByWorkload:${workload.namespace}`, () => {
    const index = new Map<string, PodModel[]>();
    for (const pod of podsOf(context, workload.namespace)) {
      const owner = ownerOf(context, pod);
      if (!owner) continue;
      let list = index.get(owner.key);
      if (!list) index.set(owner.key, (list = []));
      list.push(pod);
    }
    return index;
  });
  return byWorkload.get(workload.key) ?? [];
}
