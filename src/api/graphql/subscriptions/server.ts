/**
 * graphql-ws on `/graphql` of the shared server, extended only through graphql-ws's options:
 * `onConnect` decides the caller when there is a front door (access.ts) and keeps its scope for
 * the connection; `onSubscribe` enforces the per-connection subscription limit, parses and
 * validates through the document cache and checks the static limits; `subscribe` joins the
 * shared fan-out of the caller's scope;
 * `onNext` sends the result formatted once per execution. The connection limit is applied at
 * the HTTP upgrade, the payload limit by ws (`maxPayload`, close 1009).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createSourceEventStream, getOperationAST, GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLSchema } from '../graphqlJs.js';
import { CloseCode } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../../core/log.js';
import type { LiveFeed } from '../../../sinks/liveFeed.js';
import { UNRESTRICTED, type AccessControl, type AccessScope } from '../../auth/types.js';
import { createOperationContext, type ContextSettings, type OperationContext } from '../context.js';
import type { DocumentCache } from '../documents.js';
import { formatGraphqlError, GraphqlSurfaceError, toGraphQLError } from '../errors.js';
import type { OperationExecutor } from '../execute.js';
import { graphqlPath } from '../http.js';
import { analyzeOperation, enforceLimits, type OperationLimits } from '../limits.js';
import type { ResolvedGraphqlOptions } from '../options.js';
import { decideConnection } from './access.js';
import { createFanout, type Fanout } from './fanout.js';
import { serveGraphqlWs } from './wsGlue.js';

/** The context of an operation received over a WebSocket. */
interface SocketOperationContext extends OperationContext {
  readonly socket: WebSocket;
  /** Digest of scope key, query, operation name and variables: the fan-out group. */
  readonly subscriptionKey: string;
}

/** Options of {@link createSubscriptionServer}. */
export interface SubscriptionServerOptions {
  schema: GraphQLSchema;
  documents: DocumentCache;
  executor: OperationExecutor;
  settings: ContextSettings;
  limits: OperationLimits;
  feed: LiveFeed;
  options: ResolvedGraphqlOptions;
  logger: Logger;
  /** The front door; absent, every connection sees everything. */
  access?: AccessControl | undefined;
}

/** The WebSocket side of the surface. */
export interface SubscriptionServer {
  /** Takes WebSocket upgrades of `/graphql` on `server`. */
  attach(server: Server): void;
  readonly fanout: Fanout;
  /** Open WebSocket connections. */
  connectionCount(): number;
  /** Ends every subscription, closes every socket with 1001 and releases the feed. */
  stop(): Promise<void>;
}

/** JSON with object keys sorted, so equal variables give equal keys. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Time the stop waits for clients to finish the close handshake before cutting them. */
const closeGraceMs = 1_000;

