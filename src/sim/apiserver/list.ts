/**
 * List and get: the read paths that answer with a body. Lists follow the real server's
 * resourceVersion semantics (unset: most recent, honours limit; "0": any, from the cache,
 * ignores limit; N: not older than N, or exactly N when paging or asked to) and page with
 * continue tokens over a consistent snapshot rebuilt from the change history.
 *
 * @module
 */

import type { KubeObject, SimObjectStore } from '../types.js';
import { decodeContinue, encodeContinue } from './continueToken.js';
import { StatusError } from './errors.js';
import { snapshotAt } from './history.js';
import type { ListQuery } from './query.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import type { StoreInternals } from './store.js';

/** A `<Kind>List` as the API server returns it. */
export interface ListBody {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: KubeObject[];
}

const LIST_TOO_OLD = 'The resourceVersion for the provided list is too old.';
const CONTINUE_TOO_OLD =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

interface Source {
  objects: ReadonlyMap<string, KubeObject>;
  /** Every key of `objects`, sorted. */
  keys: readonly string[];
  resourceVersion: number;
  startKey: string | undefined;
  limit: number | undefined;
}

/** Picks the state a list reads (live or a past snapshot) and where it starts. */
function chooseSource(internals: StoreInternals, current: number, resource: ResourceInfo, query: ListQuery): Source {
  const live = internals.objects(resource.resource);
  const liveKeys = internals.sortedKeys(resource.resource);
  const { limit } = query;
  // The state at resourceVersion; the live one (no copy, no sort) when this resource has not changed since.
  const snapshot = (resourceVersion: number): Pick<Source, 'objects' | 'keys'> | undefined => {
    const changes = internals.history.since(resourceVersion);
    if (changes === undefined) return undefined;
    if (!changes.some((change) => change.resource === resource.resource)) return { objects: live, keys: liveKeys };
    const objects = snapshotAt(internals.history, live, resource.resource, resourceVersion);
    return objects && { objects, keys: [...objects.keys()].sort() };
  };

  if (query.continueToken !== undefined) {
    const point = decodeContinue(query.continueToken);
    if (point.resourceVersion === -1) return { objects: live, keys: liveKeys, resourceVersion: current, startKey: point.startKey, limit };
    if (point.resourceVersion > current) {
      throw new StatusError(400, 'BadRequest', 'invalid continue token: continue key is not valid: resourceVersion is newer than the server');
    }
    const state = snapshot(point.resourceVersion);
    if (state === undefined) {
      throw new StatusError(410, 'Expired', CONTINUE_TOO_OLD, undefined, encodeContinue({ resourceVersion: -1, startKey: point.startKey }));
    }
    return { ...state, resourceVersion: point.resourceVersion, startKey: point.startKey, limit };
  }
  const requested = query.resourceVersion;
  if (requested === undefined) return { objects: live, keys: liveKeys, resourceVersion: current, startKey: undefined, limit };
  // resourceVersion=0 is served from the watch cache, which does not page.
  if (requested === 0) return { objects: live, keys: liveKeys, resourceVersion: current, startKey: undefined, limit: undefined };
  if (requested > current) {
    throw new StatusError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    });
  }
  const exact = query.resourceVersionMatch === 'Exact' || (query.resourceVersionMatch === undefined && limit !== undefined);
  if (!exact) return { objects: live, keys: liveKeys, resourceVersion: current, startKey: undefined, limit };
  const state = snapshot(requested);
  if (state === undefined) throw new StatusError(410, 'Expired', LIST_TOO_OLD);
  return { ...state, resourceVersion: requested, startKey: undefined, limit };
}

/** Index of the first key >= `key` in sorted `keys`. */
function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (keys[mid]! < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Answers a list request; throws {@link StatusError} for requests the server refuses. */
export function listCollection(
  store: SimObjectStore,
  internals: StoreInternals,
  resource: ResourceInfo,
  namespace: string | undefined,
  query: ListQuery,
): ListBody {
  const source = chooseSource(internals, store.resourceVersion, resource, query);
  const { keys } = source;
  // A namespace's keys (`<namespace>/<name>`) are one sorted run: from `<namespace>/` up to `<namespace>0` ('0' follows '/').
  const first = namespace === undefined ? 0 : lowerBound(keys, `${namespace}/`);
  const end = namespace === undefined ? keys.length : lowerBound(keys, `${namespace}0`);
  const unfiltered = query.labelSelector.empty && query.fieldSelector.empty;
  const items: KubeObject[] = [];
  let index = source.startKey === undefined ? first : Math.max(first, lowerBound(keys, source.startKey));
  for (; index < end; index++) {
    if (source.limit !== undefined && items.length === source.limit) break;
    const object = source.objects.get(keys[index]!)!;
    if (query.labelSelector.matches(object.metadata.labels) && query.fieldSelector.matches(object)) items.push(object);
  }
  const metadata: ListBody['metadata'] = { resourceVersion: String(source.resourceVersion) };
  // As etcd paging does: more keys remain (matching or not), so the client must ask again.
  if (index < end) {
    metadata.continue = encodeContinue({ resourceVersion: source.resourceVersion, startKey: `${keys[index - 1]!}\u0000` });
    if (unfiltered) metadata.remainingItemCount = end - index;
  }
  return { kind: resource.listKind, apiVersion: apiVersionOf(resource), metadata, items };
}

/** Answers a get request; a missing object is the upstream 404. */
export function getObject(store: SimObjectStore, resource: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
  const object = store.get(resource.resource, namespace, name);
  if (object === undefined) {
    throw new StatusError(404, 'NotFound', `${resource.resource} "${name}" not found`, {
      name,
      ...(resource.group === '' ? {} : { group: resource.group }),
      kind: resource.resource,
    });
  }
  return object;
}
