/**
 * Nodes and their system containers: Kubernetes metadata from the node cache, the latest
 * scrape status, and the pods of the newest batch on each node.
 *
 * @module
 */
import type { V1Node } from '@kubernetes/client-node';
import { Label } from '../../../core/labels.js';
import { paginate } from '../connection.js';
import type { OperationContext } from '../context.js';
import { nodeRef } from '../entities.js';
import type { NodeResolvers, SystemContainerResolvers } from '../generated/types.js';
import { nodeLabels, podLabels, podsOnNode, systemContainersOf } from '../indexes.js';
import { kubeTimeMs, labelList, resourceStrings } from '../kube.js';
import type { NodeModel } from '../models.js';
import { metricEntityFields } from './metrics.js';

function kubeNode(context: OperationContext, node: NodeModel): V1Node | undefined {
  return context.query.kube.getNode(node.name);
}

function setLabel(context: OperationContext, node: NodeModel, label: string): string | null {
  const value = context.query.entity(node.key)?.labels[label];
  return value === undefined || value === '' ? null : value;
}

/** A node. */
export const nodeResolvers: NodeResolvers<OperationContext> = {
  ...metricEntityFields,
  uid: (node, _a, context) => kubeNode(context, node)?.metadata?.uid ?? null,
  labels: (node, _a, context) => labelList(nodeLabels(context, node)),
  hostname: (node, _a, context) => setLabel(context, node, Label.Hostname) ?? kubeNode(context, node)?.status?.addresses?.find((a) => a.type === 'Hostname')?.address ?? null,
  hostId: (node, _a, context) => setLabel(context, node, Label.HostId),
  addresses: (node, _a, context) => kubeNode(context, node)?.status?.addresses ?? [],
  capacity: (node, _a, context) => resourceStrings(kubeNode(context, node)?.status?.capacity),
  allocatable: (node, _a, context) => resourceStrings(kubeNode(context, node)?.status?.allocatable),
  schedulable: (node, _a, context) => {
    const kube = kubeNode(context, node);
    if (kube) return kube.spec?.unschedulable !== true;
    const label = setLabel(context, node, Label.Schedulable);
    return label === null ? null : label === 'true';
  },
  ready: (node, _a, context) => {
    const condition = kubeNode(context, node)?.status?.conditions?.find((c) => c.type === 'Ready');
    return condition ? condition.status === 'True' : null;
  },
  kubeletVersion: (node, _a, context) => kubeNode(context, node)?.status?.nodeInfo?.kubeletVersion ?? null,
  osImage: (node, _a, context) => kubeNode(context, node)?.status?.nodeInfo?.osImage ?? null,
  containerRuntimeVersion: (node, _a, context) => kubeNode(context, node)?.status?.nodeInfo?.containerRuntimeVersion ?? null,
  creationTimestamp: (node, _a, context) => kubeTimeMs(kubeNode(context, node)?.metadata?.creationTimestamp),
  scrapeStatus: (node, _a, context) => context.query.scrapeStatus(node.name) ?? null,
  systemContainers: (node, _a, context) => {
    // Heapster keyed system containers by node name but looks them up by hostname.
    const hostname = setLabel(context, node, Label.Hostname) ?? node.name;
    return systemContainersOf(context, hostname).filter((c) => c.node === node.name);
  },
  pods: (node, args, context) => paginate(podsOnNode(context, node), args, context, (pod) => podLabels(context, pod)),
};

/** A system container. */
export const systemContainerResolvers: SystemContainerResolvers<OperationContext> = {
  ...metricEntityFields,
  node: (container) => nodeRef(container.node),
};
