/**
 * The store's change history: a bounded window of recent changes, as etcd keeps revisions
 * until compaction and the real API server's watch cache keeps a sliding window of events.
 * Watches resume from it; paged lists rebuild their consistent snapshot from it.
 *
 * @module
 */

import type { KubeObject, SimResource } from '../types.js';
import { objectKey } from './resources.js';

/** One change, with the object before it (needed to undo it and to filter watches). */
export interface ChangeRecord {
  readonly resourceVersion: number;
  readonly resource: SimResource;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The new state; for DELETED, the last state stamped with the deletion's resourceVersion. */
  readonly object: KubeObject;
  /** The state before the change; undefined for ADDED. */
  readonly previous: KubeObject | undefined;
}

/** A bounded, resourceVersion-ordered window of changes. */
export interface ChangeHistory {
  /** Every change after this resourceVersion is retained; anything at or before it is forgotten. */
  readonly compactedResourceVersion: number;
  /** Appends a change (resourceVersions must increase), evicting the oldest past the limit. */
  record(change: ChangeRecord): void;
  /** Changes after `resourceVersion`, oldest first; undefined when some were forgotten. */
  since(resourceVersion: number): ChangeRecord[] | undefined;
  /** Forgets every change: resuming from any resourceVersion before `upTo` is then too old. */
  compact(upTo: number): void;
}

/** A ring buffer of at most `limit` changes. */
export function createChangeHistory(limit: number): ChangeHistory {
  const ring: Array<ChangeRecord | undefined> = new Array<ChangeRecord | undefined>(limit);
  let start = 0;
  let size = 0;
  let compacted = 0;
  const at = (i: number): ChangeRecord => ring[(start + i) % limit]!;

  return {
    get compactedResourceVersion() {
      return compacted;
    },
    record(change) {
      if (size === limit) {
        compacted = at(0).resourceVersion;
        ring[start] = undefined;
        start = (start + 1) % limit;
        size--;
      }
      ring[(start + size) % limit] = change;
      size++;
    },
    since(resourceVersion) {
      if (resourceVersion < compacted) return undefined;
      // Binary search for the first retained change newer than resourceVersion.
      let low = 0;
      let high = size;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if (at(mid).resourceVersion <= resourceVersion) low = mid + 1;
        else high = mid;
      }
      const changes: ChangeRecord[] = [];
      for (let i = low; i < size; i++) changes.push(at(i));
      return changes;
    },
    compact(upTo) {
      ring.fill(undefined);
      start = 0;
      size = 0;
      compacted = Math.max(compacted, upTo);
    },
  };
}

/**
 * The objects of `resource` as they were at `resourceVersion`, rebuilt by undoing the retained
 * changes made after it; undefined when that point is older than the history reaches.
 */
export function snapshotAt(
  history: ChangeHistory,
  current: ReadonlyMap<string, KubeObject>,
  resource: SimResource,
  resourceVersion: number,
): Map<string, KubeObject> | undefined {
  const changes = history.since(resourceVersion);
  if (changes === undefined) return undefined;
  const objects = new Map(current);
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i]!;
    if (change.resource !== resource) continue;
    const key = objectKey(change.object.metadata.namespace, change.object.metadata.name);
    if (change.previous === undefined) objects.delete(key);
    else objects.set(key, change.previous);
  }
  return objects;
}
