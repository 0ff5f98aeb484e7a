/**
 * Renders a node's `/stats/summary` (stats/v1alpha1) with the fields, nesting and key order of
 * the kubelet 1.26 capture (`kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json`):
 * system containers `kubelet` and `pods`, network interfaces, node fs/imageFs/rlimit, container
 * rootfs/logs, pod volumes, ephemeral-storage and process_stats.
 *
 * @module
 */
import type { ContainerSample, CpuMemorySample, FsSample, NodeSample, PodSample } from '../cluster/usage.js';
import { KUBELET_START_DELAY_MS, PODS_CGROUP_START_DELAY_MS } from '../cluster/usage.js';
import { toRfc3339 } from '../cluster/time.js';

/** Bytes per inode on the simulated disks (ext4 default) and on tmpfs. */
const DISK_BYTES_PER_INODE = 16_384;
const TMPFS_BYTES_PER_INODE = 8_192;
/** Tunnel devices a containerd + CNI node shows next to eth0, as in the capture. */
const IDLE_INTERFACES = ['tunl0', 'ip6tnl0'] as const;

interface Disk {
  capacityBytes: number;
  availableBytes: number;
  inodes: number;
  inodesFree: number;
}

function cpu(time: string, sample: CpuMemorySample) {
  return { time, usageNanoCores: sample.cpuNanoCores, usageCoreNanoSeconds: Math.floor(sample.cpuCoreSeconds * 1e9) };
}

function memory(time: string, sample: CpuMemorySample) {
  return {
    time,
    ...(sample.availableBytes === undefined ? {} : { availableBytes: Math.max(0, sample.availableBytes) }),
    usageBytes: sample.usageBytes,
    workingSetBytes: sample.workingSetBytes,
    rssBytes: sample.rssBytes,
    pageFaults: sample.pageFaults,
    majorPageFaults: sample.majorPageFaults,
  };
}

function fsStats(time: string, disk: Disk, used: FsSample) {
  return {
    time,
    availableBytes: disk.availableBytes,
    capacityBytes: disk.capacityBytes,
    usedBytes: used.usedBytes,
    inodesFree: disk.inodesFree,
    inodes: disk.inodes,
    inodesUsed: used.inodesUsed,
  };
}

function network(time: string, rxBytes: number, txBytes: number) {
  const idle = IDLE_INTERFACES.map((name) => ({ name, rxBytes: 0, rxErrors: 0, txBytes: 0, txErrors: 0 }));
  return {
    time,
    name: 'eth0',
    rxBytes,
    rxErrors: 0,
    txBytes,
    txErrors: 0,
    interfaces: [...idle, { name: 'eth0', rxBytes, rxErrors: 0, txBytes, txErrors: 0 }],
  };
}

function container(time: string, disk: Disk, sample: ContainerSample) {
  return {
    name: sample.container.template.name,
    startTime: toRfc3339(sample.container.startMs),
    cpu: cpu(time, sample),
    memory: memory(time, sample),
    rootfs: fsStats(time, disk, sample.rootfs),
    logs: fsStats(time, disk, sample.logs),
  };
}

function pod(time: string, disk: Disk, tmpfs: Disk, sample: PodSample) {
  const { pod: state } = sample;
  const templates = state.workload.template.volumes;
  const volume = sample.volumes.map((used, i) => {
    const template = templates[i];
    const name = template ? template.name : `kube-api-access-${state.tokenSuffix}`;
    const onDisk = template?.source === 'emptyDir';
    return { ...fsStats(time, onDisk ? disk : tmpfs, used), name };
  });
  return {
    podRef: { name: state.name, namespace: state.workload.namespace, uid: state.uid },
    startTime: toRfc3339(state.startMs),
    containers: sample.containers.map((containerSample) => container(time, disk, containerSample)),
    cpu: cpu(time, sample),
    memory: memory(time, sample),
    network: network(time, sample.rxBytes, sample.txBytes),
    volume,
    'ephemeral-storage': fsStats(time, disk, sample.ephemeral),
    process_stats: { process_count: state.containers.length },
  };
}

/** The summary document as an object, keys in the kubelet's order. */
export function summaryDocument(sample: NodeSample) {
  const { node } = sample;
  const time = toRfc3339(sample.atMs);
  const diskInodes = Math.floor(node.fsCapacityBytes / DISK_BYTES_PER_INODE);
  const disk: Disk = {
    capacityBytes: node.fsCapacityBytes,
    availableBytes: Math.max(0, node.fsCapacityBytes - sample.fs.usedBytes - sample.imageFs.usedBytes),
    inodes: diskInodes,
    inodesFree: Math.max(0, diskInodes - sample.fs.inodesUsed - sample.imageFs.inodesUsed),
  };
  const tmpfsInodes = Math.floor(node.memoryBytes / TMPFS_BYTES_PER_INODE);
  const tmpfs: Disk = { capacityBytes: node.memoryBytes, availableBytes: node.memoryBytes - 3 * 4096, inodes: tmpfsInodes, inodesFree: tmpfsInodes - 9 };
  return {
    node: {
      nodeName: node.name,
      systemContainers: [
        {
          name: 'kubelet',
          startTime: toRfc3339(node.startMs + KUBELET_START_DELAY_MS),
          cpu: cpu(time, sample.kubelet),
          memory: memory(time, sample.kubelet),
        },
        {
          name: 'pods',
          startTime: toRfc3339(node.startMs + PODS_CGROUP_START_DELAY_MS),
          cpu: cpu(time, sample.podsTotal),
          memory: memory(time, sample.podsTotal),
        },
      ],
      startTime: toRfc3339(node.startMs),
      cpu: cpu(time, sample),
      memory: memory(time, sample),
      network: network(time, sample.rxBytes, sample.txBytes),
      fs: fsStats(time, disk, sample.fs),
      runtime: { imageFs: fsStats(time, disk, sample.imageFs) },
      rlimit: { time, maxpid: 4_194_304, curproc: sample.processCount },
    },
    pods: sample.pods.map((podSample) => pod(time, disk, tmpfs, podSample)),
  };
}

/**
 * The summary as the kubelet sends it: go-restful pretty-prints with `MarshalIndent(v, "", " ")`,
 * one space per level (as in the 1.35 capture; the 1.26 capture was re-indented with two).
 */
export function renderSummary(sample: NodeSample): string {
  return JSON.stringify(summaryDocument(sample), null, 1);
}
