/**
 * Namespaces, pods, containers, volumes and workloads: metrics from the model, metadata from the
 * pod and namespace caches (the metric set's labels stand in when the cache lacks an object).
 *
 * @module
 */
import type { V1Pod } from '@kubernetes/client-node';
import { Label } from '../../../core/labels.js';
import { parseIntQuantity, parseMilliQuantity, parseQuantity } from '../../../core/quantity.js';
import { checkMetric, resolveRange } from '../args.js';
import { paginate } from '../connection.js';
import type { OperationContext } from '../context.js';
import { containerRef, namespaceRef, nodeRef, podRef, workloadKindEnum } from '../entities.js';
import type { ContainerResolvers, NamespaceResolvers, PodResolvers, ResourcesResolvers, VolumeResolvers, WorkloadResolvers } from '../generated/types.js';
import { containersOf, ownerOf, podLabels, podsOf, podsOfWorkload } from '../indexes.js';
import { containerSpec, containerState, containerStatus, kubeTimeMs, labelList, labelsOf, resourceStrings, volumeSource } from '../kube.js';
import { metricEntityFields } from './metrics.js';
import { workloadList } from './query.js';

function kubePod(context: OperationContext, pod: { namespace: string; name: string }): V1Pod | undefined {
  return context.query.kube.getPod(pod.namespace, pod.name);
}

/** A namespace. */
export const namespaceResolvers: NamespaceResolvers<OperationContext> = {
  ...metricEntityFields,
  uid: (ns, _a, context) => context.query.kube.getNamespace(ns.name)?.metadata?.uid ?? context.query.entity(ns.key)?.labels[Label.NamespaceId] ?? null,
  labels: (ns, _a, context) => labelList(labelsOf(context.query.kube.getNamespace(ns.name)?.metadata?.labels, undefined)),
  phase: (ns, _a, context) => context.query.kube.getNamespace(ns.name)?.status?.phase ?? null,
  creationTimestamp: (ns, _a, context) => kubeTimeMs(context.query.kube.getNamespace(ns.name)?.metadata?.creationTimestamp),
  pods: (ns, args, context) => paginate(podsOf(context, ns.name), args, context, (pod) => podLabels(context, pod)),
  workloads: (ns, { kind, ...args }, context) => workloadList(ns.name, kind, args, context),
};

/** A pod. */
export const podResolvers: PodResolvers<OperationContext> = {
  ...metricEntityFields,
  namespace: (pod) => namespaceRef(pod.namespace),
  uid: (pod, _a, context) => kubePod(context, pod)?.metadata?.uid ?? context.query.entity(pod.key)?.labels[Label.PodId] ?? null,
  labels: (pod, _a, context) => labelList(podLabels(context, pod)),
  phase: (pod, _a, context) => kubePod(context, pod)?.status?.phase ?? null,
  qosClass: (pod, _a, context) => kubePod(context, pod)?.status?.qosClass ?? null,
  podIp: (pod, _a, context) => kubePod(context, pod)?.status?.podIP ?? null,
  hostIp: (pod, _a, context) => kubePod(context, pod)?.status?.hostIP ?? null,
  startTime: (pod, _a, context) => kubeTimeMs(kubePod(context, pod)?.status?.startTime),
  creationTimestamp: (pod, _a, context) => kubeTimeMs(kubePod(context, pod)?.metadata?.creationTimestamp),
  restartCount: (pod, _a, context) => {
    const statuses = kubePod(context, pod)?.status?.containerStatuses;
    return statuses ? statuses.reduce((sum, s) => sum + (s.restartCount ?? 0), 0) : null;
  },
  node: (pod, _a, context) => {
    // The node of a pod is spec data its namespace's readers see, but the Node object is not.
    if (!context.scope.nodes) return null;
    const name = kubePod(context, pod)?.spec?.nodeName ?? context.query.entity(pod.key)?.labels[Label.NodeName];
    return name ? nodeRef(name) : null;
  },
  ownerReferences: (pod, _a, context) => kubePod(context, pod)?.metadata?.ownerReferences ?? [],
  owner: (pod, _a, context) => ownerOf(context, pod),
  volumes: (pod, _a, context) => (kubePod(context, pod)?.spec?.volumes ?? []).map((spec) => ({ pod, name: spec.name, spec })),
  containers: (pod, _a, context) => {
    const names = (kubePod(context, pod)?.spec?.containers ?? []).map((c) => c.name);
    const seen = new Set(names);
    const measured = containersOf(context, pod);
    for (const container of measured) if (!seen.has(container.name)) names.push(container.name);
    return names.map((name) => containerRef(pod.namespace, pod.name, name));
  },
};

