/**
 * The processor seam: a processor takes a batch and returns it (mutated in place, as Heapster's
 * processors did). Kubernetes objects reach processors only through the small read-only
 * listers below, so tests feed them from fixtures and production from informer caches.
 *
 * @module
 */
import type { V1Job, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { Steps } from '../core/slices.js';
import type { DataBatch } from '../core/types.js';

/** One stage of the pipeline. */
export interface Processor {
  /** The name used in metrics and logs (Heapster's, e.g. `rate calculator`). */
  readonly name: string;
  /**
   * Enriches or aggregates `batch` in place, yielding every few hundred sets so the housekeeping
   * loop can let requests in (core/slices.ts); returns the batch. Throws a `ProcessorError` to drop it.
   */
  steps(batch: DataBatch): Steps<DataBatch>;
  /** {@link steps} run to the end at once. */
  process(batch: DataBatch): DataBatch;
}

/** Pods by namespace and name. */
export interface PodLister {
  getPod(namespace: string, name: string): V1Pod | undefined;
}

/** Namespaces by name. */
export interface NamespaceLister {
  getNamespace(name: string): V1Namespace | undefined;
}

/** Nodes by name, and all of them. */
export interface NodeLister {
  getNode(name: string): V1Node | undefined;
  listNodes(): readonly V1Node[];
}

/** Owner objects the workload aggregator follows (ReplicaSet → Deployment, Job → CronJob). */
export interface OwnerLister {
  getReplicaSet(namespace: string, name: string): V1ReplicaSet | undefined;
  getJob(namespace: string, name: string): V1Job | undefined;
}

/** Every lister the processors need. */
export interface KubeListers extends PodLister, NamespaceLister, NodeLister, OwnerLister {}
