/**
 * Entry points (Query), the cluster, what the model holds and scrape statuses.
 *
 * @module
 */
import type { OperationContext } from '../context.js';
import { cluster, namespaceRef, nodeRef, podRef, refsOf, typeNames, workloadKinds, workloadRef } from '../entities.js';
import { invalidArgument } from '../errors.js';
import type { ClusterResolvers, MetricEntityResolvers, ModelInfoResolvers, QueryResolvers, ScrapeOutcome, ScrapeStatusResolvers, WorkloadKind as WorkloadKindEnum } from '../generated/types.js';
import { paginate, type ListArgs } from '../connection.js';
import { nodeLabels, podLabels, podsOf } from '../indexes.js';
import { labelsOf } from '../kube.js';
import type { NamespaceModel, NodeModel, WorkloadModel } from '../models.js';
import { metricEntityFields } from './metrics.js';

/** A name argument must not be empty. */
function nonEmpty(argument: string, value: string): string {
  if (value === '') invalidArgument(argument, 'must not be empty', value);
  return value;
}

/** Nodes of the newest batch, as a page. */
export function nodeList(args: ListArgs, context: OperationContext) {
  const nodes = context.batchMemo('nodes', () => refsOf<NodeModel>(context.query.nodes()));
  return paginate(nodes, args, context, (node) => nodeLabels(context, node));
}

/** Namespaces of the newest batch, as a page. */
export function namespaceList(args: ListArgs, context: OperationContext) {
  const namespaces = context.batchMemo('namespaces', () => refsOf<NamespaceModel>(context.query.namespaces()));
  return paginate(namespaces, args, context, (ns) => labelsOf(context.query.kube.getNamespace(ns.name)?.metadata?.labels, undefined));
}

/** Pods of the newest batch, as a page. */
export function podList(namespace: string | undefined, args: ListArgs, context: OperationContext) {
  return paginate(podsOf(context, namespace), args, context, (pod) => podLabels(context, pod));
}

/** Workloads of the newest batch, as a page. */
export function workloadList(namespace: string | undefined, kind: WorkloadKindEnum | null | undefined, args: ListArgs, context: OperationContext) {
  const kubeKind = kind ? workloadKinds[kind] : undefined;
  const workloads = context.batchMemo(`workloads:${namespace ?? '*'}:${kubeKind ?? '*'}`, () => refsOf<WorkloadModel>(context.query.workloads(namespace, kubeKind)));
  return paginate(workloads, args, context);
}

/** The entry points. */
export const queryResolvers: QueryResolvers<OperationContext> = {
  cluster: () => cluster,
  nodes: (_root, args, context) => nodeList(args, context),
  node: (_root, { name }, context) => {
    const ref = nodeRef(nonEmpty('name', name));
    return context.query.entity(ref.key) || context.query.kube.getNode(name) ? ref : null;
  },
  namespaces: (_root, args, context) => namespaceList(args, context),
  namespace: (_root, { name }, context) => {
    const ref = namespaceRef(nonEmpty('name', name));
    return context.query.entity(ref.key) || context.query.kube.getNamespace(name) ? ref : null;
  },
  pods: (_root, { namespace, ...args }, context) => podList(namespace ?? undefined, args, context),
  pod: (_root, { namespace, name }, context) => {
    const ref = podRef(nonEmpty('namespace', namespace), nonEmpty('name', name));
    return context.query.entity(ref.key) || context.query.kube.getPod(namespace, name) ? ref : null;
  },
  workloads: (_root, { namespace, kind, ...args }, context) => workloadList(namespace ?? undefined, kind, args, context),
  workload: (_root, { namespace, kind, name }, context) => {
    const ref = workloadRef(nonEmpty('namespace', namespace), workloadKinds[kind], nonEmpty('name', name));
    return context.query.entity(ref.key) ? ref : null;
  },
  metricCatalogue: (_root, _args, context) => context.query.metricCatalogue(),
  metricDescriptor: (_root, { name }, context) => context.query.describeMetric(name) ?? null,
  model: () => ({ kind: 'model' }),
  scrapeStatuses: (_root, _args, context) => [...context.query.scrapeStatuses()].sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0)),
};

/** The cluster. */
export const clusterResolvers: ClusterResolvers<OperationContext> = {
  ...metricEntityFields,
  namespaces: (_cluster, args, context) => namespaceList(args, context),
  nodes: (_cluster, args, context) => nodeList(args, context),
  pods: (_cluster, args, context) => podList(undefined, args, context),
  workloads: (_cluster, { kind, ...args }, context) => workloadList(undefined, kind, args, context),
};

/** What the model store holds (the parent is empty: everything is read from the query service). */
export const modelInfoResolvers: ModelInfoResolvers<OperationContext> = {
  newestBatch: (_m, _a, context) => context.query.timestamps().at(-1) ?? null,
  oldestBatch: (_m, _a, context) => context.query.timestamps()[0] ?? null,
  batches: (_m, _a, context) => context.query.timestamps().length,
  retention: (_m, _a, context) => context.query.retentionMs,
  resolution: (_m, _a, context) => context.resolutionMs,
};

const outcomes: Readonly<Record<string, ScrapeOutcome>> = {
  ok: 'OK',
  timeout: 'TIMEOUT',
  http_status: 'HTTP_STATUS',
  malformed: 'MALFORMED',
  too_large: 'TOO_LARGE',
  connection: 'CONNECTION',
};

/** A node's latest scrape. */
export const scrapeStatusResolvers: ScrapeStatusResolvers<OperationContext> = {
  node: (status) => status.nodeName,
  outcome: (status) => outcomes[status.outcome] ?? 'CONNECTION',
  latency: (status) => status.latencyMs,
  error: (status) => status.error ?? null,
  lastSuccess: (status) => (status.lastSuccessMs > 0 ? status.lastSuccessMs : null),
};

/** The MetricEntity interface: the concrete type from the model's kind. */
export const metricEntityResolvers: MetricEntityResolvers<OperationContext> = {
  __resolveType: (entity) => typeNames[entity.kind],
};
