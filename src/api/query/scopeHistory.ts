/**
 * The historical source (InfluxDB, `--historical_source`) as one caller may see it: the
 * `/api/v1/historical` routes and GraphQL's completion of older ranges read through
 * {@link scopeHistory}, so a hidden entity's older points are never even asked for.
 *
 * A hidden key answers exactly as a key InfluxDB has no series for: empty names, empty series
 * (Heapster's routes then answer `No results for metric ...`), empty aggregations. Input is still
 * checked first, with the same statements' checks in the same order, so a malformed name fails
 * alike whether or not the caller may see it.
 *
 * Pods by UID carry no namespace: a UID is visible when the caller may see every namespace
 * ({@link AccessScope.cluster}) or a visible pod with that UID is in the newest batch or the pod
 * cache; a UID known to neither (a pod deleted before retention) stays hidden.
 *
 * @module
 */
import { aggregateStatement, checkKey, rawStatement } from '../../sinks/influxdb/historyQuery.js';
import type { HistoricalAggregation, HistoricalKey, HistoricalSeries, InfluxHistory } from '../../sinks/influxdb/historyTypes.js';
import type { AccessScope } from '../auth/types.js';
import { namespaceOfPodUid } from './scope.js';
import type { QueryService } from './types.js';

/** Whether `scope` may see the historical entity `key`; `visiblePods` resolves pod UIDs (a scoped service). */
export function historicalKeyVisible(scope: AccessScope, key: HistoricalKey, visiblePods: QueryService): boolean {
  if (scope.unrestricted) return true;
  switch (key.kind) {
    case 'cluster':
      return scope.cluster;
    case 'node':
    case 'systemContainer':
      return scope.nodes;
    case 'namespace':
    case 'pod':
    case 'podContainer':
    case 'workload':
      return scope.namespace(key.namespace);
    case 'podUid':
    case 'podUidContainer':
      return scope.cluster || namespaceOfPodUid(visiblePods, key.podId) !== undefined;
  }
}

/** What InfluxDB answers for a series it does not have (history.ts `parseSeries`). */
const noSeries = (): HistoricalSeries => ({ valueType: 'float', points: [] });

/**
 * Runs `read` on the visible items only and puts `absent()` where hidden ones were, keeping order.
 * Nothing is sent when every item is hidden.
 */
async function visibleOnly<T, R>(items: readonly T[], visible: (item: T) => boolean, read: (items: T[]) => Promise<R[]>, absent: () => R): Promise<R[]> {
  const shown = items.map(visible);
  const asked = items.filter((_, i) => shown[i]);
  const answers = asked.length === 0 ? [] : await read(asked);
  let next = 0;
  return shown.map((isShown) => (isShown ? answers[next++]! : absent()));
}

/**
 * The historical source as `scope` sees it; `history` itself for the unrestricted scope.
 * `visiblePods` is the query service scoped the same way (it resolves pod UIDs).
 */
export function scopeHistory(history: InfluxHistory, scope: AccessScope, visiblePods: QueryService): InfluxHistory {
  if (scope.unrestricted) return history;
  const visible = (key: HistoricalKey) => historicalKeyVisible(scope, key, visiblePods);
  const scoped: InfluxHistory = {
    async metricNames(key, signal) {
      checkKey(key);
      return visible(key) ? history.metricNames(key, signal) : [];
    },
    nodes: async (signal) => (scope.nodes ? history.nodes(signal) : []),
    namespaces: async (signal) => (await history.namespaces(signal)).filter((name) => scope.namespace(name)),
    async podsOf(namespace, signal) {
      checkKey({ kind: 'namespace', namespace });
      return scope.namespace(namespace) ? history.podsOf(namespace, signal) : [];
    },
    async systemContainersOf(node, signal) {
      checkKey({ kind: 'node', node });
      return scope.nodes ? history.systemContainersOf(node, signal) : [];
    },
    series: (keys, metric, labels, range, signal) => scoped.seriesBatch(keys.map((key) => ({ key, metric, ...(labels ? { labels } : {}), ...range })), signal),
    async seriesBatch(requests, signal) {
      // The statement builder's checks, in request order, exactly as the source would run them.
      for (const request of requests) rawStatement(request, false);
      return visibleOnly(requests, (r) => visible(r.key), (asked) => history.seriesBatch(asked, signal), noSeries);
    },
    async aggregate(keys, metric, aggregations, request, signal) {
      const bucketMs = request.bucketMs ?? 0;
      for (const key of keys) aggregateStatement({ key, metric, aggregations, labels: request.labels, bucketMs, startMs: request.startMs, endMs: request.endMs, withFields: false });
      const none = (): HistoricalAggregation => ({ bucketSizeMs: bucketMs, buckets: [], valueTypes: {} });
      return visibleOnly(keys, visible, (asked) => history.aggregate(asked, metric, aggregations, request, signal), none);
    },
    close: () => history.close(),
  };
  return scoped;
}
