/**
 * The GraphQL surface: the typed graph over the query service at `/graphql` (Apollo Server 5 on
 * the shared node:http server) and live subscriptions over graphql-ws on the same path. With a
 * historical source in the surface context, ranges that start before memory are completed from
 * InfluxDB (history.ts).
 *
 * @module
 */
import { NoSchemaIntrospectionCustomRule } from './graphqlJs.js';
import type { Surface, SurfaceContext, SurfaceFactory } from '../surface.js';
import { createBatchMemo, type ContextSettings } from './context.js';
import { createDocumentCache } from './documents.js';
import { createExecutor } from './execute.js';
import { createGraphqlHttp } from './http.js';
import type { OperationLimits } from './limits.js';
import { resolveGraphqlOptions, type GraphqlSurfaceOptions } from './options.js';
import { createSchema, schemaSource } from './schema.js';
import { createSubscriptionServer } from './subscriptions/server.js';

export type { GraphqlSurfaceOptions, LandingPage, SubscriptionExecutionEvent } from './options.js';
export type { GraphqlErrorCode } from './errors.js';
export { errorTable, GraphqlSurfaceError } from './errors.js';

/**
 * A surface factory serving GraphQL on `/graphql`. Options are validated here, at once: a bad
 * option throws `GraphqlSurfaceError` (`invalid_option`) before anything starts.
 */
export function createGraphqlSurface(options: GraphqlSurfaceOptions = {}): SurfaceFactory {
  const resolved = resolveGraphqlOptions(options);
  return async (context: SurfaceContext): Promise<Surface> => {
    const schema = createSchema();
    const logger = context.logger.child({ surface: 'graphql' });
    const settings: ContextSettings = {
      query: context.query,
      batchMemo: createBatchMemo(context.query),
      pages: { defaultPageSize: resolved.defaultPageSize, maxPageSize: resolved.maxPageSize },
      resolutionMs: context.resolutionMs,
      maxPointsPerOperation: resolved.maxPointsPerOperation,
      ...(context.history ? { history: { source: context.history, logger } } : {}),
    };
    const limits: OperationLimits = { maxDepth: resolved.maxDepth, maxAliases: resolved.maxAliases, maxCost: resolved.maxCost, defaultPageSize: resolved.defaultPageSize };
    const executor = createExecutor(schema, resolved.executor);
    const http = await createGraphqlHttp({
      schema,
      executor,
      sdl: schemaSource(),
      settings,
      limits,
      maxPayloadBytes: resolved.maxPayloadBytes,
      landingPage: resolved.landingPage,
      introspection: resolved.introspection,
      logger,
      metrics: context.metrics,
    });
    const documents = createDocumentCache(schema, resolved.documentCacheSize, resolved.maxDepth, resolved.introspection ? [] : [NoSchemaIntrospectionCustomRule]);
    const subscriptions = createSubscriptionServer({ schema, documents, executor, settings, limits, feed: context.feed, options: resolved, logger, access: context.access });
    return {
      handlers: [http.handler],
      attach: (server) => subscriptions.attach(server),
      async stop() {
        await subscriptions.stop();
        await http.stop();
      },
    };
  };
}
