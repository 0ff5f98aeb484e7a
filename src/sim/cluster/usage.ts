/**
 * The usage model: what each container, pod and node consumes at a given instant.
 *
 * CPU, page faults and network bytes are integrals of a positive rate that wiggles on two
 * waves, so counters are exact closed forms, advance with time and never go back. Memory and
 * filesystem figures are gauges on a slower wave. Pods sum their containers, nodes sum their
 * pods plus the kubelet and the host, and what deleted pods and restarted containers consumed
 * is kept in `retired*` fields so every aggregate stays monotonic under churn.
 *
 * @module
 */
import type { ContainerState, NodeState, PodState } from './state.js';

const TAU = 2 * Math.PI;
const PAGE_BYTES = 4096;

/** Slow and fast CPU waves: period in seconds and relative amplitude (sum < 1 keeps rates positive). */
const SLOW_PERIOD_S = 600;
const SLOW_AMPLITUDE = 0.35;
const FAST_PERIOD_S = 97;
const FAST_AMPLITUDE = 0.15;
/** Memory and filesystem gauges drift on a 15-minute wave. */
const GAUGE_PERIOD_S = 900;
const MEMORY_AMPLITUDE = 0.1;
const FS_AMPLITUDE = 0.05;
/** Page faults per second: a floor plus one per 64 MiB of working set. */
const FAULTS_PER_SECOND_BASE = 0.2;
const FAULT_BYTES = 64 * 2 ** 20;
const MAJOR_FAULT_RATIO = 50_000;

/** The rate multiplier at `atS` (epoch seconds); always in [0.5, 1.5]. */
export function rateFactor(phase: number, atS: number): number {
  return (
    1 +
    SLOW_AMPLITUDE * Math.sin(TAU * (atS / SLOW_PERIOD_S + phase)) +
    FAST_AMPLITUDE * Math.sin(TAU * (atS / FAST_PERIOD_S + 2 * phase))
  );
}

/** ∫ rateFactor from `fromS` to `toS` (seconds of full-rate time); 0 when toS ≤ fromS. */
export function rateIntegral(phase: number, fromS: number, toS: number): number {
  if (toS <= fromS) return 0;
  const slow =
    ((SLOW_AMPLITUDE * SLOW_PERIOD_S) / TAU) *
    (Math.cos(TAU * (fromS / SLOW_PERIOD_S + phase)) - Math.cos(TAU * (toS / SLOW_PERIOD_S + phase)));
  const fast =
    ((FAST_AMPLITUDE * FAST_PERIOD_S) / TAU) *
    (Math.cos(TAU * (fromS / FAST_PERIOD_S + 2 * phase)) - Math.cos(TAU * (toS / FAST_PERIOD_S + 2 * phase)));
  // Each term is bounded, and the derivative stays ≥ 0.5, so the sum is ≥ 0 for toS > fromS.
  return Math.max(0, toS - fromS + slow + fast);
}

function gauge(level: number, amplitude: number, phase: number, atS: number): number {
  return level * (1 + amplitude * Math.sin(TAU * (atS / GAUGE_PERIOD_S + phase)));
}

function pages(bytes: number): number {
  return Math.floor(bytes / PAGE_BYTES) * PAGE_BYTES;
}

/** CPU and memory figures of one cgroup at one instant. */
export interface CpuMemorySample {
  /** Cumulative CPU time in core-seconds (not rounded). */
  cpuCoreSeconds: number;
  cpuNanoCores: number;
  workingSetBytes: number;
  usageBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
  /** Limit minus working set, when the cgroup has a memory limit. */
  availableBytes: number | undefined;
}

/** Used bytes and inodes of one filesystem view. */
export interface FsSample {
  usedBytes: number;
  inodesUsed: number;
}

/** One container at one instant. */
export interface ContainerSample extends CpuMemorySample {
  readonly container: ContainerState;
  rootfs: FsSample;
  logs: FsSample;
}

