/**
 * The seam between the composition root and an API surface (REST routes, GraphQL): a surface
 * gets the shared context and returns its route handlers, optionally takes over WebSocket
 * upgrades on the shared server, and stops with the process.
 *
 * @module
 */
import type { Server } from 'node:http';
import type { Logger } from '../core/log.js';
import type { SelfMetrics } from '../core/selfMetrics.js';
import type { InfluxHistory } from '../sinks/influxdb/historyTypes.js';
import type { LiveFeed } from '../sinks/liveFeed.js';
import type { AccessControl } from './auth/types.js';
import type { RouteHandler } from './server.js';
import type { QueryService } from './query/types.js';

/** Everything a surface may use. */
export interface SurfaceContext {
  query: QueryService;
  /** Stored batches as they arrive. */
  feed: LiveFeed;
  metrics: SelfMetrics;
  logger: Logger;
  /** Milliseconds now (injectable for tests). */
  clock: () => number;
  /** `--metric_resolution`, ms (the metrics API's `window`). */
  resolutionMs: number;
  /** True when the model store exists (`--disable_metric_sink` not given). */
  hasModel: boolean;
  /** The historical source (`--historical_source`): InfluxDB queries for data older than memory. */
  history?: InfluxHistory;
  /**
   * The front door (`--delegated_auth`, client certificates). HTTP requests reach handlers already
   * checked (read their scope with `requestScope(req)`); WebSocket upgrades and graphql-ws
   * `connectionParams` are checked by the surface that accepts them. Absent: everyone sees all.
   */
  access?: AccessControl;
}

/** A mounted API surface. */
export interface Surface {
  /** Tried in order after `/healthz`. */
  handlers: RouteHandler[];
  /** Called once the shared server listens (e.g. to accept WebSocket upgrades on it). */
  attach?(server: Server): void;
  /** Releases sockets and subscriptions; called before the server closes. */
  stop?(): Promise<void>;
}

/** Builds a surface from the context. */
export type SurfaceFactory = (context: SurfaceContext) => Surface | Promise<Surface>;
