/**
 * The Pod object as the API server holds it for a running simulated pod: spec with resources,
 * labels and owner reference, status with container statuses, IPs and QoS class.
 *
 * @module
 */
import type { KubeObject } from '../types.js';
import { createRandom, hashString, randomHex } from '../random.js';
import type { WorkloadTemplate } from './catalogue.js';
import { containerSpec, defaultTolerations, imageId, ownerReference, restartPolicy, tokenVolumeSpec, volumeSpec } from './pod-spec.js';
import type { ContainerState, JobState, NodeState, PodState, WorkloadState } from './state.js';
import { toRfc3339 } from './time.js';

type Labels = Record<string, string>;

const qosByTemplate = new WeakMap<WorkloadTemplate, string>();

/** The pod QoS class as the kubelet computes it from requests and limits. */
export function qosClass(template: WorkloadTemplate): string {
  const cached = qosByTemplate.get(template);
  if (cached) return cached;
  let anySet = false;
  let guaranteed = true;
  for (const { resources } of template.containers) {
    const { requests = {}, limits = {} } = resources;
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) anySet = true;
    for (const resource of ['cpu', 'memory']) {
      const limit = limits[resource];
      const request = requests[resource] ?? limit;
      if (limit === undefined || request !== limit) guaranteed = false;
    }
  }
  const qos = !anySet ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable';
  qosByTemplate.set(template, qos);
  return qos;
}

/** Labels a pod of this workload carries (selector, template labels, controller labels). */
export function podLabels(workload: WorkloadState, pod: { name: string; job: JobState | undefined }): Labels {
  const labels: Labels = { ...workload.template.labels, ...workload.selector };
  switch (workload.template.kind) {
    case 'Deployment':
      labels['pod-template-hash'] = workload.revisionHash;
      break;
    case 'StatefulSet':
      labels['controller-revision-hash'] = `${workload.name}-${workload.revisionHash}`;
      labels['statefulset.kubernetes.io/pod-name'] = pod.name;
      break;
    case 'DaemonSet':
      labels['controller-revision-hash'] = workload.revisionHash;
      labels['pod-template-generation'] = '1';
      break;
    case 'Job':
    case 'CronJob':
      if (pod.job) {
        labels['controller-uid'] = pod.job.uid;
        labels['job-name'] = pod.job.name;
      }
      break;
  }
  return labels;
}

function containerId(pod: PodState, container: ContainerState, restartCount: number): string {
  return `containerd://${randomHex(createRandom(hashString(`${pod.uid}/${container.template.name}/${restartCount}`)), 64)}`;
}

function containerStatus(pod: PodState, container: ContainerState) {
  const { template } = container;
  const lastState =
    container.restartCount > 0
      ? {
          terminated: {
            containerID: containerId(pod, container, container.restartCount - 1),
            exitCode: 137,
            finishedAt: toRfc3339(container.startMs),
            reason: 'Error',
            startedAt: toRfc3339(container.lastStartMs),
          },
        }
      : {};
  return {
    containerID: containerId(pod, container, container.restartCount),
    image: template.image,
    imageID: imageId(template.image),
    lastState,
    name: template.name,
    ready: true,
    restartCount: container.restartCount,
    started: true,
    state: { running: { startedAt: toRfc3339(container.startMs) } },
  };
}

/** The Pod object, status included (`Running`, every container ready). */
export function podObject(pod: PodState, node: NodeState): KubeObject {
  const { workload } = pod;
  const { template } = workload;
  const tokenVolume = `kube-api-access-${pod.tokenSuffix}`;
  const created = toRfc3339(pod.startMs);
  const ready = toRfc3339(Math.max(...pod.containers.map((container) => container.startMs)));
  const condition = (type: string, at: string) => ({ lastProbeTime: null, lastTransitionTime: at, status: 'True', type });
  const generated = pod.ordinal < 0;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: created,
      ...(generated ? { generateName: pod.name.slice(0, pod.name.length - 5) } : {}),
      labels: podLabels(workload, pod),
      name: pod.name,
      namespace: workload.namespace,
      ownerReferences: ownerReference(pod.owner),
      uid: pod.uid,
    },
    spec: {
      containers: template.containers.map((container) => containerSpec(container, tokenVolume, template.volumes)),
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      ...(pod.ordinal >= 0 ? { hostname: pod.name, subdomain: workload.name } : {}),
      nodeName: node.name,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: template.priorityClassName === 'system-node-critical' ? 2000001000 : template.priorityClassName ? 2000000000 : 0,
      ...(template.priorityClassName ? { priorityClassName: template.priorityClassName } : {}),
      restartPolicy: restartPolicy(template.kind),
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: template.serviceAccountName,
      serviceAccountName: template.serviceAccountName,
      terminationGracePeriodSeconds: 30,
      tolerations: defaultTolerations(),
      volumes: [...template.volumes.map(volumeSpec), tokenVolumeSpec(tokenVolume)],
    },
    status: {
      conditions: [
        condition('Initialized', created),
        condition('Ready', ready),
        condition('ContainersReady', ready),
        condition('PodScheduled', created),
      ],
      containerStatuses: pod.containers.map((container) => containerStatus(pod, container)),
      hostIP: node.address,
      phase: 'Running',
      podIP: pod.ip,
      podIPs: [{ ip: pod.ip }],
      qosClass: qosClass(template),
      startTime: created,
    },
  };
}
