/**
 * Entity references: built from names (entry points, links) or from the query service's
 * entity infos (lists). The workload kinds of the schema's enum map to Kubernetes kinds here.
 *
 * @module
 */
import { clusterKey, MetricSetType, namespaceKey, nodeKey, podContainerKey, podKey, systemContainerKey, workloadKey, type WorkloadKind } from '../../core/keys.js';
import { Label } from '../../core/labels.js';
import type { EntityInfo } from '../query/types.js';
import type { EntityKind, WorkloadKind as WorkloadKindEnum } from './generated/types.js';
import type { ClusterModel, ContainerModel, EntityModel, NamespaceModel, NodeModel, PodModel, SystemContainerModel, WorkloadModel } from './models.js';

/** Schema enum → Kubernetes kind. */
export const workloadKinds: Readonly<Record<WorkloadKindEnum, WorkloadKind>> = {
  DEPLOYMENT: 'Deployment',
  REPLICA_SET: 'ReplicaSet',
  STATEFUL_SET: 'StatefulSet',
  DAEMON_SET: 'DaemonSet',
  JOB: 'Job',
  CRON_JOB: 'CronJob',
};

const kindEnums = new Map(Object.entries(workloadKinds).map(([e, k]) => [k, e as WorkloadKindEnum]));

/** Kubernetes kind → schema enum (undefined for kinds that are not workloads). */
export function workloadKindEnum(kind: string): WorkloadKindEnum | undefined {
  return kindEnums.get(kind as WorkloadKind);
}

/** Model kind → schema enum. */
export const entityKinds: Readonly<Record<EntityModel['kind'], EntityKind>> = {
  cluster: 'CLUSTER',
  node: 'NODE',
  namespace: 'NAMESPACE',
  pod: 'POD',
  container: 'CONTAINER',
  system_container: 'SYSTEM_CONTAINER',
  workload: 'WORKLOAD',
};

/** Model kind → GraphQL type name (for the MetricEntity interface). */
export const typeNames = {
  cluster: 'Cluster',
  node: 'Node',
  namespace: 'Namespace',
  pod: 'Pod',
  container: 'Container',
  system_container: 'SystemContainer',
  workload: 'Workload',
} as const;

/** The cluster set (there is one). */
export const cluster: ClusterModel = { kind: 'cluster', key: clusterKey() };

/** A node by name. */
export function nodeRef(name: string): NodeModel {
  return { kind: 'node', key: nodeKey(name), name };
}

/** A namespace by name. */
export function namespaceRef(name: string): NamespaceModel {
  return { kind: 'namespace', key: namespaceKey(name), name };
}

/** A pod by namespace and name. */
export function podRef(namespace: string, name: string): PodModel {
  return { kind: 'pod', key: podKey(namespace, name), namespace, name };
}

/** A container of a pod. */
export function containerRef(namespace: string, pod: string, name: string): ContainerModel {
  return { kind: 'container', key: podContainerKey(namespace, pod, name), namespace, pod, name };
}

/** A system container of a node. */
export function systemContainerRef(node: string, name: string): SystemContainerModel {
  return { kind: 'system_container', key: systemContainerKey(node, name), node, name };
}

/** A workload by namespace, kind and name. */
export function workloadRef(namespace: string, workloadKind: WorkloadKind, name: string): WorkloadModel {
  return { kind: 'workload', key: workloadKey(namespace, workloadKind, name), namespace, workloadKind, name };
}

/** The reference of a metric set from the query service; undefined for a set missing its naming labels. */
export function refOf(info: EntityInfo): EntityModel | undefined {
  const node = info.labels[Label.NodeName];
  const namespace = info.labels[Label.NamespaceName];
  const pod = info.labels[Label.PodName];
  const container = info.labels[Label.ContainerName];
  switch (info.type) {
    case MetricSetType.Cluster:
      return cluster;
    case MetricSetType.Node:
      return node ? nodeRef(node) : undefined;
    case MetricSetType.Namespace:
      return namespace ? namespaceRef(namespace) : undefined;
    case MetricSetType.Pod:
      return namespace && pod ? podRef(namespace, pod) : undefined;
    case MetricSetType.PodContainer:
      return namespace && pod && container ? containerRef(namespace, pod, container) : undefined;
    case MetricSetType.SystemContainer:
      return node && container ? systemContainerRef(node, container) : undefined;
    case MetricSetType.Workload: {
      const kind = info.labels[Label.WorkloadKind];
      const name = info.labels[Label.WorkloadName];
      return namespace && name && kind && workloadKindEnum(kind) ? workloadRef(namespace, kind as WorkloadKind, name) : undefined;
    }
    default:
      return undefined;
  }
}

/** References of several infos, dropping sets without their naming labels. */
export function refsOf<M extends EntityModel>(infos: readonly EntityInfo[]): M[] {
  const refs: M[] = [];
  for (const info of infos) {
    const ref = refOf(info);
    if (ref) refs.push(ref as M);
  }
  return refs;
}

/** The display name of an entity (`cluster` for the cluster). */
export function nameOf(entity: EntityModel): string {
  return entity.kind === 'cluster' ? 'cluster' : entity.name;
}
