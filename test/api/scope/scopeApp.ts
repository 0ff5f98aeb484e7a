/**
 * The REST and GraphQL surfaces over the real fixture model (the v1.26 capture decoded three
 * times and run through every processor: two namespaces, `scraper` and `kube-system`, their
 * workloads, the node `minikube` with its system containers, the cluster), served on 127.0.0.1
 * with a front door: a test AccessControl that maps bearer tokens to scopes, and a gate in front
 * of the handlers that records each request's decision with `setRequestAccess`, as the real
 * front door does. Subscriptions get batches when the test publishes them.
 */
import type { IncomingMessage } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { setRequestAccess } from '../../../src/api/auth/requestAccess.js';
import { UNRESTRICTED, type AccessControl, type AccessDecision, type AccessScope } from '../../../src/api/auth/types.js';
import { createGraphqlSurface, type SubscriptionExecutionEvent } from '../../../src/api/graphql/index.js';
import { createQueryService } from '../../../src/api/query/service.js';
import type { QueryService } from '../../../src/api/query/types.js';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { startHttpServer, type RouteHandler } from '../../../src/api/server.js';
import type { SurfaceContext } from '../../../src/api/surface.js';
import { silentLogger } from '../../../src/core/log.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import type { DataBatch } from '../../../src/core/types.js';
import type { InfluxHistory } from '../../../src/sinks/influxdb/historyTypes.js';
import { createLiveFeed, type LiveFeed } from '../../../src/sinks/liveFeed.js';
import type { NodeScrapeStatus } from '../../../src/sources/types.js';
import { createModelStore } from '../../../src/store/modelStore.js';
import type { ModelStore } from '../../../src/store/types.js';
import { fixtureBatches, fixtureKube, nodeName, nowMs, rawGet, stepMs, times, type Fetched } from '../rest/fixtureApi.js';

/** A scope over named namespaces (every namespace with `'*'`). */
export function scopeOf(key: string, namespaces: readonly string[] | '*', rights: { nodes?: boolean; cluster?: boolean } = {}): AccessScope {
  const visible = namespaces === '*' ? undefined : new Set(namespaces);
  return { key, unrestricted: false, nodes: rights.nodes ?? false, cluster: rights.cluster ?? false, namespace: (name) => visible === undefined || visible.has(name) };
}

/** The callers of the tests, by bearer token. */
export const tokens = {
  admin: 'admin-token',
  /** Reads `scraper` only. */
  scraper: 'scraper-token',
  /** Another scope object with the same key as `scraper`: the same caller's rights, reviewed again. */
  scraperAgain: 'scraper-token-2',
  /** Reads `kube-system` only. */
  system: 'system-token',
  /** Reads `scraper` and the nodes. */
  scraperAndNodes: 'scraper-nodes-token',
  /** Reads every namespace's pods (the cluster right) but not nodes. */
  clusterNoNodes: 'cluster-token',
  /** The reviewer fails for this one (TokenReview unavailable). */
  failing: 'review-fails-token',
} as const;

const scopes: Record<string, AccessScope> = {
  [tokens.admin]: UNRESTRICTED,
  [tokens.scraper]: scopeOf('ns:scraper', ['scraper']),
  [tokens.scraperAgain]: scopeOf('ns:scraper', ['scraper']),
  [tokens.system]: scopeOf('ns:kube-system', ['kube-system']),
  [tokens.scraperAndNodes]: scopeOf('ns:scraper+nodes', ['scraper'], { nodes: true }),
  [tokens.clusterNoNodes]: scopeOf('cluster-pods', '*', { cluster: true }),
};

/** A test AccessControl: known tokens are allowed with their scope, the failing one fails, anything else is 401. */
export function createTestAccess(): AccessControl & { readonly reviewed: string[] } {
  const reviewed: string[] = [];
  const decide = (token: string | undefined): AccessDecision => {
    if (token === undefined) return { ok: false, status: 401, message: 'Unauthorized' };
    reviewed.push(token);
    if (token === tokens.failing) return { ok: false, status: 500, message: 'tokenreviews unavailable' };
    const scope = scopes[token];
    return scope ? { ok: true, caller: { user: token, groups: [], via: 'token' }, scope } : { ok: false, status: 401, message: 'Unauthorized' };
  };
  return {
    reviewed,
    async check(req: IncomingMessage) {
      const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
      return decide(match?.[1]);
    },
    async checkToken(token) {
      return decide(token);
    },
  };
}

