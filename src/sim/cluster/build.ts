/**
 * Builds the initial cluster: namespaces, nodes, DaemonSets on every node, kube-system
 * Deployments, then application workloads drawn by weight until every node holds exactly
 * `podsPerNode` pods. Consecutive replicas land on consecutive nodes, so workloads spread.
 *
 * @module
 */
import type { SimObjectStore } from '../types.js';
import { createRandom, hashString, pick, randomBetween, randomHex, randomInt, randomUid, type Random } from '../random.js';
import { nodeAddress, nodeName } from './addresses.js';
import { appWorkloadTemplates } from './app-templates.js';
import { appNamespaceNames, nodeSizes, systemNamespaceNames, zones, type WorkloadTemplate } from './catalogue.js';
import { namespaceObject, nodeObject } from './node-object.js';
import { createPod, type PodContext } from './pods.js';
import type { NodeState, WorkloadState } from './state.js';
import { daemonSetNamespaces, daemonSetTemplates, systemDeploymentTemplates } from './system-templates.js';
import { toWholeSeconds } from './time.js';
import { addJob, createWorkload, CRON_INTERVAL_MS, cronJobRunName, podOwner, publishWorkload } from './workloads.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const GiB = 2 ** 30;
/** Application pods per application namespace, roughly. */
const PODS_PER_APP_NAMESPACE = 2_000;

/** What the build needs. */
export interface BuildParameters {
  readonly nodes: number;
  readonly podsPerNode: number;
  readonly seed: number;
  readonly kubeletPort: number;
  readonly podsCapacity: number;
  readonly nowMs: number;
  readonly store: SimObjectStore;
}

/** The built cluster's state. */
export interface BuiltCluster {
  readonly context: PodContext;
  readonly workloads: WorkloadState[];
}

/** How many DaemonSets run, given the pods each node holds. */
export function daemonSetCount(podsPerNode: number): number {
  return podsPerNode === 0 ? 0 : Math.min(daemonSetTemplates.length, Math.max(1, Math.floor(podsPerNode / 4)));
}

function appNamespaces(count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = appNamespaceNames[i % appNamespaceNames.length] as string;
    const round = Math.floor(i / appNamespaceNames.length);
    names.push(round === 0 ? base : `${base}-${round + 1}`);
  }
  return names;
}

function nextPowerOfTwo(value: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, value)));
}

function createNode(random: Random, index: number, parameters: BuildParameters): NodeState {
  const size = pick(random, nodeSizes);
  const memoryGiB = Math.max(size.memoryGiB, nextPowerOfTwo(parameters.podsPerNode / 2 + 4));
  return {
    index,
    name: nodeName(index, parameters.nodes),
    address: nodeAddress(index),
    uid: randomUid(random),
    startMs: toWholeSeconds(parameters.nowMs - randomInt(random, 2 * HOUR_MS, 6 * DAY_MS)),
    instanceType: size.instanceType,
    zone: zones[index % zones.length] as string,
    cpuCores: size.cpuCores,
    memoryBytes: memoryGiB * GiB,
    fsCapacityBytes: (100 + 2 * parameters.podsPerNode) * GiB,
    fsBaseUsedBytes: Math.floor(randomBetween(random, 8, 20) * GiB),
    imageFsUsedBytes: Math.floor(randomBetween(random, 1, 4) * GiB),
    podIpPrefix: `10.${(index >> 8) & 255}.${index & 255}.`,
    bootId: randomUid(random),
    machineId: randomHex(random, 32),
    phase: random(),
    hostCpuCores: randomBetween(random, 0.05, 0.2),
    hostWorkingSetBytes: randomBetween(random, 300, 700) * 2 ** 20,
    kubeletCpuCores: randomBetween(random, 0.02, 0.06),
    kubeletWorkingSetBytes: randomBetween(random, 40, 90) * 2 ** 20,
    hostRxBytesPerSecond: randomBetween(random, 2_000, 50_000),
    hostTxBytesPerSecond: randomBetween(random, 1_000, 20_000),
    pods: [],
    nextPodIp: 2,
    retiredCpuCoreSeconds: 0,
    retiredPageFaults: 0,
    retiredRxBytes: 0,
    retiredTxBytes: 0,
  };
}