/** One pod at one instant. */
export interface PodSample extends CpuMemorySample {
  readonly pod: PodState;
  containers: ContainerSample[];
  rxBytes: number;
  txBytes: number;
  /** Per volume template, then the token volume last. */
  volumes: FsSample[];
  ephemeral: FsSample;
}

/** One node at one instant, with its pods and system containers. */
export interface NodeSample extends CpuMemorySample {
  readonly node: NodeState;
  readonly atMs: number;
  pods: PodSample[];
  kubelet: CpuMemorySample;
  /** The `pods` system container: every pod, including deleted ones' CPU. */
  podsTotal: CpuMemorySample;
  rxBytes: number;
  txBytes: number;
  fs: FsSample;
  imageFs: FsSample;
  processCount: number;
}

function fs(usedBytes: number): FsSample {
  return { usedBytes, inodesUsed: 1 + Math.floor(usedBytes / 8192) };
}

function fsGauge(level: number, phase: number, atS: number): FsSample {
  return fs(Math.max(PAGE_BYTES, pages(gauge(level, FS_AMPLITUDE, phase, atS))));
}

/** CPU core-seconds of the current container instance (since its start). */
export function containerCpuCoreSeconds(container: ContainerState, atMs: number): number {
  return container.cpuCores * rateIntegral(container.phase, container.startMs / 1000, atMs / 1000);
}

/** Page faults of the current container instance (since its start). */
export function containerPageFaults(container: ContainerState, atMs: number): number {
  const elapsedS = Math.max(0, (atMs - container.startMs) / 1000);
  const rate = FAULTS_PER_SECOND_BASE + container.workingSetBytes / FAULT_BYTES;
  return Math.floor(container.workingSetBytes / (4 * PAGE_BYTES) + rate * elapsedS);
}

/** One container's figures at `atMs`. */
export function sampleContainer(container: ContainerState, atMs: number): ContainerSample {
  const atS = atMs / 1000;
  const workingSetBytes = pages(gauge(container.workingSetBytes, MEMORY_AMPLITUDE, container.phase, atS));
  const pageFaults = containerPageFaults(container, atMs);
  const limit = container.template.memoryLimitBytes;
  return {
    container,
    cpuCoreSeconds: containerCpuCoreSeconds(container, atMs),
    cpuNanoCores: Math.round(container.cpuCores * rateFactor(container.phase, atS) * 1e9),
    workingSetBytes,
    usageBytes: workingSetBytes + pages(container.workingSetBytes * 0.03),
    rssBytes: pages(workingSetBytes * 0.92),
    pageFaults,
    majorPageFaults: Math.floor(pageFaults / MAJOR_FAULT_RATIO),
    availableBytes: limit === undefined ? undefined : limit - workingSetBytes,
    rootfs: fsGauge(container.rootfsBytes, container.phase, atS),
    logs: fsGauge(container.logsBytes, container.phase + 0.5, atS),
  };
}

/** The pause container's share: what a pod uses beyond its containers. */
const SANDBOX_CPU_CORES = 0.0001;
const SANDBOX_WORKING_SET_BYTES = 45 * PAGE_BYTES;

function emptyCpuMemory(): CpuMemorySample {
  return {
    cpuCoreSeconds: 0,
    cpuNanoCores: 0,
    workingSetBytes: 0,
    usageBytes: 0,
    rssBytes: 0,
    pageFaults: 0,
    majorPageFaults: 0,
    availableBytes: undefined,
  };
}

function addCpuMemory(total: CpuMemorySample, part: CpuMemorySample): void {
  total.cpuCoreSeconds += part.cpuCoreSeconds;
  total.cpuNanoCores += part.cpuNanoCores;
  total.workingSetBytes += part.workingSetBytes;
  total.usageBytes += part.usageBytes;
  total.rssBytes += part.rssBytes;
  total.pageFaults += part.pageFaults;
  total.majorPageFaults += part.majorPageFaults;
}

