/**
 * Which workload a pod belongs to, following controller owner references: ReplicaSet →
 * Deployment, Job → CronJob, and StatefulSet / DaemonSet / bare ReplicaSet / Job themselves.
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { WorkloadKind } from '../core/keys.js';
import { controllerOf } from './kubeObjects.js';
import type { OwnerLister } from './types.js';

/** A workload, by kind and name (its namespace is the pod's). */
export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
}

/** The label the Deployment controller puts on its pods, also the suffix of its ReplicaSets' names. */
const podTemplateHashLabel = 'pod-template-hash';

/**
 * The workload of `pod`, or `undefined` when the pod has no controller owner or one of a kind
 * that is not a workload (a Node for static pods, a ReplicationController, custom controllers).
 *
 * A ReplicaSet missing from the lister is still resolved to its Deployment when the pod's
 * `pod-template-hash` label H ends the ReplicaSet's name as `-H`.
 */
export function resolveWorkload(pod: V1Pod, owners: OwnerLister): WorkloadRef | undefined {
  const owner = controllerOf(pod.metadata);
  if (owner === undefined) return undefined;
  const namespace = pod.metadata?.namespace ?? '';

  switch (owner.kind) {
    case 'StatefulSet':
    case 'DaemonSet':
      return { kind: owner.kind, name: owner.name };
    case 'ReplicaSet': {
      const replicaSet = owners.getReplicaSet(namespace, owner.name);
      if (replicaSet !== undefined) {
        const deployment = controllerOf(replicaSet.metadata);
        return deployment?.kind === 'Deployment'
          ? { kind: 'Deployment', name: deployment.name }
          : { kind: 'ReplicaSet', name: owner.name };
      }
      const hash = pod.metadata?.labels?.[podTemplateHashLabel];
      const suffix = `-${hash}`;
      if (hash && owner.name.length > suffix.length && owner.name.endsWith(suffix)) {
        return { kind: 'Deployment', name: owner.name.slice(0, -suffix.length) };
      }
      return { kind: 'ReplicaSet', name: owner.name };
    }
    case 'Job': {
      const cronJob = controllerOf(owners.getJob(namespace, owner.name)?.metadata);
      return cronJob?.kind === 'CronJob' ? { kind: 'CronJob', name: cronJob.name } : { kind: 'Job', name: owner.name };
    }
    default:
      return undefined;
  }
}