function pickWeighted(random: Random, templates: readonly WorkloadTemplate[]): WorkloadTemplate {
  const total = templates.reduce((sum, template) => sum + template.weight, 0);
  let point = random() * total;
  for (const template of templates) {
    point -= template.weight;
    if (point < 0) return template;
  }
  return templates[templates.length - 1] as WorkloadTemplate;
}

/** Builds every object of a new cluster into the store. */
export function buildCluster(parameters: BuildParameters): BuiltCluster {
  const { nodes: nodeCount, podsPerNode, nowMs, store } = parameters;
  const random = createRandom(hashString('cluster', parameters.seed));
  const workloadsCreatedMs = () => toWholeSeconds(nowMs - 7 * DAY_MS - randomInt(random, 0, DAY_MS));

  const appPods = nodeCount * podsPerNode;
  const apps = appNamespaces(Math.min(60, Math.max(3, Math.ceil(appPods / PODS_PER_APP_NAMESPACE))));
  [...systemNamespaceNames, ...apps].forEach((name, i) => {
    store.upsert('namespaces', namespaceObject(name, randomUid(random), toWholeSeconds(nowMs - 10 * DAY_MS + i * MINUTE_MS)));
  });

  const nodes: NodeState[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const node = createNode(random, i, parameters);
    nodes.push(node);
    store.upsert('nodes', nodeObject(node, parameters.kubeletPort, parameters.podsCapacity));
  }

  const context: PodContext = { store, nodes, podCount: 0 };
  const workloads: WorkloadState[] = [];
  const podStartMs = (node: NodeState, workload: WorkloadState) =>
    randomBetween(random, Math.max(node.startMs + MINUTE_MS, workload.createdMs + 5_000), nowMs - 30_000);

  for (const template of daemonSetTemplates.slice(0, daemonSetCount(podsPerNode))) {
    const workload = createWorkload(random, template, daemonSetNamespaces[template.baseName] ?? 'kube-system', template.baseName, workloadsCreatedMs());
    workload.replicas = nodeCount;
    for (const node of nodes) {
      const placement = { workload, owner: podOwner(workload, undefined), job: undefined, node, ordinal: -1 };
      createPod(context, random, { ...placement, startMs: podStartMs(node, workload), withHistoryBeforeMs: nowMs - 10_000 });
    }
    workloads.push(workload);
  }

  let remaining = nodeCount * (podsPerNode - daemonSetCount(podsPerNode));
  let slot = 0;
  const nameCounters = new Map<string, number>();
  const place = (template: WorkloadTemplate, namespace: string, name: string) => {
    const workload = createWorkload(random, template, namespace, name, workloadsCreatedMs());
    const replicas = Math.min(remaining, randomInt(random, ...template.replicas));
    workload.replicas = replicas;
    remaining -= replicas;
    const standaloneJob = template.kind === 'Job' ? addJob(random, workload, name, workload.createdMs) : undefined;
    // The latest run at least a minute old, so its pod has surely started by now.
    const lastRunMs = Math.floor((nowMs - MINUTE_MS) / CRON_INTERVAL_MS) * CRON_INTERVAL_MS;
    for (let r = 0; r < replicas; r++) {
      const node = nodes[slot++ % nodeCount] as NodeState;
      let job = standaloneJob;
      let startMs = podStartMs(node, workload);
      if (template.kind === 'CronJob') {
        const scheduledMs = lastRunMs - (replicas - 1 - r) * CRON_INTERVAL_MS;
        job = addJob(random, workload, cronJobRunName(workload, scheduledMs), scheduledMs);
        startMs = scheduledMs + 2_000;
      }
      if (job) job.activePods++;
      const ordinal = template.kind === 'StatefulSet' ? r : -1;
      createPod(context, random, { workload, owner: podOwner(workload, job), job, node, startMs, ordinal, withHistoryBeforeMs: nowMs - 10_000 });
    }
    workloads.push(workload);
  };

  for (const template of systemDeploymentTemplates) {
    if (remaining > 0) place(template, 'kube-system', template.baseName);
  }
  while (remaining > 0) {
    const template = pickWeighted(random, appWorkloadTemplates);
    const namespace = pick(random, apps);
    const key = `${namespace}/${template.baseName}`;
    const counter = (nameCounters.get(key) ?? 0) + 1;
    nameCounters.set(key, counter);
    place(template, namespace, `${template.baseName}-${counter}`);
  }

  for (const workload of workloads) publishWorkload(store, workload);
  return { context, workloads };
}
