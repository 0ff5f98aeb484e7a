/**
 * Node and Namespace objects in the shapes of the 1.26 capture
 * (`kube-api/nodelist-k8s1.26-minikube-nri.json`, `namespacelist-…`): addresses, conditions,
 * capacity/allocatable, the kubelet endpoint, node info and image cache.
 *
 * @module
 */
import type { KubeObject } from '../types.js';
import { hashString } from '../random.js';
import { appWorkloadTemplates } from './app-templates.js';
import { imageId } from './pod-spec.js';
import { daemonSetTemplates, systemDeploymentTemplates } from './system-templates.js';
import type { NodeState } from './state.js';
import { toRfc3339 } from './time.js';
import { allocatableMemoryBytes } from './usage.js';

const allTemplates = [...daemonSetTemplates, ...systemDeploymentTemplates, ...appWorkloadTemplates];

let cachedImages: Array<{ names: string[]; sizeBytes: number }> | undefined;

/** Every image the catalogue runs, with a size derived from its name (a node's image cache). */
function nodeImages(): Array<{ names: string[]; sizeBytes: number }> {
  if (!cachedImages) {
    const images = new Set<string>();
    for (const template of allTemplates) for (const container of template.containers) images.add(container.image);
    cachedImages = [...images].map((image) => ({
      names: [`${image.split(':')[0]}@${imageId(image)}`, image],
      sizeBytes: 5_000_000 + (hashString(image) % 200_000_000),
    }));
  }
  return cachedImages.map((image) => ({ names: [...image.names], sizeBytes: image.sizeBytes }));
}

/** The Node object; `kubeletPort` goes to `status.daemonEndpoints`. */
export function nodeObject(node: NodeState, kubeletPort: number, podsCapacity: number): KubeObject {
  const started = toRfc3339(node.startMs);
  const ready = toRfc3339(node.startMs + 20_000);
  const ephemeralKi = Math.floor(node.fsCapacityBytes / 1024);
  const condition = (type: string, status: string, reason: string, message: string, transition: string) => ({
    lastHeartbeatTime: ready,
    lastTransitionTime: transition,
    message,
    reason,
    status,
    type,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
      creationTimestamp: started,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
        'node.kubernetes.io/instance-type': node.instanceType,
        'topology.kubernetes.io/region': 'sim-region',
        'topology.kubernetes.io/zone': node.zone,
      },
      name: node.name,
      uid: node.uid,
    },
    spec: {
      podCIDR: `${node.podIpPrefix}0/24`,
      podCIDRs: [`${node.podIpPrefix}0/24`],
      providerID: `sim://${node.name}`,
    },
    status: {
      addresses: [
        { address: node.address, type: 'InternalIP' },
        { address: node.name, type: 'Hostname' },
      ],
      allocatable: {
        cpu: `${node.cpuCores * 1000 - 100}m`,
        'ephemeral-storage': `${Math.floor(ephemeralKi * 0.9)}Ki`,
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${allocatableMemoryBytes(node) / 1024}Ki`,
        pods: String(podsCapacity),
      },
      capacity: {
        cpu: String(node.cpuCores),
        'ephemeral-storage': `${ephemeralKi}Ki`,
        'hugepages-1Gi': '0',
        'hugepages-2Mi': '0',
        memory: `${node.memoryBytes / 1024}Ki`,
        pods: String(podsCapacity),
      },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', started),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', started),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', started),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', ready),
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
      images: nodeImages(),
      nodeInfo: {
        architecture: 'amd64',
        bootID: node.bootId,
        containerRuntimeVersion: 'containerd://1.6.9',
        kernelVersion: '5.15.0-56-generic',
        kubeProxyVersion: 'v1.26.0',
        kubeletVersion: 'v1.26.0',
        machineID: node.machineId,
        operatingSystem: 'linux',
        osImage: 'Ubuntu 22.04.1 LTS',
        systemUUID: node.machineId,
      },
    },
  };
}

/** A Namespace object. */
export function namespaceObject(name: string, uid: string, createdMs: number): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      creationTimestamp: toRfc3339(createdMs),
      labels: { 'kubernetes.io/metadata.name': name },
      name,
      uid,
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
