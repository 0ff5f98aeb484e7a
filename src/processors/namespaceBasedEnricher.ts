/**
 * The namespace-based enricher (heapster-reference §4.3): `namespace_id` ← namespace UID on
 * container, pod and namespace sets.
 *
 * @module
 */
import { MetricSetType } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { NamespaceLister, Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';

/** Options of {@link createNamespaceBasedEnricher}. */
export interface NamespaceBasedEnricherOptions {
  namespaceLister: NamespaceLister;
  /** Receives namespaces missing from the lister. @default ignore */
  onSkip?: SkipListener;
}

const name = 'namespace_based_enricher';
const enrichedTypes: ReadonlySet<string> = new Set([MetricSetType.PodContainer, MetricSetType.Pod, MetricSetType.Namespace]);

/** Creates the namespace-based enricher; sets of unknown namespaces keep their labels. */
export function createNamespaceBasedEnricher({ namespaceLister, onSkip = ignoreSkips }: NamespaceBasedEnricherOptions): Processor {
  return defineProcessor(name, function* (batch) {
    yield* eachInSteps(batch.metricSets, (metricSet, key) => {
      if (!enrichedTypes.has(metricSet.labels[Label.Type] ?? '')) return;
      const namespaceName = metricSet.labels[Label.NamespaceName];
      if (namespaceName === undefined) return;
      const namespace = namespaceLister.getNamespace(namespaceName);
      if (namespace === undefined) {
        onSkip({ processor: name, reason: 'namespace_not_found', key });
        return;
      }
      metricSet.labels[Label.NamespaceId] = namespace.metadata?.uid ?? '';
    });
    return batch;
  });
}
