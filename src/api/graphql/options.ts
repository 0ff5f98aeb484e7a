/**
 * Options of the GraphQL surface: every limit, with its default, validated once at start-up.
 * The command line maps each to a flag.
 *
 * @module
 */
import { GraphqlSurfaceError } from './errors.js';
import type { ExecutorKind } from './execute.js';

/** One shared execution of a subscription for one batch (see {@link GraphqlSurfaceOptions.onSubscriptionExecution}). */
export interface SubscriptionExecutionEvent {
  /** Identity of the subscription: a digest of its document, operation name and variables. */
  readonly subscriptionKey: string;
  /** Timestamp of the batch the subscription was executed for. */
  readonly batchTimestamp: number;
  /** Subscribers the one result went to. */
  readonly subscribers: number;
  /** Subscribers that skipped this batch because their socket was backed up. */
  readonly skipped: number;
  /** Execution time, ms. */
  readonly durationMs: number;
}

/** Which page the surface serves to a browser opening `/graphql`. */
export type LandingPage = 'offline' | 'none';

/** Options of `createGraphqlSurface`. */
export interface GraphqlSurfaceOptions {
  /**
   * Deepest nesting of fields an operation may have; a root field is depth 1. Deeper operations
   * are rejected with `DEPTH_LIMIT_EXCEEDED` before execution.
   * @default 15
   */
  maxDepth?: number;
  /**
   * Highest estimated cost of an operation: each field costs 1, each metric read (`metric`,
   * `latest`, `aggregate`, `labeledMetric`, `metricNames`) 2, and a list multiplies what is under
   * it by its page size (`first`, else the default page size) or, for unpaged lists, by 10.
   * Costlier operations are rejected with `COST_LIMIT_EXCEEDED` before execution.
   * @default 50000
   */
  maxCost?: number;
  /** Most aliased fields an operation may use; more are rejected with `ALIAS_LIMIT_EXCEEDED`. @default 50 */
  maxAliases?: number;
  /**
   * Most points (series points and aggregation buckets) one operation may return. The operation
   * that reaches it fails whole with `POINTS_LIMIT_EXCEEDED`; no partial data is sent.
   * @default 100000
   */
  maxPointsPerOperation?: number;
  /** Page size of a list when `first` is absent. @default 100 */
  defaultPageSize?: number;
  /** Largest `first` accepted; more is rejected with `BAD_USER_INPUT`. @default 1000 */
  maxPageSize?: number;
  /** Most active subscriptions on one WebSocket; one more gets `SUBSCRIPTION_LIMIT_EXCEEDED`. @default 100 */
  maxSubscriptionsPerConnection?: number;
  /** Most open WebSocket connections; an upgrade beyond it is refused with HTTP 503. @default 10000 */
  maxConnections?: number;
  /** A WebSocket that sends no `connection_init` within this time is closed with 4408. @default 3000 */
  connectionInitTimeoutMs?: number;
  /**
   * Largest HTTP request body and largest incoming WebSocket message. A bigger body gets HTTP 413
   * (`PAYLOAD_TOO_LARGE`); a bigger message closes the socket with 1009.
   * @default 262144 (256 KiB)
   */
  maxPayloadBytes?: number;
  /**
   * Bytes queued on a subscriber's socket above which it is a slow consumer: it skips batches
   * (nothing is queued for it) until its socket drains.
   * @default 1048576 (1 MiB)
   */
  slowConsumerBufferedBytes?: number;
  /** A slow consumer that skips this many batches in a row is disconnected with 1013. @default 5 */
  slowConsumerMaxSkippedBatches?: number;
  /** Interval of WebSocket pings; a peer that does not answer within it is terminated. 0 = off. @default 12000 */
  keepAliveMs?: number;
  /** Parsed and validated subscription documents kept (HTTP documents are cached by Apollo). @default 1000 */
  documentCacheSize?: number;
  /**
   * `offline`: a self-contained query page (no CDN, works without internet access) for browsers
   * opening `/graphql`; `none`: no page (browsers get a plain 400 from the GraphQL endpoint).
   * @default 'offline'
   */
  landingPage?: LandingPage;
  /** Answer introspection queries (code generators and the landing page need them). @default true */
  introspection?: boolean;
  /**
   * Engine for queries: `jit` compiles each document once with graphql-jit (about twice as fast
   * on this schema, see docs/api-graphql.md); `graphql-js` interprets it. Subscriptions always
   * run on graphql-js.
   * @default 'jit'
   */
  executor?: ExecutorKind;
  /** Called after every shared execution of a subscription for a batch (metrics, tests). @default none */
  onSubscriptionExecution?: (event: SubscriptionExecutionEvent) => void;
}

