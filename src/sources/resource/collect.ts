/**
 * Gathers the kubelet `/metrics/resource` samples per entity (node, pod, container) while the
 * parser streams, validating each value once. Which families exist follows the kubelet's
 * resource collector (`pkg/kubelet/metrics/collectors/resource_metrics.go`): CPU counters in
 * core-seconds, working-set gauges in bytes, container start times in seconds since the epoch.
 * There is no node or pod start time in any kubelet version, and the swap families
 * (`*_swap_usage_bytes`, `container_swap_limit_bytes`) have no Heapster metric, so they are
 * skipped like any other unknown family.
 *
 * @module
 */
import type { PromSample } from '../promtext/types.js';

/** Which entity a family describes. */
export type EntityScope = 'node' | 'pod' | 'container';

/** Which reading of the entity a family carries. */
type Reading = 'cpu' | 'memory' | 'start';

const families: ReadonlyMap<string, { scope: EntityScope; reading: Reading }> = new Map([
  ['node_cpu_usage_seconds_total', { scope: 'node', reading: 'cpu' }],
  ['node_memory_working_set_bytes', { scope: 'node', reading: 'memory' }],
  ['pod_cpu_usage_seconds_total', { scope: 'pod', reading: 'cpu' }],
  ['pod_memory_working_set_bytes', { scope: 'pod', reading: 'memory' }],
  ['container_cpu_usage_seconds_total', { scope: 'container', reading: 'cpu' }],
  ['container_memory_working_set_bytes', { scope: 'container', reading: 'memory' }],
  ['container_start_time_seconds', { scope: 'container', reading: 'start' }],
]);

/** `scrape_error` until 1.29 deprecated it; `resource_scrape_error` from 1.29 on (both sent). */
const scrapeErrorFamilies: ReadonlySet<string> = new Set(['scrape_error', 'resource_scrape_error']);

/** Heapster's values are int64: anything beyond cannot be stored and is treated as invalid. */
const int64Max = 2 ** 63;

/** One timed value, already converted to Heapster units. */
export interface TimedValue {
  value: number;
  /** Sample timestamp, ms; `undefined` when the line had none (or a non-positive one). */
  timestampMs: number | undefined;
}

/** Everything the body said about one entity. */
export interface EntitySamples {
  scope: EntityScope;
  namespace: string;
  pod: string;
  container: string;
  /** Cumulative CPU, nanoseconds. */
  cpuNs?: TimedValue;
  /** Working set, bytes. */
  workingSetBytes?: TimedValue;
  /** Container start, ms since the epoch; 0 = the kubelet sent 0 (unknown). */
  startMs?: number;
  /** Set when any of its values was unusable: the whole entity is dropped. */
  invalid: boolean;
}

/** The result of one body. */
export interface CollectedSamples {
  /** Entities by `scope|namespace|pod|container` (the node under `node|||`). */
  entities: Map<string, EntitySamples>;
  /** Distinct label combinations that lacked namespace, pod or container. */
  unidentified: number;
  /** Whether any known family or a scrape-error gauge was seen at all. */
  recognized: boolean;
  /** The kubelet's own scrape-error gauge: `undefined` if absent, else whether it was non-zero. */
  scrapeError: boolean | undefined;
}

/** Accumulates samples; `add` is the parser callback. */
export interface SampleCollector {
  add(sample: PromSample): void;
  result(): CollectedSamples;
}

/** Creates an empty collector for one body. */
export function createSampleCollector(): SampleCollector {
  const entities = new Map<string, EntitySamples>();
  const unidentified = new Set<string>();
  let recognized = false;
  let scrapeError: boolean | undefined;

  const add = (sample: PromSample): void => {
    if (scrapeErrorFamilies.has(sample.name)) {
      recognized = true;
      scrapeError = scrapeError === true || sample.value !== 0;
      return;
    }
    const family = families.get(sample.name);
    if (!family) return;
    recognized = true;
    const { scope } = family;
    const namespace = scope === 'node' ? '' : (sample.labels['namespace'] ?? '');
    const pod = scope === 'node' ? '' : (sample.labels['pod'] ?? '');
    const container = scope === 'container' ? (sample.labels['container'] ?? '') : '';
    const id = `${scope}|${namespace}|${pod}|${container}`;
    if (scope !== 'node' && (namespace === '' || pod === '' || (scope === 'container' && container === ''))) {
      unidentified.add(id);
      return;
    }
    let entity = entities.get(id);
    if (!entity) {
      entity = { scope, namespace, pod, container, invalid: false };
      entities.set(id, entity);
    }
    record(entity, family.reading, sample);
  };

  return {
    add,
    result: () => ({ entities, unidentified: unidentified.size, recognized, scrapeError }),
  };
}

/** Converts and stores one reading; an unusable value marks the entity invalid. */
function record(entity: EntitySamples, reading: Reading, sample: PromSample): void {
  const { value } = sample;
  if (!Number.isFinite(value) || value < 0) {
    entity.invalid = true;
    return;
  }
  // A zero Go time.Time would render as a large negative timestamp: treat it as "no timestamp".
  const timestampMs = sample.timestampMs !== undefined && sample.timestampMs > 0 ? sample.timestampMs : undefined;
  switch (reading) {
    case 'cpu': {
      const ns = Math.round(value * 1e9);
      if (ns >= int64Max) entity.invalid = true;
      else entity.cpuNs = newer(entity.cpuNs, { value: ns, timestampMs });
      return;
    }
    case 'memory': {
      const bytes = Math.round(value);
      if (bytes >= int64Max) entity.invalid = true;
      else entity.workingSetBytes = newer(entity.workingSetBytes, { value: bytes, timestampMs });
      return;
    }
    case 'start': {
      const ms = Math.round(value * 1000);
      if (!Number.isSafeInteger(ms)) entity.invalid = true;
      // A restarted container can be listed twice; the later start is the running one.
      else entity.startMs = Math.max(entity.startMs ?? 0, ms);
      return;
    }
  }
}

/** Of two readings of one series, the one with the later timestamp (the later line on a tie). */
function newer(kept: TimedValue | undefined, next: TimedValue): TimedValue {
  if (kept && (kept.timestampMs ?? -Infinity) > (next.timestampMs ?? -Infinity)) return kept;
  return next;
}