/** Network bytes of a pod since its start: [rx, tx]. */
export function podNetworkBytes(pod: PodState, atMs: number): [number, number] {
  const integral = rateIntegral(pod.phase + 0.25, pod.startMs / 1000, atMs / 1000);
  return [Math.floor(pod.rxBytesPerSecond * integral), Math.floor(pod.txBytesPerSecond * integral)];
}

/** One pod's figures at `atMs`, containers included. */
export function samplePod(pod: PodState, atMs: number): PodSample {
  const atS = atMs / 1000;
  const containers: ContainerSample[] = [];
  let cpuCoreSeconds = pod.retiredCpuCoreSeconds + SANDBOX_CPU_CORES * rateIntegral(pod.phase, pod.startMs / 1000, atS);
  let cpuNanoCores = Math.round(SANDBOX_CPU_CORES * 1e9);
  let workingSetBytes = SANDBOX_WORKING_SET_BYTES;
  let usageBytes = SANDBOX_WORKING_SET_BYTES;
  let rssBytes = 0;
  let pageFaults = pod.retiredPageFaults;
  let limitSum = 0;
  let everyContainerLimited = true;
  let ephemeralBytes = 0;
  for (const container of pod.containers) {
    const sample = sampleContainer(container, atMs);
    containers.push(sample);
    cpuCoreSeconds += sample.cpuCoreSeconds;
    cpuNanoCores += sample.cpuNanoCores;
    workingSetBytes += sample.workingSetBytes;
    usageBytes += sample.usageBytes;
    rssBytes += sample.rssBytes;
    pageFaults += sample.pageFaults;
    const limit = container.template.memoryLimitBytes;
    if (limit === undefined) everyContainerLimited = false;
    else limitSum += limit;
    ephemeralBytes += sample.rootfs.usedBytes + sample.logs.usedBytes;
  }
  const volumes: FsSample[] = [];
  const templates = pod.workload.template.volumes;
  for (let i = 0; i < templates.length; i++) {
    const sample = fsGauge(pod.volumeBytes[i] ?? PAGE_BYTES, pod.phase + i / 7, atS);
    volumes.push(sample);
    if (templates[i]?.source === 'emptyDir') ephemeralBytes += sample.usedBytes;
  }
  volumes.push(fs(3 * PAGE_BYTES));
  const [rxBytes, txBytes] = podNetworkBytes(pod, atMs);
  return {
    pod,
    cpuCoreSeconds,
    cpuNanoCores,
    workingSetBytes,
    usageBytes,
    rssBytes,
    pageFaults,
    majorPageFaults: Math.floor(pageFaults / MAJOR_FAULT_RATIO),
    availableBytes: everyContainerLimited ? limitSum - workingSetBytes : undefined,
    containers,
    rxBytes,
    txBytes,
    volumes,
    ephemeral: fs(ephemeralBytes),
  };
}

/** What a pod has consumed in total, added to its node when the pod is deleted. */
export function retirePod(node: NodeState, pod: PodState, atMs: number): void {
  const sample = samplePod(pod, atMs);
  node.retiredCpuCoreSeconds += sample.cpuCoreSeconds;
  node.retiredPageFaults += sample.pageFaults;
  node.retiredRxBytes += sample.rxBytes;
  node.retiredTxBytes += sample.txBytes;
}

/** What a container instance consumed, added to its pod when the container restarts. */
export function retireContainer(pod: PodState, container: ContainerState, atMs: number): void {
  pod.retiredCpuCoreSeconds += containerCpuCoreSeconds(container, atMs);
  pod.retiredPageFaults += containerPageFaults(container, atMs);
}

