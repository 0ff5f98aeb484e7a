/**
 * Request and limit metrics of one container spec (heapster-reference §4.2), as Heapster
 * master's `updateContainerResourcesAndLimits` wrote them: CPU in millicores, everything else
 * in base units (`Value()`, rounded up), all int64 gauges.
 *
 * @module
 */
import type { V1Container } from '@kubernetes/client-node';
import { parseIntQuantity, parseMilliQuantity } from '../core/quantity.js';
import { metricColumn } from '../core/metricValues.js';
import type { MetricSet } from '../core/types.js';

/** Resources that always get a request and a limit metric (0 when absent from the spec). */
const primaryResources: ReadonlyArray<{ resource: string; prefix: string }> = [
  { resource: 'cpu', prefix: 'cpu' },
  { resource: 'memory', prefix: 'memory' },
  { resource: 'ephemeral-storage', prefix: 'ephemeral_storage' },
];
const primaryNames: ReadonlySet<string> = new Set(primaryResources.map((r) => r.resource));

/**
 * Writes `cpu|memory|ephemeral_storage/request|limit` (0 when absent) and `<resource>/request`
 * for every other requested resource (e.g. `nvidia.com/gpu/request`; other limits are not
 * emitted) into `metricSet`. A quantity that does not parse counts as absent and is reported
 * to `onInvalid` with its resource name.
 */
export function setContainerResources(metricSet: MetricSet, container: V1Container, onInvalid: (resource: string) => void): void {
  let resources = cache.get(container);
  if (resources === undefined) {
    resources = containerResources(container);
    cache.set(container, resources);
  }
  const values = metricSet.metricValues;
  for (const { metric, column, value } of resources.values) {
    if (column >= 0) values.setColumn(column, value);
    else values.set(metric, value);
  }
  for (const resource of resources.invalid) onInvalid(resource);
}

interface ContainerResources {
  /** With the metric's catalogue column (-1 for extended resources' `<resource>/request`). */
  values: Array<{ metric: string; column: number; value: number }>;
  invalid: string[];
}

// Spec objects from the informers are replaced, never mutated, so their parsed quantities are
// kept per object: parsing every container's quantities every batch was ~30% of the enricher.
const cache = new WeakMap<V1Container, ContainerResources>();

function containerResources(container: V1Container): ContainerResources {
  const requests = container.resources?.requests ?? {};
  const limits = container.resources?.limits ?? {};
  const result: ContainerResources = { values: [], invalid: [] };
  const read = (list: Record<string, string>, resource: string): number => {
    if (!Object.hasOwn(list, resource)) return 0;
    const value = resource === 'cpu' ? parseMilliQuantity(list[resource]) : parseIntQuantity(list[resource]);
    if (value === undefined) result.invalid.push(resource);
    return value ?? 0;
  };

  for (const { resource, prefix } of primaryResources) {
    result.values.push(resourceValue(`${prefix}/request`, read(requests, resource)), resourceValue(`${prefix}/limit`, read(limits, resource)));
  }
  for (const resource of Object.keys(requests)) {
    if (primaryNames.has(resource)) continue;
    const value = parseIntQuantity(requests[resource]);
    if (value === undefined) result.invalid.push(resource);
    else result.values.push(resourceValue(`${resource}/request`, value));
  }
  return result;
}

function resourceValue(metric: string, value: number): { metric: string; column: number; value: number } {
  return { metric, column: metricColumn(metric), value };
}
