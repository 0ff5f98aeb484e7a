/**
 * GraphQL over HTTP on the shared node:http server: Apollo Server 5 through its plain
 * `executeHTTPGraphQLRequest` integration. Apollo parses, validates and caches documents, runs
 * the surface's limits as a plugin and formats errors through the surface's one table; the
 * operation itself runs on the surface's executor (graphql-jit), which Apollo accepts through its
 * gateway interface — the one way Apollo 5 takes a custom executor. Also the offline landing
 * page (or none).
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap, type ApolloServerOptionsWithGateway, type ApolloServerPlugin, type HTTPGraphQLRequest } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled } from '@apollo/server/plugin/disabled';
import type { Logger } from '../../core/log.js';
import type { SelfMetrics } from '../../core/selfMetrics.js';
import { requestScope } from '../auth/requestAccess.js';
import type { RouteHandler } from '../server.js';
import { createOperationContext, type ContextSettings, type OperationContext } from './context.js';
import { errorTable, formatGraphqlError, GraphqlSurfaceError, toGraphQLError } from './errors.js';
import type { OperationExecutor } from './execute.js';
import type { GraphQLSchema } from './graphqlJs.js';
import { renderLandingPage } from './landingPage.js';
import { checkDocumentNesting, maxDocumentTokens } from './documentShape.js';
import { analyzeOperation, enforceLimits, type OperationLimits } from './limits.js';
import type { LandingPage } from './options.js';

/** The path GraphQL is served on (HTTP and WebSocket). */
export const graphqlPath = '/graphql';

/** Options of {@link createGraphqlHttp}. */
export interface GraphqlHttpOptions {
  schema: GraphQLSchema;
  executor: OperationExecutor;
  sdl: string;
  settings: ContextSettings;
  limits: OperationLimits;
  maxPayloadBytes: number;
  landingPage: LandingPage;
  introspection: boolean;
  logger: Logger;
  metrics: SelfMetrics;
}

/** The HTTP side of the surface. */
export interface GraphqlHttp {
  readonly handler: RouteHandler;
  stop(): Promise<void>;
}

/** Rejects, before it runs, a subscription (it needs the WebSocket) or an operation over the static limits. */
function limitsPlugin(limits: OperationLimits): ApolloServerPlugin<OperationContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          try {
            if (operation.operation === 'subscription') {
              throw new GraphqlSurfaceError('wrong_transport', `Subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on ${graphqlPath}`);
            }
            enforceLimits(analyzeOperation(schema, document, operation, request.variables, limits.defaultPageSize), limits);
          } catch (error) {
            throw toGraphQLError(error);
          }
        },
      };
    },
  };
}

/** Hands Apollo the schema and the surface's executor (Apollo's gateway interface, without a gateway). */
function executorGateway(schema: GraphQLSchema, sdl: string, executor: OperationExecutor): ApolloServerOptionsWithGateway<OperationContext>['gateway'] {
  let onSchema: ((schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | undefined;
  return {
    onSchemaLoadOrUpdate(callback) {
      onSchema = callback;
      return () => (onSchema = undefined);
    },
    async load() {
      onSchema?.({ apiSchema: schema, coreSupergraphSdl: sdl });
      return {
        executor: (request) =>
          executor.run({ document: request.document, operationName: request.operationName, variableValues: request.request.variables, contextValue: request.context as OperationContext }),
      };
    },
    async stop() {},
  };
}

/** Reads a request body up to `maxBytes`; undefined when it is larger. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function wantsHtml(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('text/html');
}

/** Creates the Apollo server and the route handler for `/graphql`. */
export async function createGraphqlHttp(options: GraphqlHttpOptions): Promise<GraphqlHttp> {
  const { schema, executor, sdl, settings, limits, maxPayloadBytes, landingPage, introspection, logger, metrics } = options;
  const apollo = new ApolloServer<OperationContext>({
    gateway: executorGateway(schema, sdl, executor),
    introspection,
    // Bounds parsing, validation and the limits walk (fragment chains); see documentShape.ts.
    parseOptions: { maxTokens: maxDocumentTokens },
    includeStacktraceInErrorResponses: false,
    // The process's own SIGTERM handling stops the surface; Apollo must not exit on its own.
    stopOnTerminationSignals: false,
    // Cache-control hints are not used; the plugin would wrap every resolver to collect them.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginCacheControlDisabled(), limitsPlugin(limits)],
    formatError: (formatted, error) => formatGraphqlError(formatted, error, (internal) => logger.error({ err: internal }, 'graphql resolver failed')),
    logger: {
      debug: (message) => logger.debug(message),
      info: (message) => logger.info(message),
      warn: (message) => logger.warn(message),
      error: (message) => logger.error(message),
    },
  });
  await apollo.start();
  const page = landingPage === 'offline' ? renderLandingPage(sdl) : undefined;

  async function serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> {
    const method = (req.method ?? 'GET').toUpperCase();
    if (page && method === 'GET' && url.search === '' && wantsHtml(req)) {
      res.writeHead(200, page.headers);
      res.end(page.html);
      return 200;
    }
    let body: unknown;
    if (method === 'POST') {
      const text = await readBody(req, maxPayloadBytes);
      if (text === undefined) {
        const { graphqlCode, httpStatus } = errorTable['graphql:payload_too_large']!;
        const error = new GraphqlSurfaceError('payload_too_large', `The request body exceeds ${maxPayloadBytes} bytes`, { limit: maxPayloadBytes });
        sendJson(res, httpStatus, { errors: [{ message: error.message, extensions: { code: graphqlCode, ...error.context } }] });
        // The rest of an oversized body is not read; the connection cannot be reused.
        res.once('finish', () => req.destroy());
        return httpStatus;
      }
      const type = req.headers['content-type'] ?? '';
      if (type.includes('json')) {
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          sendJson(res, 400, { errors: [{ message: 'The request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
          return 400;
        }
      } else body = text;
    }
    // Before Apollo parses it: an error thrown from a plugin before parsing becomes a 500.
    const query = method === 'GET' ? url.searchParams.get('query') : (body as { query?: unknown } | undefined)?.query;
    if (typeof query === 'string') {
      try {
        checkDocumentNesting(query, limits.maxDepth);
      } catch (error) {
        if (!(error instanceof GraphqlSurfaceError)) throw error;
        const { graphqlCode, httpStatus } = errorTable[`graphql:${error.code}`]!;
        sendJson(res, httpStatus, { errors: [{ message: error.message, extensions: { code: graphqlCode, ...error.context } }] });
        return httpStatus;
      }
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = { method, headers, search: url.search, body };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: async () => createOperationContext(settings, requestScope(req)) });
    const status = response.status ?? 200;
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = status;
    if (response.body.kind === 'complete') res.end(response.body.string);
    else {
      for await (const chunk of response.body.asyncIterator) res.write(chunk);
      res.end();
    }
    return status;
  }

  const handler: RouteHandler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== graphqlPath && url.pathname !== `${graphqlPath}/`) return false;
    const started = process.hrtime.bigint();
    const status = await serve(req, res, url);
    metrics.httpRequests.inc({ handler: 'graphql', method: req.method ?? 'GET', code: String(status) });
    metrics.httpRequestDuration.observe({ handler: 'graphql' }, Number(process.hrtime.bigint() - started) / 1_000);
    return true;
  };
  return { handler, stop: () => apollo.stop() };
}
