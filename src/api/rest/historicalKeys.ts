/**
 * The historical key each `/api/v1/historical` route names, from its path parameters: one
 * builder per entity of heapster-reference §1.4 (pods and their containers by name or by UID),
 * and the keys of the `{pod-list}` and `{pod-id-list}` parameters.
 *
 * @module
 */
import type { HistoricalKey } from '../../sinks/influxdb/historyTypes.js';
import type { RouteRequest } from './router.js';

type Params = RouteRequest['params'];

/** The key a route's path parameters name. */
export type HistoricalKeyOf = (params: Params) => HistoricalKey;

/** Keys of the historical routes' entities, by the route's path parameters. */
export const historicalKeys = {
  cluster: (() => ({ kind: 'cluster' })) as HistoricalKeyOf,
  node: ((p) => ({ kind: 'node', node: p['node-name']! })) as HistoricalKeyOf,
  namespace: ((p) => ({ kind: 'namespace', namespace: p['namespace-name']! })) as HistoricalKeyOf,
  pod: ((p) => ({ kind: 'pod', namespace: p['namespace-name']!, pod: p['pod-name']! })) as HistoricalKeyOf,
  podUid: ((p) => ({ kind: 'podUid', podId: p['pod-id']! })) as HistoricalKeyOf,
  podContainer: ((p) => ({ kind: 'podContainer', namespace: p['namespace-name']!, pod: p['pod-name']!, container: p['container-name']! })) as HistoricalKeyOf,
  podUidContainer: ((p) => ({ kind: 'podUidContainer', podId: p['pod-id']!, container: p['container-name']! })) as HistoricalKeyOf,
  freeContainer: ((p) => ({ kind: 'systemContainer', node: p['node-name']!, container: p['container-name']! })) as HistoricalKeyOf,
};

/** Pod keys of a `{pod-list}` parameter (pod names of `{namespace-name}`), in order, duplicates kept. */
export function podNameListKeys(params: Params): HistoricalKey[] {
  const namespace = params['namespace-name']!;
  return params['pod-list']!.split(',').map((pod) => ({ kind: 'pod', namespace, pod }));
}

/** Pod keys of a `{pod-id-list}` parameter (pod UIDs), in order, duplicates kept. */
export function podIdListKeys(params: Params): HistoricalKey[] {
  return params['pod-id-list']!.split(',').map((podId) => ({ kind: 'podUid', podId }));
}
