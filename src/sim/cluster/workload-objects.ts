/**
 * Controller objects: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob, with pod
 * templates matching the pods they own.
 *
 * @module
 */
import type { KubeObject } from '../types.js';
import { containerSpec, ownerReference, restartPolicy, volumeSpec } from './pod-spec.js';
import type { JobState, PodOwner, WorkloadState } from './state.js';
import { toRfc3339 } from './time.js';

type Labels = Record<string, string>;

function podTemplate(workload: WorkloadState, extraLabels: Labels = {}) {
  const { template } = workload;
  return {
    metadata: { labels: { ...template.labels, ...workload.selector, ...extraLabels } },
    spec: {
      containers: template.containers.map((container) => containerSpec(container, undefined, template.volumes)),
      restartPolicy: restartPolicy(template.kind),
      serviceAccountName: template.serviceAccountName,
      terminationGracePeriodSeconds: 30,
      volumes: template.volumes.map(volumeSpec),
    },
  };
}

function workloadMetadata(workload: WorkloadState, name = workload.name, uid = workload.uid, createdMs = workload.createdMs) {
  return {
    creationTimestamp: toRfc3339(createdMs),
    generation: 1,
    labels: { ...workload.selector },
    name,
    namespace: workload.namespace,
    uid,
  };
}

/** The Deployment object. */
export function deploymentObject(workload: WorkloadState): KubeObject {
  const replicas = workload.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { ...workloadMetadata(workload), annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { ...workload.selector } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: podTemplate(workload),
    },
    status: { availableReplicas: replicas, observedGeneration: 1, readyReplicas: replicas, replicas, updatedReplicas: replicas },
  };
}

/** The Deployment's ReplicaSet, owned by it. */
export function replicaSetObject(workload: WorkloadState, replicaSet: PodOwner): KubeObject {
  const replicas = workload.replicas;
  const hashLabel = { 'pod-template-hash': workload.revisionHash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      ...workloadMetadata(workload, replicaSet.name, replicaSet.uid),
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': '1' },
      labels: { ...workload.selector, ...hashLabel },
      ownerReferences: ownerReference({ apiVersion: 'apps/v1', kind: 'Deployment', name: workload.name, uid: workload.uid }),
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...workload.selector, ...hashLabel } },
      template: podTemplate(workload, hashLabel),
    },
    status: { availableReplicas: replicas, fullyLabeledReplicas: replicas, observedGeneration: 1, readyReplicas: replicas, replicas },
  };
}

/** The StatefulSet object. */
export function statefulSetObject(workload: WorkloadState): KubeObject {
  const replicas = workload.replicas;
  const revision = `${workload.name}-${workload.revisionHash}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: workloadMetadata(workload),
    spec: {
      podManagementPolicy: 'OrderedReady',
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { ...workload.selector } },
      serviceName: workload.name,
      template: podTemplate(workload),
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
    },
    status: {
      availableReplicas: replicas,
      collisionCount: 0,
      currentReplicas: replicas,
      currentRevision: revision,
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
      updateRevision: revision,
      updatedReplicas: replicas,
    },
  };
}

/** The DaemonSet object; `replicas` holds the node count. */
export function daemonSetObject(workload: WorkloadState): KubeObject {
  const nodes = workload.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { ...workloadMetadata(workload), annotations: { 'deprecated.daemonset.template.generation': '1' } },
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: { ...workload.selector } },
      template: podTemplate(workload),
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: nodes,
      desiredNumberScheduled: nodes,
      numberAvailable: nodes,
      numberMisscheduled: 0,
      numberReady: nodes,
      observedGeneration: 1,
      updatedNumberScheduled: nodes,
    },
  };
}

/** A Job: standalone, or owned by its CronJob. */
export function jobObject(job: JobState): KubeObject {
  const { workload } = job;
  const jobLabels = { 'controller-uid': job.uid, 'job-name': job.name };
  const parallelism = workload.template.kind === 'Job' ? workload.replicas : 1;
  const owner =
    workload.template.kind === 'CronJob'
      ? { ownerReferences: ownerReference({ apiVersion: 'batch/v1', kind: 'CronJob', name: workload.name, uid: workload.uid }) }
      : {};
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...workloadMetadata(workload, job.name, job.uid, job.createdMs), labels: { ...workload.selector, ...jobLabels }, ...owner },
    spec: {
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      completions: parallelism,
      parallelism,
      selector: { matchLabels: { 'controller-uid': job.uid } },
      suspend: false,
      template: podTemplate(workload, jobLabels),
    },
    status: { active: job.activePods, ready: job.activePods, startTime: toRfc3339(job.createdMs) },
  };
}

/** The CronJob object, listing its active Jobs. */
export function cronJobObject(workload: WorkloadState, schedule: string): KubeObject {
  const last = workload.jobs[workload.jobs.length - 1];
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: workloadMetadata(workload),
    spec: {
      concurrencyPolicy: 'Allow',
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: {}, spec: { template: podTemplate(workload) } },
      schedule,
      successfulJobsHistoryLimit: 3,
      suspend: false,
    },
    status: {
      active: workload.jobs.map((job) => ({ apiVersion: 'batch/v1', kind: 'Job', name: job.name, namespace: workload.namespace, uid: job.uid })),
      ...(last ? { lastScheduleTime: toRfc3339(last.createdMs) } : {}),
    },
  };
}
