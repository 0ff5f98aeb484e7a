/**
 * The label catalogue (heapster-reference §2.3): set labels, metric labels, and the groups
 * the metric-export API and the InfluxDB sink use.
 *
 * @module
 */

/** A label key with its description, as `/api/v1/metric-export-schema` shows it. */
export interface LabelDescriptor {
  key: string;
  description: string;
}

/** Label keys, named as Heapster named them. */
export const Label = {
  Type: 'type',
  NodeName: 'nodename',
  Hostname: 'hostname',
  HostId: 'host_id',
  Schedulable: 'schedulable',
  ContainerName: 'container_name',
  ContainerBaseImage: 'container_base_image',
  PodName: 'pod_name',
  PodId: 'pod_id',
  NamespaceName: 'namespace_name',
  NamespaceId: 'namespace_id',
  Labels: 'labels',
  ResourceId: 'resource_id',
  AcceleratorMake: 'make',
  AcceleratorModel: 'model',
  AcceleratorId: 'accelerator_id',
  /** Heapgraph's own: workload kind and name on workload sets. */
  WorkloadKind: 'workload_kind',
  WorkloadName: 'workload_name',
} as const;

function d(key: string, description: string): LabelDescriptor {
  return { key, description };
}

/** `nodename`, `hostname`, `host_id`. */
export const commonLabels: readonly LabelDescriptor[] = [
  d(Label.NodeName, 'nodename where the container ran'),
  d(Label.Hostname, 'Hostname where the container ran'),
  d(Label.HostId, 'Identifier specific to a host. Set by cloud provider or user'),
];

/** `container_name`, `container_base_image`. */
export const containerLabels: readonly LabelDescriptor[] = [
  d(Label.ContainerName, 'User-provided name of the container or full container name for system containers'),
  d(Label.ContainerBaseImage, 'Base image used by the container'),
];

/** `pod_name`, `pod_id`, `namespace_id`, `labels`. */
export const podLabels: readonly LabelDescriptor[] = [
  d(Label.PodName, 'The name of the pod'),
  d(Label.PodId, 'The unique ID of the pod'),
  d(Label.NamespaceId, 'The UID of namespace of the pod'),
  d(Label.Labels, 'Comma-separated list of user-provided labels'),
];

/** `resource_id`. */
export const metricLabels: readonly LabelDescriptor[] = [
  d(Label.ResourceId, 'Identifier(s) specific to a metric'),
];

/** `make`, `model`, `accelerator_id`. */
export const acceleratorLabels: readonly LabelDescriptor[] = [
  d(Label.AcceleratorMake, 'Make of the accelerator (nvidia, amd, google etc.)'),
  d(Label.AcceleratorModel, 'Model of the accelerator (tesla-p100, tesla-k80 etc.)'),
  d(Label.AcceleratorId, 'ID of the accelerator'),
];

/** Labels that only some sets carry, for the full catalogue. */
export const otherLabels: readonly LabelDescriptor[] = [
  d(Label.Type, 'Type of the metric set: cluster, node, ns, pod, pod_container, sys_container, workload'),
  d(Label.NamespaceName, 'The name of the namespace'),
  d(Label.Schedulable, 'Node schedulable status'),
  d(Label.WorkloadKind, 'Kind of the workload that owns the pods (Deployment, StatefulSet, DaemonSet, Job, CronJob)'),
  d(Label.WorkloadName, 'Name of the workload that owns the pods'),
];

/** Every label Heapgraph sets, once each. */
export const allLabels: readonly LabelDescriptor[] = [
  ...commonLabels,
  ...containerLabels,
  ...podLabels,
  ...metricLabels,
  ...acceleratorLabels,
  ...otherLabels,
];

/** Label keys the metric-export API passes through (common ∪ container ∪ pod, §1.5). */
export const exportedLabelKeys: ReadonlySet<string> = new Set(
  [...commonLabels, ...containerLabels, ...podLabels].map((l) => l.key),
);
