/**
 * Churn: pods deleted and replaced, containers restarted, at fixed rates of clock time. Events
 * sit on fixed schedules (event k at start + k × interval) and draw from their own seeded
 * streams, so the same seed and clock give the same history however often `tick` runs.
 *
 * @module
 */
import { createRandom, hashString, type Random } from '../random.js';
import { createPod, deletePod, restartContainer, type PodContext } from './pods.js';
import type { NodeState, PodState } from './state.js';
import { toWholeSeconds } from './time.js';
import { cronJobObject, jobObject } from './workload-objects.js';
import { addJob, CRON_SCHEDULE, cronJobRunName, podOwner } from './workloads.js';

/** At most this many events per tick; a clock jump past that skips the rest. */
export const MAX_EVENTS_PER_TICK = 10_000;

interface Schedule {
  readonly intervalMs: number;
  readonly random: Random;
  /** Index of the next event (event k is due at start + k × interval). */
  next: number;
}

/** The churn schedules of one cluster. */
export interface Churn {
  readonly startMs: number;
  readonly replacements: Schedule | undefined;
  readonly restarts: Schedule | undefined;
}

function schedule(perMinute: number, seed: number, stream: string): Schedule | undefined {
  return perMinute > 0 ? { intervalMs: 60_000 / perMinute, random: createRandom(hashString(stream, seed)), next: 1 } : undefined;
}

/** Churn schedules starting at `startMs`. */
export function createChurn(seed: number, startMs: number, podsPerMinute: number, restartsPerMinute: number): Churn {
  return {
    startMs,
    replacements: schedule(podsPerMinute, seed, 'churn/pods'),
    restarts: schedule(restartsPerMinute, seed, 'churn/restarts'),
  };
}

function dueAt(churn: Churn, entry: Schedule | undefined): number {
  return entry ? churn.startMs + entry.next * entry.intervalMs : Infinity;
}

function pickPod(nodes: readonly NodeState[], random: Random): PodState | undefined {
  const node = nodes[Math.floor(random() * nodes.length)];
  if (!node || node.pods.length === 0) return undefined;
  return node.pods[Math.floor(random() * node.pods.length)];
}

function replacePod(context: PodContext, random: Random, pod: PodState, atMs: number): void {
  const node = context.nodes[pod.nodeIndex] as NodeState;
  const slot = node.pods.indexOf(pod);
  const { workload } = pod;
  deletePod(context, pod, atMs);
  let job = pod.job;
  if (workload.template.kind === 'CronJob' && job) {
    // A CronJob pod is replaced by the next scheduled run: a new Job, the old one cleaned up.
    const finished = job;
    workload.jobs = workload.jobs.filter((run) => run !== finished);
    context.store.remove('jobs', workload.namespace, finished.name);
    let scheduledMs = Math.floor(atMs / 60_000) * 60_000;
    while (workload.jobs.some((run) => run.name === cronJobRunName(workload, scheduledMs))) scheduledMs += 60_000;
    job = addJob(random, workload, cronJobRunName(workload, scheduledMs), atMs);
    job.activePods = 1;
    context.store.upsert('jobs', jobObject(job));
    context.store.upsert('cronjobs', cronJobObject(workload, CRON_SCHEDULE));
  }
  createPod(context, random, { workload, owner: podOwner(workload, job), job, node, startMs: atMs, ordinal: pod.ordinal, slot });
}

/** Applies every churn event due by `nowMs`; returns how many were applied. */
export function applyDueChurn(churn: Churn, context: PodContext, nowMs: number): number {
  let applied = 0;
  for (;;) {
    const replacementMs = dueAt(churn, churn.replacements);
    const restartMs = dueAt(churn, churn.restarts);
    const nextMs = Math.min(replacementMs, restartMs);
    if (nextMs > nowMs) return applied;
    if (applied >= MAX_EVENTS_PER_TICK) break;
    const atMs = toWholeSeconds(nextMs);
    if (replacementMs <= restartMs && churn.replacements) {
      const pod = pickPod(context.nodes, churn.replacements.random);
      if (pod) replacePod(context, churn.replacements.random, pod, atMs);
      churn.replacements.next++;
    } else if (churn.restarts) {
      const { random } = churn.restarts;
      const pod = pickPod(context.nodes, random);
      const container = pod?.containers[Math.floor(random() * pod.containers.length)];
      if (pod && container) restartContainer(context, pod, container, atMs);
      churn.restarts.next++;
    }
    applied++;
  }
  // Too far behind: skip to now rather than stall the event loop replaying hours of churn.
  for (const entry of [churn.replacements, churn.restarts]) {
    if (entry) entry.next = Math.max(entry.next, Math.floor((nowMs - churn.startMs) / entry.intervalMs) + 1);
  }
  return applied;
}
