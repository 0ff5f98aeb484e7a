/**
 * Workload records (Deployment with its ReplicaSet, StatefulSet, DaemonSet, Job, CronJob with
 * its Jobs) and writing their objects to the store.
 *
 * @module
 */
import type { SimObjectStore } from '../types.js';
import { randomSuffix, randomUid, type Random } from '../random.js';
import type { WorkloadTemplate } from './catalogue.js';
import {
  cronJobObject,
  daemonSetObject,
  deploymentObject,
  jobObject,
  replicaSetObject,
  statefulSetObject,
} from './workload-objects.js';
import type { JobState, PodOwner, WorkloadState } from './state.js';

/** Every CronJob runs on this schedule; its Jobs are named after the scheduled minute. */
export const CRON_SCHEDULE = '*/15 * * * *';
/** {@link CRON_SCHEDULE}'s period. */
export const CRON_INTERVAL_MS = 15 * 60_000;

/** A new workload record (not yet in the store). */
export function createWorkload(
  random: Random,
  template: WorkloadTemplate,
  namespace: string,
  name: string,
  createdMs: number,
): WorkloadState {
  const selector = template.weight === 0 && template.labels ? { ...template.labels } : { app: name };
  const revisionHash = randomSuffix(random, 10);
  const uid = randomUid(random);
  const workload: WorkloadState = { template, namespace, name, uid, createdMs, selector, revisionHash, replicas: 0, jobs: [] };
  if (template.kind === 'Deployment') {
    return { ...workload, replicaSet: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${revisionHash}`, uid: randomUid(random) } };
  }
  return workload;
}

/** Adds a Job run to a Job or CronJob workload. */
export function addJob(random: Random, workload: WorkloadState, name: string, createdMs: number): JobState {
  const job: JobState = { name, uid: randomUid(random), createdMs, workload, activePods: 0 };
  workload.jobs.push(job);
  return job;
}

/** The CronJob Job name for a scheduled instant: `<cronjob>-<minutes since epoch>`. */
export function cronJobRunName(workload: WorkloadState, scheduledMs: number): string {
  return `${workload.name}-${Math.floor(scheduledMs / 60_000)}`;
}

/** The object that directly owns this workload's pods. */
export function podOwner(workload: WorkloadState, job: JobState | undefined): PodOwner {
  switch (workload.template.kind) {
    case 'Deployment':
      return workload.replicaSet as PodOwner;
    case 'StatefulSet':
    case 'DaemonSet':
      return { apiVersion: 'apps/v1', kind: workload.template.kind, name: workload.name, uid: workload.uid };
    case 'Job':
    case 'CronJob':
      if (!job) throw new Error(`workload ${workload.namespace}/${workload.name}: a Job pod needs its Job`);
      return { apiVersion: 'batch/v1', kind: 'Job', name: job.name, uid: job.uid };
  }
}

/** Writes the workload's objects (and its ReplicaSet or Jobs) to the store. */
export function publishWorkload(store: SimObjectStore, workload: WorkloadState): void {
  switch (workload.template.kind) {
    case 'Deployment':
      store.upsert('deployments', deploymentObject(workload));
      store.upsert('replicasets', replicaSetObject(workload, workload.replicaSet as PodOwner));
      return;
    case 'StatefulSet':
      store.upsert('statefulsets', statefulSetObject(workload));
      return;
    case 'DaemonSet':
      store.upsert('daemonsets', daemonSetObject(workload));
      return;
    case 'Job':
      for (const job of workload.jobs) store.upsert('jobs', jobObject(job));
      return;
    case 'CronJob':
      for (const job of workload.jobs) store.upsert('jobs', jobObject(job));
      store.upsert('cronjobs', cronJobObject(workload, CRON_SCHEDULE));
      return;
  }
}