/** Options with every default applied. */
export type ResolvedGraphqlOptions = Required<Omit<GraphqlSurfaceOptions, 'onSubscriptionExecution'>> & Pick<GraphqlSurfaceOptions, 'onSubscriptionExecution'>;

function integer(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new GraphqlSurfaceError('invalid_option', `${name} must be an integer from ${min} to ${max}, received ${JSON.stringify(value) ?? String(value)}`, { option: name });
  }
  return value;
}

/** Applies defaults and checks every member; errors name the option and what was received. */
export function resolveGraphqlOptions(options: GraphqlSurfaceOptions = {}): ResolvedGraphqlOptions {
  const {
    maxDepth = 15,
    maxCost = 50_000,
    maxAliases = 50,
    maxPointsPerOperation = 100_000,
    defaultPageSize = 100,
    maxPageSize = 1_000,
    maxSubscriptionsPerConnection = 100,
    maxConnections = 10_000,
    connectionInitTimeoutMs = 3_000,
    maxPayloadBytes = 262_144,
    slowConsumerBufferedBytes = 1_048_576,
    slowConsumerMaxSkippedBatches = 5,
    keepAliveMs = 12_000,
    documentCacheSize = 1_000,
    landingPage = 'offline',
    introspection = true,
    executor = 'jit',
    onSubscriptionExecution,
  } = options;
  if (executor !== 'jit' && executor !== 'graphql-js') {
    throw new GraphqlSurfaceError('invalid_option', `executor must be "jit" or "graphql-js", received ${JSON.stringify(executor)}`, { option: 'executor' });
  }
  if (landingPage !== 'offline' && landingPage !== 'none') {
    throw new GraphqlSurfaceError('invalid_option', `landingPage must be "offline" or "none", received ${JSON.stringify(landingPage)}`, { option: 'landingPage' });
  }
  if (typeof introspection !== 'boolean') {
    throw new GraphqlSurfaceError('invalid_option', `introspection must be a boolean, received ${typeof introspection}`, { option: 'introspection' });
  }
  if (onSubscriptionExecution !== undefined && typeof onSubscriptionExecution !== 'function') {
    throw new GraphqlSurfaceError('invalid_option', `onSubscriptionExecution must be a function, received ${typeof onSubscriptionExecution}`, { option: 'onSubscriptionExecution' });
  }
  const resolved: ResolvedGraphqlOptions = {
    maxDepth: integer('maxDepth', maxDepth, 1, 1_000),
    maxCost: integer('maxCost', maxCost, 1, Number.MAX_SAFE_INTEGER),
    maxAliases: integer('maxAliases', maxAliases, 0, 100_000),
    maxPointsPerOperation: integer('maxPointsPerOperation', maxPointsPerOperation, 1, Number.MAX_SAFE_INTEGER),
    defaultPageSize: integer('defaultPageSize', defaultPageSize, 1, 1_000_000),
    maxPageSize: integer('maxPageSize', maxPageSize, 1, 1_000_000),
    maxSubscriptionsPerConnection: integer('maxSubscriptionsPerConnection', maxSubscriptionsPerConnection, 1, 1_000_000),
    maxConnections: integer('maxConnections', maxConnections, 1, 10_000_000),
    connectionInitTimeoutMs: integer('connectionInitTimeoutMs', connectionInitTimeoutMs, 1, 3_600_000),
    maxPayloadBytes: integer('maxPayloadBytes', maxPayloadBytes, 1_024, 1_073_741_824),
    slowConsumerBufferedBytes: integer('slowConsumerBufferedBytes', slowConsumerBufferedBytes, 1, Number.MAX_SAFE_INTEGER),
    slowConsumerMaxSkippedBatches: integer('slowConsumerMaxSkippedBatches', slowConsumerMaxSkippedBatches, 1, 1_000_000),
    keepAliveMs: integer('keepAliveMs', keepAliveMs, 0, 3_600_000),
    documentCacheSize: integer('documentCacheSize', documentCacheSize, 1, 1_000_000),
    landingPage,
    introspection,
    executor,
    onSubscriptionExecution,
  };
  if (resolved.defaultPageSize > resolved.maxPageSize) {
    throw new GraphqlSurfaceError('invalid_option', `defaultPageSize (${resolved.defaultPageSize}) must not exceed maxPageSize (${resolved.maxPageSize})`, { option: 'defaultPageSize' });
  }
  return resolved;
}
