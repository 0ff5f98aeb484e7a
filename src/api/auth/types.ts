/**
 * The access seam between the HTTP front door (TLS, client certificates, bearer tokens) and the
 * API surfaces that enforce what a caller may see. The front door decides *who* calls and
 * *which* namespaces they may read; REST, GraphQL and subscriptions only ask an
 * {@link AccessScope}, so scoping is written once per surface and never re-derived.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** How a caller proved who they are. */
export type CallerVia = 'anonymous' | 'client-cert' | 'token';

/** An authenticated caller. */
export interface Caller {
  /** User name: the client certificate's CN, or TokenReview's `status.user.username`. */
  readonly user: string;
  readonly groups: readonly string[];
  readonly via: CallerVia;
}

/**
 * What one caller may read. Node-level and cluster-level figures sum pods of every namespace,
 * so they are visible only with the matching cluster-wide permission; otherwise they would leak
 * the namespaces the caller may not see.
 */
export interface AccessScope {
  /**
   * Equal keys see exactly the same data, so work done for one (a shared subscription
   * execution) may be shared with the other. `"*"` for unrestricted access.
   */
  readonly key: string;
  /** True when nothing is hidden (auth off, an allowed client certificate, or cluster-wide rights). */
  readonly unrestricted: boolean;
  /** Nodes, their metrics and aggregates (`get nodes.metrics.k8s.io`, cluster-wide). */
  readonly nodes: boolean;
  /** The cluster aggregate and cluster-wide listings (pods.metrics.k8s.io in every namespace). */
  readonly cluster: boolean;
  /** Whether pods, containers, workloads and aggregates of this namespace are visible. */
  namespace(name: string): boolean;
}

/** The front door's answer for one request. */
export type AccessDecision =
  | { readonly ok: true; readonly caller: Caller; readonly scope: AccessScope }
  /** 401: no or bad credentials; 403: authenticated but not allowed here; 500: the reviewer failed. */
  | { readonly ok: false; readonly status: 401 | 403 | 500; readonly message: string };

/** Authenticates callers and computes their scope. */
export interface AccessControl {
  /** Decides an HTTP request, including a WebSocket upgrade request (headers and TLS socket). */
  check(req: IncomingMessage): Promise<AccessDecision>;
  /**
   * Decides a bearer token presented out of band: graphql-ws `connectionParams`
   * (`{ "Authorization": "Bearer <token>" }`), since browsers cannot set headers on a WebSocket.
   */
  checkToken(token: string): Promise<AccessDecision>;
}

/** The scope of a caller who may see everything. */
export const UNRESTRICTED: AccessScope = Object.freeze({
  key: '*',
  unrestricted: true,
  nodes: true,
  cluster: true,
  namespace: () => true,
});
