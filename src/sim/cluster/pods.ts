/**
 * Creating and deleting pods: the compact state, its IP and name, and its object in the store.
 * Shared by the initial build and by churn, so replacement pods look like the originals.
 *
 * @module
 */
import type { SimObjectStore } from '../types.js';
import { randomBetween, randomInt, randomSuffix, randomUid, type Random } from '../random.js';
import { podObject } from './pod-object.js';
import type { ContainerState, JobState, NodeState, PodOwner, PodState, WorkloadState } from './state.js';
import { toWholeSeconds } from './time.js';
import { retireContainer, retirePod } from './usage.js';

/** Per-cluster counters shared by build and churn. */
export interface PodContext {
  readonly store: SimObjectStore;
  readonly nodes: NodeState[];
  podCount: number;
}

/** Where and when a new pod runs, and who owns it. */
export interface PodPlacement {
  readonly workload: WorkloadState;
  readonly owner: PodOwner;
  readonly job: JobState | undefined;
  readonly node: NodeState;
  readonly startMs: number;
  /** StatefulSet ordinal, or -1 for generated names. */
  readonly ordinal: number;
  /** Index in `node.pods` to take over (a replacement), or undefined to append. */
  readonly slot?: number;
  /**
   * Initial build only: containers start a few seconds after the pod and some have restarted
   * before this instant. Replacement pods start their containers at once.
   */
  readonly withHistoryBeforeMs?: number;
}

function podName(context: PodContext, random: Random, placement: PodPlacement): string {
  const { workload, owner, ordinal } = placement;
  if (ordinal >= 0) return `${workload.name}-${ordinal}`;
  for (;;) {
    const name = `${owner.name}-${randomSuffix(random, 5)}`;
    if (!context.store.get('pods', workload.namespace, name)) return name;
  }
}

/** The next free address of the node's /24 (.2 – .254, as IPAM hands them out, wrapping). */
function nextPodIp(node: NodeState): string {
  for (;;) {
    const octet = node.nextPodIp;
    node.nextPodIp = octet >= 254 ? 2 : octet + 1;
    const ip = `${node.podIpPrefix}${octet}`;
    // At most 250 pods (plus the one being replaced) hold addresses, so a free one comes up.
    if (!node.pods.some((pod) => pod.ip === ip)) return ip;
  }
}

/** Creates a running pod, adds it to its node and writes it to the store. */
export function createPod(context: PodContext, random: Random, placement: PodPlacement): PodState {
  const { workload, node, startMs } = placement;
  const historyBefore = placement.withHistoryBeforeMs;
  const containers: ContainerState[] = workload.template.containers.map((template) => ({
    template,
    cpuCores: randomBetween(random, ...template.cpuCores),
    workingSetBytes: randomBetween(random, ...template.workingSetBytes),
    rootfsBytes: randomBetween(random, ...template.rootfsBytes),
    logsBytes: randomBetween(random, ...template.logsBytes),
    phase: random(),
    startMs: toWholeSeconds(startMs + (historyBefore === undefined ? 0 : randomInt(random, 1, 8) * 1000)),
    restartCount: 0,
    lastStartMs: 0,
  }));
  const rxBytesPerSecond = randomBetween(random, 500, 50_000);
  const pod: PodState = {
    workload,
    owner: placement.owner,
    job: placement.job,
    name: podName(context, random, placement),
    uid: randomUid(random),
    nodeIndex: node.index,
    ip: nextPodIp(node),
    startMs: toWholeSeconds(startMs),
    ordinal: placement.ordinal,
    tokenSuffix: randomSuffix(random, 5),
    phase: random(),
    rxBytesPerSecond,
    txBytesPerSecond: rxBytesPerSecond * randomBetween(random, 0.1, 0.8),
    volumeBytes: workload.template.volumes.map((volume) => randomBetween(random, ...volume.usedBytes)),
    containers,
    retiredCpuCoreSeconds: 0,
    retiredPageFaults: 0,
  };
  if (historyBefore !== undefined) {
    for (const container of containers) {
      // One container in twenty has crashed a few times before the simulation starts.
      if (random() >= 0.05 || container.startMs + 60_000 >= historyBefore) continue;
      const restartedMs = toWholeSeconds(randomBetween(random, container.startMs + 60_000, historyBefore));
      retireContainer(pod, container, restartedMs);
      container.lastStartMs = container.startMs;
      container.startMs = restartedMs;
      container.restartCount = randomInt(random, 1, 4);
    }
  }
  if (placement.slot === undefined) node.pods.push(pod);
  else node.pods[placement.slot] = pod;
  context.podCount++;
  context.store.upsert('pods', podObject(pod, node));
  return pod;
}

/** Deletes a pod from the store; its consumption moves to the node's retired totals. */
export function deletePod(context: PodContext, pod: PodState, atMs: number): void {
  const node = context.nodes[pod.nodeIndex] as NodeState;
  retirePod(node, pod, atMs);
  context.store.remove('pods', pod.workload.namespace, pod.name);
  context.podCount--;
}

/** Restarts one container: counters restart from zero, restartCount goes up, the pod is updated. */
export function restartContainer(context: PodContext, pod: PodState, container: ContainerState, atMs: number): void {
  retireContainer(pod, container, atMs);
  container.lastStartMs = container.startMs;
  container.startMs = atMs;
  container.restartCount++;
  context.store.upsert('pods', podObject(pod, context.nodes[pod.nodeIndex] as NodeState));
}
