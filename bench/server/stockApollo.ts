/**
 * The P4 baseline: a stock Apollo Server 5 (`startStandaloneServer`, default options) built from
 * the same SDL and the same resolver map as Heapgraph's surface, answering from the same query
 * service — so the only difference measured is what the surface adds or saves around execution
 * (limits, caches, shared work). Nothing here is tuned: no plugins, no document cache beyond
 * Apollo's default, no JIT, no memo shared between requests.
 *
 * @module
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createBatchMemo, createOperationContext, type ContextSettings, type OperationContext } from '../../src/api/graphql/context.js';
import { resolvers } from '../../src/api/graphql/resolvers/index.js';
import { schemaSource } from '../../src/api/graphql/schema.js';
import type { QueryService } from '../../src/api/query/types.js';

/** A running stock server. */
export interface StockApollo {
  /** `http://127.0.0.1:<port>/` (standalone serves GraphQL on every path). */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts the stock server on a free loopback port. */
export async function startStockApollo(query: QueryService, resolutionMs: number): Promise<StockApollo> {
  // The surface's defaults (options.ts), so both servers page and cap alike. The resolvers
  // need a batch memo; a fresh one per request keeps stock from sharing work across requests.
  const settings = (): ContextSettings => ({ query, batchMemo: createBatchMemo(query), pages: { defaultPageSize: 100, maxPageSize: 1_000 }, resolutionMs, maxPointsPerOperation: 100_000 });
  const server = new ApolloServer<OperationContext>({ typeDefs: schemaSource(), resolvers, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 }, context: async () => createOperationContext(settings()) });
  return { url, stop: () => server.stop() };
}