/** Creates the subscription server (not yet attached). */
export function createSubscriptionServer({ schema, documents, executor, settings, limits, feed, options, logger, access }: SubscriptionServerOptions): SubscriptionServer {
  const log = (error: unknown) => logger.error({ err: error }, 'graphql resolver failed');
  const format = (result: ExecutionResult): FormattedExecutionResult => ({
    ...(result.data !== undefined ? { data: result.data } : {}),
    ...(result.errors ? { errors: result.errors.map((e) => formatGraphqlError(e.toJSON(), e, log)) } : {}),
  });
  const fanout = createFanout({
    feed,
    executor,
    createContext: (scope) => createOperationContext(settings, scope),
    format,
    slowConsumerBytes: options.slowConsumerBufferedBytes,
    maxSkippedBatches: options.slowConsumerMaxSkippedBatches,
    onExecution: options.onSubscriptionExecution,
    logger,
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
  /** The scope of each accepted connection (only kept when there is a front door). */
  const scopes = new WeakMap<WebSocket, AccessScope>();
  const disposable = serveGraphqlWs<Record<string, unknown> | undefined>(
    {
      schema,
      connectionInitWaitTimeout: options.connectionInitTimeoutMs,
      async onConnect(ctx) {
        if (!access) return true;
        const decision = await decideConnection(access, ctx.extra.request, ctx.connectionParams);
        if (decision.ok) {
          scopes.set(ctx.extra.socket, decision.scope);
          return true;
        }
        if (decision.status === 500) {
          logger.warn({ reason: decision.message }, 'graphql-ws connection could not be reviewed');
          ctx.extra.socket.close(CloseCode.InternalServerError, 'Internal server error');
        }
        // graphql-ws closes with 4403 Forbidden (a socket already closing stays as it is).
        return false;
      },
      onSubscribe(ctx, _id, payload) {
        // graphql-ws registers the subscription before this hook, so the count includes it.
        if (Object.keys(ctx.subscriptions).length > options.maxSubscriptionsPerConnection) {
          const limit = options.maxSubscriptionsPerConnection;
          return [toGraphQLError(new GraphqlSurfaceError('subscription_limit', `This connection already has ${limit} subscriptions; the limit is ${limit}`, { limit }))];
        }
        const cached = documents.get(payload.query);
        if (cached.errors) return cached.errors;
        const { document } = cached;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify the operation: give operationName when the document has several')];
        try {
          enforceLimits(analyzeOperation(schema, document, operation, payload.variables, limits.defaultPageSize), limits);
        } catch (error) {
          return [toGraphQLError(error)];
        }
        // Acknowledged connections passed onConnect, so with a front door their scope is known.
        const scope = access ? scopes.get(ctx.extra.socket) : UNRESTRICTED;
        if (!scope) return [toGraphQLError(new GraphqlSurfaceError('forbidden', 'This connection was not allowed'))];
        // Callers of different scopes see different data: they never share an execution.
        const subscriptionKey = createHash('sha256')
          .update(`${scope.key}\u0000${payload.query}\u0000${payload.operationName ?? ''}\u0000${stableJson(payload.variables ?? {})}`)
          .digest('base64url');
        const contextValue: SocketOperationContext = { ...createOperationContext(settings, scope), socket: ctx.extra.socket, subscriptionKey };
        return { schema, document, operationName: payload.operationName, variableValues: payload.variables, contextValue };
      },
      execute: (args) => executor.run({ ...args, contextValue: args.contextValue as OperationContext }),
      async subscribe(args) {
        const context = args.contextValue as SocketOperationContext;
        if (!fanout.has(context.subscriptionKey)) {
          // Runs the fields' `subscribe`, which only validates arguments (resolvers/live.ts).
          const stream = await createSourceEventStream(args);
          if (!(Symbol.asyncIterator in stream)) return stream;
        }
        return fanout.join({
          key: context.subscriptionKey,
          scope: context.scope,
          document: args.document,
          operationName: args.operationName,
          variableValues: args.variableValues,
          socket: context.socket,
        });
      },
      onNext: (_ctx, _id, _payload, _args, result) => fanout.formatted(result) ?? format(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatGraphqlError(e.toJSON(), e, log)),
    },
    wss,
    options.keepAliveMs,
    logger,
  );

  let attached: { server: Server; onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void } | undefined;
  return {
    fanout,
    attach(server) {
      const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        // Upgrades of other paths belong to other surfaces.
        if (path !== graphqlPath && path !== `${graphqlPath}/`) return;
        if (wss.clients.size >= options.maxConnections) {
          refuse(socket, 503, 'Service Unavailable');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      };
      server.on('upgrade', onUpgrade);
      attached = { server, onUpgrade };
    },
    connectionCount: () => wss.clients.size,
    async stop() {
      if (attached) attached.server.off('upgrade', attached.onUpgrade);
      fanout.stop();
      const clients = [...wss.clients];
      const closed = Promise.all(clients.map((c) => (c.readyState === c.CLOSED ? undefined : new Promise((r) => c.once('close', r)))));
      for (const client of clients) client.close(1001, 'Going away');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, closeGraceMs)))]);
      clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
    },
  };
}