function systemCgroup(cores: number, workingSetBytes: number, phase: number, startMs: number, atMs: number): CpuMemorySample {
  const atS = atMs / 1000;
  const ws = pages(gauge(workingSetBytes, MEMORY_AMPLITUDE, phase, atS));
  const pageFaults = Math.floor(
    workingSetBytes / (4 * PAGE_BYTES) + (FAULTS_PER_SECOND_BASE + workingSetBytes / FAULT_BYTES) * Math.max(0, (atMs - startMs) / 1000),
  );
  return {
    cpuCoreSeconds: cores * rateIntegral(phase, startMs / 1000, atS),
    cpuNanoCores: Math.round(cores * rateFactor(phase, atS) * 1e9),
    workingSetBytes: ws,
    usageBytes: ws + pages(workingSetBytes * 0.02),
    rssBytes: pages(ws * 0.93),
    pageFaults,
    majorPageFaults: Math.floor(pageFaults / MAJOR_FAULT_RATIO),
    availableBytes: undefined,
  };
}

/** When the kubelet started, relative to node boot. */
export const KUBELET_START_DELAY_MS = 25_000;
/** When the `pods` cgroup was created, relative to node boot. */
export const PODS_CGROUP_START_DELAY_MS = 20_000;
/** Page cache on the node counted in memory usage but not in the working set. */
const NODE_PAGE_CACHE_SHARE = 0.12;

/** Allocatable memory: capacity minus what the kubelet reserves for the system. */
export function allocatableMemoryBytes(node: NodeState): number {
  return node.memoryBytes - 512 * 2 ** 20;
}

/** A node's figures at `atMs`: pods, system containers and the node itself. */
export function sampleNode(node: NodeState, atMs: number): NodeSample {
  const atS = atMs / 1000;
  const pods: PodSample[] = [];
  const podsTotal = emptyCpuMemory();
  let rxBytes = node.retiredRxBytes;
  let txBytes = node.retiredTxBytes;
  let fsUsed = node.fsBaseUsedBytes;
  let containerCount = 0;
  for (const pod of node.pods) {
    const sample = samplePod(pod, atMs);
    pods.push(sample);
    addCpuMemory(podsTotal, sample);
    rxBytes += sample.rxBytes;
    txBytes += sample.txBytes;
    fsUsed += sample.ephemeral.usedBytes;
    containerCount += pod.containers.length;
  }
  podsTotal.cpuCoreSeconds += node.retiredCpuCoreSeconds;
  podsTotal.pageFaults += node.retiredPageFaults;
  podsTotal.majorPageFaults = Math.floor(podsTotal.pageFaults / MAJOR_FAULT_RATIO);
  podsTotal.availableBytes = allocatableMemoryBytes(node) - podsTotal.workingSetBytes;

  const kubelet = systemCgroup(node.kubeletCpuCores, node.kubeletWorkingSetBytes, node.phase, node.startMs + KUBELET_START_DELAY_MS, atMs);
  const host = systemCgroup(node.hostCpuCores, node.hostWorkingSetBytes, node.phase + 0.5, node.startMs, atMs);
  const total = emptyCpuMemory();
  addCpuMemory(total, podsTotal);
  addCpuMemory(total, kubelet);
  addCpuMemory(total, host);
  total.usageBytes += pages(node.memoryBytes * NODE_PAGE_CACHE_SHARE * (1 + 0.2 * Math.sin(TAU * (atS / GAUGE_PERIOD_S + node.phase))));
  total.majorPageFaults = Math.floor(total.pageFaults / MAJOR_FAULT_RATIO);
  total.availableBytes = node.memoryBytes - total.workingSetBytes;

  const hostNetwork = rateIntegral(node.phase + 0.75, node.startMs / 1000, atS);
  rxBytes += Math.floor(node.hostRxBytesPerSecond * hostNetwork);
  txBytes += Math.floor(node.hostTxBytesPerSecond * hostNetwork);
  return {
    ...total,
    node,
    atMs,
    pods,
    kubelet,
    podsTotal,
    rxBytes,
    txBytes,
    fs: fs(pages(fsUsed)),
    imageFs: fs(node.imageFsUsedBytes),
    processCount: 180 + 4 * containerCount + Math.floor(20 * rateFactor(node.phase, atS)),
  };
}