/** The front door's gate as the tests need it: refuse, or record the decision and pass the request on. */
export function accessGate(access: AccessControl): RouteHandler {
  return async (req, res) => {
    const decision = await access.check(req);
    if (decision.ok) {
      setRequestAccess(req, decision.caller, decision.scope);
      return false;
    }
    res.writeHead(decision.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(decision.message);
    return true;
  };
}

/** A GraphQL answer over HTTP. */
export interface GqlAnswer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** A running app. */
export interface ScopeApp {
  readonly url: string;
  /** The whole (unscoped) query service. */
  readonly query: QueryService;
  readonly store: ModelStore;
  readonly feed: LiveFeed;
  /** The three fixture batches (the first two are stored at start). */
  readonly batches: readonly DataBatch[];
  readonly access: ReturnType<typeof createTestAccess>;
  /** Executions the subscription fan-out reported. */
  readonly executions: SubscriptionExecutionEvent[];
  get(path: string, token: string): Promise<Fetched>;
  gql(query: string, token: string, variables?: Record<string, unknown>): Promise<GqlAnswer>;
  /** A graphql-ws client; `header` goes on the upgrade, `connectionParams` in `connection_init`. */
  wsClient(options: { header?: string; connectionParams?: Record<string, unknown> }): Client;
  /** Stores `batch` and publishes it to the subscriptions. */
  publish(batch: DataBatch): void;
  close(): Promise<void>;
}

/** The scrape status of the fixture's node, as the source manager would report it. */
export const scrapeStatuses: readonly NodeScrapeStatus[] = [
  { nodeName, url: `https://192.168.49.2:10250/stats/summary`, outcome: 'ok', latencyMs: 12, lastSuccessMs: times[1] },
];

/** Options of {@link startScopeApp}. */
export interface ScopeAppOptions {
  /** Mounts `/api/v1/historical` and completes GraphQL ranges older than memory. */
  history?: InfluxHistory;
  /** @default the three fixture batches */
  batches?: readonly DataBatch[];
  /** What the model store holds at start. @default the first two of `batches` */
  inMemory?: readonly DataBatch[];
  /** The surfaces' clock. @default 30 s after the last fixture batch */
  nowMs?: number;
}

/** Starts the app. */
export async function startScopeApp(options: ScopeAppOptions = {}): Promise<ScopeApp> {
  const batches = options.batches ?? fixtureBatches();
  const store = createModelStore();
  for (const batch of options.inMemory ?? batches.slice(0, 2)) store.write(batch);
  const query = createQueryService({ model: store, kube: fixtureKube(), scrapes: { statuses: () => scrapeStatuses } });
  const feed = createLiveFeed();
  const access = createTestAccess();
  const executions: SubscriptionExecutionEvent[] = [];
  const context: SurfaceContext = {
    query,
    feed,
    metrics: createSelfMetrics({ processMetrics: false }),
    logger: silentLogger(),
    clock: () => options.nowMs ?? nowMs,
    resolutionMs: stepMs,
    hasModel: true,
    access,
    ...(options.history ? { history: options.history } : {}),
  };
  const rest = await createRestSurface()(context);
  const graphql = await createGraphqlSurface({ onSubscriptionExecution: (e) => executions.push(e), connectionInitTimeoutMs: 2_000 })(context);
  const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: [accessGate(access), ...rest.handlers, ...graphql.handlers] });
  graphql.attach?.(server.server);
  const clients: Client[] = [];
  const wsUrl = `${server.url.replace(/^http/, 'ws')}/graphql`;
  return {
    url: server.url,
    query,
    store,
    feed,
    batches,
    access,
    executions,
    get: (path, token) => rawGet(`${server.url}${path}`, { authorization: `Bearer ${token}` }),
    async gql(document, token, variables) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: document, ...(variables ? { variables } : {}) }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    wsClient({ header, connectionParams }) {
      const headers = header === undefined ? {} : { authorization: header };
      class HeaderSocket extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers });
        }
      }
      const client = createClient({ url: wsUrl, webSocketImpl: HeaderSocket, lazy: true, retryAttempts: 0, ...(connectionParams ? { connectionParams } : {}) });
      clients.push(client);
      return client;
    },
    publish(batch) {
      store.write(batch);
      feed.publish(batch);
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await graphql.stop?.();
      await server.close();
    },
  };
}

/** Polls `probe` every few milliseconds until it holds (the server's work is asynchronous). */
export async function eventually(probe: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
