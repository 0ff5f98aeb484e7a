/**
 * The simulated cluster's own state: compact records of numbers and shared references, from
 * which Kubernetes objects and kubelet stats are rendered on demand. Nothing here is a
 * Kubernetes object; a 5,000-node × 30-pod cluster is ~150k of these small records.
 *
 * @module
 */
import type { ContainerTemplate, WorkloadTemplate } from './catalogue.js';

/** The object that owns a pod directly (ReplicaSet, StatefulSet, DaemonSet or Job). */
export interface PodOwner {
  readonly apiVersion: 'apps/v1' | 'batch/v1';
  readonly kind: 'ReplicaSet' | 'StatefulSet' | 'DaemonSet' | 'Job';
  readonly name: string;
  readonly uid: string;
}

/** A Job: standalone, or one run of a CronJob. */
export interface JobState {
  readonly name: string;
  readonly uid: string;
  readonly createdMs: number;
  readonly workload: WorkloadState;
  /** Pods of this Job that currently exist. */
  activePods: number;
}

/** A Deployment, StatefulSet, DaemonSet, Job or CronJob. */
export interface WorkloadState {
  readonly template: WorkloadTemplate;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly createdMs: number;
  /** Labels every pod carries and the selector matches. */
  readonly selector: Readonly<Record<string, string>>;
  /** pod-template-hash (Deployment) or controller-revision-hash (StatefulSet, DaemonSet). */
  readonly revisionHash: string;
  /** The Deployment's ReplicaSet, as a pod owner. */
  readonly replicaSet?: PodOwner;
  /** Pods wanted (per node for a DaemonSet: the node count). */
  replicas: number;
  /** A standalone Job's own record, or a CronJob's current runs, oldest first. */
  jobs: JobState[];
}

/** One container of a running pod. Counters restart from zero at `startMs`. */
export interface ContainerState {
  readonly template: ContainerTemplate;
  /** Mean CPU use in cores. */
  readonly cpuCores: number;
  /** Mean working set in bytes. */
  readonly workingSetBytes: number;
  readonly rootfsBytes: number;
  readonly logsBytes: number;
  /** Phase of this container's usage waves, in [0, 1). */
  readonly phase: number;
  startMs: number;
  restartCount: number;
  /** When the previous instance started, when restartCount > 0. */
  lastStartMs: number;
}

/** A running pod on a node. */
export interface PodState {
  readonly workload: WorkloadState;
  readonly owner: PodOwner;
  readonly job: JobState | undefined;
  readonly name: string;
  readonly uid: string;
  readonly nodeIndex: number;
  readonly ip: string;
  readonly startMs: number;
  /** StatefulSet ordinal, or -1. */
  readonly ordinal: number;
  /** Name suffix of the service-account token volume (`kube-api-access-<suffix>`). */
  readonly tokenSuffix: string;
  readonly phase: number;
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
  /** Per volume template: mean used bytes. */
  readonly volumeBytes: readonly number[];
  readonly containers: ContainerState[];
  /** CPU and page faults of container instances that restarted, so pod counters stay monotonic. */
  retiredCpuCoreSeconds: number;
  retiredPageFaults: number;
}

/** A node: its size, its kubelet address and its pods. */
export interface NodeState {
  readonly index: number;
  readonly name: string;
  readonly address: string;
  readonly uid: string;
  readonly startMs: number;
  readonly instanceType: string;
  readonly zone: string;
  readonly cpuCores: number;
  readonly memoryBytes: number;
  readonly fsCapacityBytes: number;
  readonly fsBaseUsedBytes: number;
  readonly imageFsUsedBytes: number;
  /** First three octets of the pod CIDR, e.g. `10.0.3.`. */
  readonly podIpPrefix: string;
  readonly bootId: string;
  readonly machineId: string;
  readonly phase: number;
  /** CPU of the OS and runtime outside kubelet and pods. */
  readonly hostCpuCores: number;
  readonly hostWorkingSetBytes: number;
  readonly kubeletCpuCores: number;
  readonly kubeletWorkingSetBytes: number;
  readonly hostRxBytesPerSecond: number;
  readonly hostTxBytesPerSecond: number;
  readonly pods: PodState[];
  /** Next last octet for a pod IP. */
  nextPodIp: number;
  /** Totals of deleted pods, so node counters stay monotonic under churn. */
  retiredCpuCoreSeconds: number;
  retiredPageFaults: number;
  retiredRxBytes: number;
  retiredTxBytes: number;
}
