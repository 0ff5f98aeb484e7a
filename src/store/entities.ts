/**
 * Metric-set keys interned to dense numeric ids (the handles columns are indexed by), with the
 * newest labels and times of each set. Ids come from an {@link IdPool}: an entity keeps its id
 * while it has data in retention; once it ages out the id is freed and may name a new key.
 *
 * @module
 */
import type { MetricSet } from '../core/types.js';
import { createIdPool } from './idPool.js';
import { labelsBytes, mapEntryBytes, stringBytes } from './memory.js';
import type { EntityInfo } from './types.js';

/** The interned entities of one store. */
export interface EntityTable {
  /** The id of `key`, interning it; the set's labels and start time are kept when `timestampMs` is its newest. */
  intern(key: string, set: MetricSet, timestampMs: number): number;
  /** The id of `key`, or -1. */
  idOf(key: string): number;
  /** A snapshot of entity `id` (which must be live). */
  info(id: number): EntityInfo;
  /** By id, 1 for each live entity last seen at or before `cutoffMs` (those {@link freeBefore} will free). */
  expiredBefore(cutoffMs: number): Uint8Array;
  /** Frees every entity last seen at or before `cutoffMs`. */
  freeBefore(cutoffMs: number): void;
  /**
   * Estimated bytes of the tables. Labels objects of entities last seen at `sharedAtMs` belong to
   * the latest batch and are counted with it; the others are counted here.
   */
  memoryBytes(sharedAtMs: number): number;
}

/** Creates an empty table. */
export function createEntityTable(): EntityTable {
  const pool = createIdPool();
  const idByKey = new Map<string, number>();
  const keys: string[] = [];
  const labels: Readonly<Record<string, string>>[] = [];
  const startTimes: number[] = [];
  let lastSeen = new Float64Array(16);

  function grow(id: number): void {
    if (id < lastSeen.length) return;
    let length = lastSeen.length;
    while (length <= id) length *= 2;
    const grown = new Float64Array(length);
    grown.set(lastSeen);
    lastSeen = grown;
  }

  return {
    intern(key, set, timestampMs) {
      let id = idByKey.get(key);
      if (id === undefined) {
        id = pool.allocate();
        grow(id);
        idByKey.set(key, id);
        keys[id] = key;
        lastSeen[id] = -Infinity;
      }
      // An out-of-order older batch must not overwrite what a newer one said about the set.
      if (timestampMs >= lastSeen[id]!) {
        lastSeen[id] = timestampMs;
        labels[id] = set.labels;
        startTimes[id] = set.collectionStartTime;
      }
      return id;
    },
    idOf(key) {
      return idByKey.get(key) ?? -1;
    },
    info(id) {
      return Object.freeze({
        id,
        key: keys[id]!,
        type: labels[id]!['type'] ?? '',
        labels: labels[id]!,
        collectionStartTime: startTimes[id]!,
        lastSeenMs: lastSeen[id]!,
      });
    },
    expiredBefore(cutoffMs) {
      const high = pool.highWater;
      const expired = new Uint8Array(high);
      for (let id = 0; id < high; id++) if (pool.has(id) && lastSeen[id]! <= cutoffMs) expired[id] = 1;
      return expired;
    },
    freeBefore(cutoffMs) {
      const high = pool.highWater;
      let freed = 0;
      for (let id = 0; id < high; id++) {
        if (!pool.has(id) || lastSeen[id]! > cutoffMs) continue;
        idByKey.delete(keys[id]!);
        pool.release(id);
        // Drop the strings and label objects now; the slots stay until the high-water mark drops.
        keys[id] = '';
        labels[id] = emptyLabels;
        startTimes[id] = 0;
        freed++;
      }
      if (freed === 0) return;
      const length = pool.highWater;
      keys.length = labels.length = startTimes.length = length;
      if (length * 4 < lastSeen.length && lastSeen.length > 16) {
        let size = 16;
        while (size < length * 2) size *= 2;
        lastSeen = lastSeen.slice(0, size);
      }
      pool.compact();
    },
    memoryBytes(sharedAtMs) {
      // Per id: three array slots; per live key: a Map entry and the key string.
      let bytes = pool.memoryBytes() + lastSeen.byteLength + keys.length * 3 * 8 + 3 * 32;
      for (let id = 0; id < keys.length; id++) {
        if (!pool.has(id)) continue;
        bytes += mapEntryBytes + stringBytes(keys[id]!.length);
        if (lastSeen[id] !== sharedAtMs) bytes += labelsBytes(labels[id]!);
      }
      return bytes;
    },
  };
}

const emptyLabels: Readonly<Record<string, string>> = Object.freeze({});
