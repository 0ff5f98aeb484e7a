/**
 * A token holder's {@link AccessScope}, asked of the API server the way metrics-server's
 * delegated authorizer asks: `get pods.metrics.k8s.io` in a namespace makes that namespace
 * visible, `get nodes.metrics.k8s.io` the nodes, `list pods.metrics.k8s.io` in every namespace
 * the cluster aggregate; both cluster-wide rights together see everything.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { AccessAttributes, AccessReviewer, ReviewSubject } from './reviewer.js';
import { UNRESTRICTED, type AccessScope } from './types.js';

/** The API group whose permissions decide what a caller sees (metrics-server's). */
export const metricsGroup = 'metrics.k8s.io';

/** The SubjectAccessReview that makes namespace `namespace` visible. */
export const namespaceAttributes = (namespace: string): AccessAttributes => ({ kind: 'resource', verb: 'get', group: metricsGroup, resource: 'pods', namespace });
/** The SubjectAccessReview that makes nodes visible (cluster-scoped). */
export const nodesAttributes: AccessAttributes = { kind: 'resource', verb: 'get', group: metricsGroup, resource: 'nodes', namespace: '' };
/** The SubjectAccessReview that makes the cluster aggregate visible (`namespace: ""` = all namespaces). */
export const clusterAttributes: AccessAttributes = { kind: 'resource', verb: 'list', group: metricsGroup, resource: 'pods', namespace: '' };
/** The SubjectAccessReview that opens `/metrics` (Heapgraph's own Prometheus metrics). */
export const selfMetricsAttributes: AccessAttributes = { kind: 'nonResource', verb: 'get', path: '/metrics' };

/** What a scope is made of. */
export interface ScopeGrants {
  nodes: boolean;
  cluster: boolean;
  namespaces: readonly string[];
}

/**
 * The scope of `grants`. Its key is the SHA-256 of the grants with the namespaces sorted, so two
 * callers see the same data exactly when their keys are equal; both cluster-wide rights give
 * {@link UNRESTRICTED} (key `"*"`).
 */
export function scopeOf({ nodes, cluster, namespaces }: ScopeGrants): AccessScope {
  if (nodes && cluster) return UNRESTRICTED;
  const visible = [...new Set(namespaces)].sort();
  const allowed = new Set(visible);
  const key = createHash('sha256').update(JSON.stringify({ nodes, cluster, namespaces: visible })).digest('hex');
  return Object.freeze({ key, unrestricted: false, nodes, cluster, namespace: (name: string) => allowed.has(name) });
}

/** True when grants show nothing at all (the caller is forbidden everything). */
export function grantsNothing({ nodes, cluster, namespaces }: ScopeGrants): boolean {
  return !nodes && !cluster && namespaces.length === 0;
}

/** Runs `work` over `items` with at most `limit` at a time; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Options of {@link resolveGrants}. */
export interface ResolveGrantsOptions {
  reviewer: AccessReviewer;
  subject: ReviewSubject;
  /** Namespaces that exist now (the informer cache); only these are asked about. */
  namespaces: readonly string[];
  /** Reviews in flight at once for one caller. @default 16 */
  concurrency?: number;
}

/**
 * Asks the cluster-wide questions, then (unless both are allowed, which shows everything) one
 * question per namespace. Rejects with the first review failure: grants are never guessed.
 */
export async function resolveGrants({ reviewer, subject, namespaces, concurrency = 16 }: ResolveGrantsOptions): Promise<ScopeGrants> {
  const [nodes, cluster] = await Promise.all([reviewer.reviewAccess(subject, nodesAttributes), reviewer.reviewAccess(subject, clusterAttributes)]);
  if (nodes && cluster) return { nodes, cluster, namespaces: [] };
  const answers = await mapLimit(namespaces, concurrency, (namespace) => reviewer.reviewAccess(subject, namespaceAttributes(namespace)));
  return { nodes, cluster, namespaces: namespaces.filter((_, i) => answers[i]) };
}