/** A pod's owner reference (client-node types `controller` as optional). */
export const ownerReferenceFields = {
  controller: (owner: { controller?: boolean }) => owner.controller === true,
};

/** A volume and its filesystem series (`resource_id` = `Volume:<name>`). */
export const volumeResolvers: VolumeResolvers<OperationContext> = {
  source: (volume) => volumeSource(volume.spec),
  resourceId: (volume) => `Volume:${volume.name}`,
  metric: async (volume, { name, range }, context) => {
    checkMetric(context.query, 'name', name, true);
    const key = { key: volume.pod.key, metric: name, ...resolveRange(range, context.query), labels: { [Label.ResourceId]: `Volume:${volume.name}` } };
    const [series] = await context.loaders.labeled.load(key);
    return series ? { ...series, name } : null;
  },
  latest: async (volume, { name }, context) => {
    checkMetric(context.query, 'name', name, true);
    const [series] = await context.loaders.labeled.load({ key: volume.pod.key, metric: name, labels: { [Label.ResourceId]: `Volume:${volume.name}` } });
    const point = series?.points.at(-1);
    if (point) context.points.spend(1);
    return point ?? null;
  },
};

/** A container. */
export const containerResolvers: ContainerResolvers<OperationContext> = {
  ...metricEntityFields,
  pod: (container) => podRef(container.namespace, container.pod),
  image: (c, _a, context) => containerSpec(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.image ?? context.query.entity(c.key)?.labels[Label.ContainerBaseImage] ?? null,
  requests: (c, _a, context) => resourceStrings(containerSpec(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.resources?.requests),
  limits: (c, _a, context) => resourceStrings(containerSpec(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.resources?.limits),
  restartCount: (c, _a, context) => containerStatus(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.restartCount ?? null,
  startTime: (c, _a, context) => kubeTimeMs(containerStatus(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.state?.running?.startedAt),
  ready: (c, _a, context) => containerStatus(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)?.ready ?? null,
  state: (c, _a, context) => containerState(containerStatus(kubePod(context, { namespace: c.namespace, name: c.pod }), c.name)),
};

/** Resource quantities, parsed from Kubernetes' strings and rounded up as Kubernetes rounds them. */
export const resourcesResolvers: ResourcesResolvers<OperationContext> = {
  cpuMillicores: (list) => (list.cpu === undefined ? null : (parseMilliQuantity(list.cpu) ?? null)),
  memoryBytes: (list) => (list.memory === undefined ? null : (parseIntQuantity(list.memory) ?? null)),
  ephemeralStorageBytes: (list) => (list['ephemeral-storage'] === undefined ? null : (parseIntQuantity(list['ephemeral-storage']) ?? null)),
  quantities: (list) =>
    Object.keys(list)
      .sort()
      .map((name) => ({ name, quantity: list[name]!, value: parseQuantity(list[name]) ?? null })),
};

/** A workload. */
export const workloadResolvers: WorkloadResolvers<OperationContext> = {
  ...metricEntityFields,
  // Workload references are only made for kinds of the enum (entities.ts), so the lookup succeeds.
  workloadKind: (workload) => workloadKindEnum(workload.workloadKind)!,
  namespace: (workload) => namespaceRef(workload.namespace),
  pods: (workload, args, context) => paginate(podsOfWorkload(context, workload), args, context, (pod) => podLabels(context, pod)),
};
