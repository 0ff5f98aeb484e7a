/**
 * A minimal in-memory SimObjectStore for model tests: the real list/watch store is the API
 * server's concern and has its own tests.
 */
import type { KubeObject, SimObjectStore, SimResource, WatchEvent } from '../../src/sim/types.js';

/** A Map-backed store that records every change it is given. */
export interface MapStore extends SimObjectStore {
  /** Every change in order, as watches would see them. */
  readonly events: Array<{ resource: SimResource; event: WatchEvent }>;
}

/** A new empty store; `recordEvents: false` keeps no change log (for the scale test). */
export function createMapStore(options: { recordEvents?: boolean } = {}): MapStore {
  const { recordEvents = true } = options;
  const maps = new Map<SimResource, Map<string, KubeObject>>();
  const listeners = new Set<(resource: SimResource, event: WatchEvent, resourceVersion: number) => void>();
  const events: MapStore['events'] = [];
  let resourceVersion = 0;
  const key = (namespace: string | undefined, name: string) => `${namespace ?? ''}/${name}`;
  const mapOf = (resource: SimResource) => {
    let map = maps.get(resource);
    if (!map) maps.set(resource, (map = new Map()));
    return map;
  };
  const emit = (resource: SimResource, event: WatchEvent) => {
    if (recordEvents) events.push({ resource, event });
    for (const listener of listeners) listener(resource, event, resourceVersion);
  };
  return {
    events,
    get resourceVersion() {
      return resourceVersion;
    },
    upsert(resource, object) {
      const map = mapOf(resource);
      const id = key(object.metadata.namespace, object.metadata.name);
      const existed = map.has(id);
      resourceVersion++;
      const stored = recordEvents ? { ...object, metadata: { ...object.metadata, resourceVersion: String(resourceVersion) } } : object;
      map.set(id, stored);
      emit(resource, { type: existed ? 'MODIFIED' : 'ADDED', object: stored });
      return stored;
    },
    remove(resource, namespace, name) {
      const map = mapOf(resource);
      const object = map.get(key(namespace, name));
      if (!object) return false;
      map.delete(key(namespace, name));
      resourceVersion++;
      emit(resource, { type: 'DELETED', object });
      return true;
    },
    list(resource, namespace) {
      const all = [...mapOf(resource).values()];
      return namespace === undefined ? all : all.filter((object) => object.metadata.namespace === namespace);
    },
    get(resource, namespace, name) {
      return mapOf(resource).get(key(namespace, name));
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
