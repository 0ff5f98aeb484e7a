/**
 * The in-memory columnar model store (the replacement for Heapster's metric sink, §6).
 *
 * Layout: one timeline of batch slots; per metric name a column holding, per slot, a
 * Float64Array indexed by row (NaN = no value); rows belong to entities (labeled metrics: to
 * entity × interned label set). Every metric of every set is kept for `retentionMs`, measured back
 * from the newest batch timestamp (not the wall clock, unlike Heapster).
 *
 * Identity: entity ids are stable while the entity has any data in retention; after it ages out
 * the id is freed and handed out again lowest-first (so typed arrays indexed by id stay short).
 * A caller caching an id must drop it once `entity(key)` returns undefined.
 *
 * `memoryBytes()` = exact byteLength of every typed array, plus what the slot arena (arena.ts)
 * keeps for reuse, plus estimates (memory.ts) for the entity Map and strings, interned label sets,
 * labels of entities absent from the latest batch, and the latest DataBatch itself, which the
 * store keeps alive for `latestBatch()`.
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';
import { columnBytes } from './column.js';
import { StoreError, describeReceived } from './errors.js';
import { readAggregate, readLabeledSeries, readLatest, readMetricNames, readSeries } from './read.js';
import { createStoreState } from './state.js';
import type { EntityInfo, ModelStore, ModelStoreOptions } from './types.js';
import { createWriter } from './write.js';

/** Default retention: 15 minutes, Heapster's long-store duration, now for every metric. */
export const defaultRetentionMs = 15 * 60 * 1000;

/** Creates an empty store. Throws `StoreError` `invalid_option` for a retention that is not a positive number. */
export function createModelStore(options: ModelStoreOptions = {}): ModelStore {
  const { retentionMs = defaultRetentionMs, arena } = options;
  if (typeof retentionMs !== 'number' || !Number.isFinite(retentionMs) || retentionMs <= 0) {
    throw new StoreError('invalid_option', `retentionMs must be a positive finite number of ms, received ${describeReceived(retentionMs)}`, {
      field: 'retentionMs',
      received: describeReceived(retentionMs),
    });
  }
  const state = createStoreState(retentionMs, arena);
  const { write, writeSteps } = createWriter(state);

  // Caches derived from the latest batch, rebuilt on first use after a write.
  let typeIndexVersion = -1;
  let typeIndex = new Map<string, number[]>();

  function entitiesByType(): Map<string, number[]> {
    if (typeIndexVersion === state.version) return typeIndex;
    typeIndex = new Map();
    for (const key of state.latest?.metricSets.keys() ?? []) {
      const id = state.entities.idOf(key);
      if (id < 0) continue;
      const { type } = state.entities.info(id);
      let ids = typeIndex.get(type);
      if (!ids) typeIndex.set(type, (ids = []));
      ids.push(id);
    }
    typeIndexVersion = state.version;
    return typeIndex;
  }

  const store = {
    retentionMs,
    write,
    writeSteps,
    latestBatch: () => state.latest,
    timestamps: () => state.timeline.times,
    entity(key: string): EntityInfo | undefined {
      const id = state.entities.idOf(key);
      return id < 0 ? undefined : state.entities.info(id);
    },
    keys: () => [...(state.latest?.metricSets.keys() ?? [])],
    entities(type: string, labelFilter?: Readonly<Record<string, string>>): EntityInfo[] {
      const result: EntityInfo[] = [];
      for (const id of entitiesByType().get(type) ?? []) {
        const info = state.entities.info(id);
        let matches = true;
        for (const name in labelFilter) {
          if (info.labels[name] !== labelFilter[name]) {
            matches = false;
            break;
          }
        }
        if (matches) result.push(info);
      }
      return result;
    },
    metricNames: (key: string) => readMetricNames(state, key, false),
    labeledMetricNames: (key: string) => readMetricNames(state, key, true),
    series: (key, metric, range) => readSeries(state, key, metric, range),
    labeledSeries: (key, metric, labels, range) => readLabeledSeries(state, key, metric, labels, range),
    latest: (key, metric) => readLatest(state, key, metric),
    aggregate: (key, metric, aggregations, aggregateOptions) => readAggregate(state, key, metric, aggregations, aggregateOptions),
    memoryBytes() {
      let bytes = 256 + state.timeline.times.length * 16;
      for (const column of state.columns.values()) bytes += columnBytes(column) + 32;
      for (const column of state.labeledColumns.values()) bytes += columnBytes(column) + 32;
      bytes += state.arena.idleBytes() + state.labelSets.memoryBytes();
      const latestMs = state.latest?.timestamp ?? Infinity;
      bytes += state.entities.memoryBytes(latestMs);
      return bytes + state.latestBytes;
    },
  } satisfies ModelStore;
  return store;
}
