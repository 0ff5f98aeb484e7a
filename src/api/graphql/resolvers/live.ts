/**
 * Subscription fields. A subscription's root value is the batch being published; its `resolve`
 * picks the chosen entities and the batch's values of the chosen metrics. The field's
 * `subscribe` only validates arguments: the event stream is the surface's shared fan-out
 * (subscriptions/fanout.ts), which executes each distinct subscription once per batch and
 * caller scope; the batch it hands over holds only the sets that scope may see.
 *
 * @module
 */
import { parseLabelSelector } from '../../../core/labelSelector.js';
import { MetricSetType } from '../../../core/keys.js';
import type { DataBatch } from '../../../core/types.js';
import { checkLiveMetrics } from '../args.js';
import type { OperationContext } from '../context.js';
import { cluster, entityKinds, nameOf, podRef, refsOf } from '../entities.js';
import { GraphqlSurfaceError, invalidArgument } from '../errors.js';
import type {
  BatchEventResolvers,
  LiveEntityResolvers,
  LiveUpdateResolvers,
  LiveValueResolvers,
  SubscriptionLiveClusterArgs,
  SubscriptionLiveNamespacePodsArgs,
  SubscriptionLiveNodesArgs,
  SubscriptionLivePodArgs,
  SubscriptionResolvers,
} from '../generated/types.js';
import { nodeLabels, podLabels, podsOf } from '../indexes.js';
import { labelList } from '../kube.js';
import type { EntityModel, LiveUpdateModel, NodeModel } from '../models.js';

/** The root value of a subscription's execution: the batch just stored. */
export interface LiveEvent {
  readonly batch: DataBatch;
}

/**
 * What a subscription field's `subscribe` returns once its arguments are valid. It is never
 * iterated: the surface delivers events itself, so this stream holds no listener and no timer.
 */
const validated: AsyncIterable<never> = {
  [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
};

function nonEmpty(argument: string, value: string): void {
  if (value === '') invalidArgument(argument, 'must not be empty', value);
}

/**
 * Refuses a subscription whose only subject the caller may not see: it could never deliver a
 * value, and the refusal depends on the caller's rights alone.
 */
function requireRight(context: OperationContext, right: 'cluster' | 'nodes', field: string): void {
  if (!context.scope[right]) throw new GraphqlSurfaceError('forbidden', `${field} needs the ${right === 'cluster' ? 'cluster-wide' : 'node'} read permission, which this caller lacks`, { field });
}

function selectorOf(text: string | null | undefined) {
  return text ? parseLabelSelector(text) : undefined;
}

function update(event: LiveEvent, entities: readonly EntityModel[], metrics: readonly string[]): LiveUpdateModel {
  const present = entities.filter((entity) => event.batch.metricSets.has(entity.key));
  return { batch: event.batch, entities: present, metrics };
}

/** The subscription root fields. */
export const subscriptionResolvers: SubscriptionResolvers<OperationContext> = {
  batch: {
    subscribe: () => validated,
    resolve: (event: LiveEvent) => ({ batch: event.batch }),
  },
  livePod: {
    subscribe: (_root, { namespace, name, metrics }, context) => {
      nonEmpty('namespace', namespace);
      nonEmpty('name', name);
      checkLiveMetrics(context.query, metrics);
      return validated;
    },
    resolve: (event: LiveEvent, { namespace, name, metrics }: SubscriptionLivePodArgs) => update(event, [podRef(namespace, name)], metrics),
  },
  liveNamespacePods: {
    subscribe: (_root, { namespace, labelSelector, metrics }, context) => {
      nonEmpty('namespace', namespace);
      selectorOf(labelSelector);
      checkLiveMetrics(context.query, metrics);
      return validated;
    },
    resolve: (event: LiveEvent, { namespace, labelSelector, metrics }: SubscriptionLiveNamespacePodsArgs, context: OperationContext) => {
      const selector = selectorOf(labelSelector);
      const pods = podsOf(context, namespace).filter((pod) => !selector || selector.matches(podLabels(context, pod)));
      return update(event, pods, metrics);
    },
  },
  liveNodes: {
    subscribe: (_root, { labelSelector, metrics }, context) => {
      requireRight(context, 'nodes', 'liveNodes');
      selectorOf(labelSelector);
      checkLiveMetrics(context.query, metrics);
      return validated;
    },
    resolve: (event: LiveEvent, { names, labelSelector, metrics }: SubscriptionLiveNodesArgs, context: OperationContext) => {
      const selector = selectorOf(labelSelector);
      const wanted = names ? new Set(names) : undefined;
      const nodes = refsOf<NodeModel>(context.query.nodes()).filter(
        (node) => (!wanted || wanted.has(node.name)) && (!selector || selector.matches(nodeLabels(context, node))),
      );
      return update(event, nodes, metrics);
    },
  },
  liveCluster: {
    subscribe: (_root, { metrics }, context) => {
      requireRight(context, 'cluster', 'liveCluster');
      checkLiveMetrics(context.query, metrics);
      return validated;
    },
    resolve: (event: LiveEvent, { metrics }: SubscriptionLiveClusterArgs) => update(event, [cluster], metrics),
  },
};

/** A stored batch. */
export const batchEventResolvers: BatchEventResolvers<OperationContext> = {
  timestamp: ({ batch }) => batch.timestamp,
  metricSets: ({ batch }) => batch.metricSets.size,
  counts: ({ batch }) => {
    const counts = { nodes: 0, namespaces: 0, pods: 0, containers: 0, systemContainers: 0, workloads: 0 };
    for (const set of batch.metricSets.values()) {
      switch (set.labels.type) {
        case MetricSetType.Node: counts.nodes++; break;
        case MetricSetType.Namespace: counts.namespaces++; break;
        case MetricSetType.Pod: counts.pods++; break;
        case MetricSetType.PodContainer: counts.containers++; break;
        case MetricSetType.SystemContainer: counts.systemContainers++; break;
        case MetricSetType.Workload: counts.workloads++; break;
        default: break;
      }
    }
    return counts;
  },
  scrapes: (_event, _args, context) => {
    const statuses = context.query.scrapeStatuses();
    const failures = statuses.filter((s) => s.outcome !== 'ok');
    return { nodes: statuses.length, ok: statuses.length - failures.length, failed: failures.length, failures };
  },
};

/** A live update. */
export const liveUpdateResolvers: LiveUpdateResolvers<OperationContext> = {
  timestamp: (u) => u.batch.timestamp,
  entities: (u) => u.entities.map((entity) => ({ batch: u.batch, entity, metrics: u.metrics })),
};

/** One entity of a live update. */
export const liveEntityResolvers: LiveEntityResolvers<OperationContext> = {
  key: (e) => e.entity.key,
  kind: (e) => entityKinds[e.entity.kind],
  name: (e) => nameOf(e.entity),
  namespace: (e) => ('namespace' in e.entity && typeof e.entity.namespace === 'string' ? e.entity.namespace : null),
  entity: (e) => e.entity,
  values: (e) => e.metrics.map((metric) => ({ batch: e.batch, key: e.entity.key, metric })),
};

/** One metric's value in the batch. */
export const liveValueResolvers: LiveValueResolvers<OperationContext> = {
  value: (v) => v.batch.metricSets.get(v.key)?.metricValues.get(v.metric) ?? null,
  labeled: (v) =>
    (v.batch.metricSets.get(v.key)?.labeledMetrics.toArray() ?? [])
      .filter((m) => m.name === v.metric)
      .map((m) => ({ labels: labelList(m.labels), value: m.value })),
};
