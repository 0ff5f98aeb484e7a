/**
 * One test factory for the GraphQL tests: Heapgraph fed by the embedded simulator with the
 * GraphQL (and REST) surfaces mounted, plus small HTTP and graphql-ws clients.
 */
import { createClient, type Client } from 'graphql-ws';
import type { FormattedExecutionResult } from '../../../src/api/graphql/graphqlJs.js';
import WebSocket from 'ws';
import { createRestSurface } from '../../../src/api/rest/index.js';
import { createGraphqlSurface, type GraphqlSurfaceOptions } from '../../../src/api/graphql/index.js';
import { toConfig } from '../../../src/cli/config.js';
import { parseFlags } from '../../../src/cli/flags.js';
import { runHeapgraph, type Heapgraph } from '../../../src/cli/heapgraph.js';
import { silentLogger } from '../../../src/core/log.js';

/** A GraphQL answer over HTTP. */
export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** A running Heapgraph with the GraphQL surface. */
export interface GraphqlApp {
  app: Heapgraph;
  url: string;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<GqlResponse<T>>;
  rest<T = unknown>(path: string): Promise<T>;
  /** A graphql-ws client over the `ws` package (lazy: connects on the first subscription). */
  wsClient(options?: { lazy?: boolean; connectionParams?: Record<string, unknown> }): Client;
  /** Resolves with the next `count` batches the feed publishes. */
  nextBatches(count: number, timeoutMs?: number): Promise<number[]>;
  stop(): Promise<void>;
}

/** Flags of the simulated cluster every GraphQL test uses (small, 1 s batches). */
export const simFlags = ['--source=sim:?nodes=3&podsPerNode=6&seed=7', '--metric_resolution=1s', '--heapster_port=0', '--listen_ip=127.0.0.1'];

/** Starts Heapgraph with GraphQL (with `options`) and REST, and waits for `batches` stored batches. */
export async function startGraphqlApp(options: GraphqlSurfaceOptions = {}, batches = 3): Promise<GraphqlApp> {
  const result = toConfig(parseFlags(simFlags));
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.flag}: ${p.message}`).join('\n'));
  const app = await runHeapgraph(result.config, silentLogger(), { surfaces: [createGraphqlSurface(options), createRestSurface()] });
  const clients: Client[] = [];
  const nextBatches = (count: number, timeoutMs = 20_000) =>
    new Promise<number[]>((resolve, reject) => {
      const seen: number[] = [];
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`only ${seen.length} of ${count} batches within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = app.feed.onBatch((batch) => {
        seen.push(batch.timestamp);
        if (seen.length < count) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(seen);
      });
    });
  const have = app.query.timestamps().length;
  if (have < batches) await nextBatches(batches - have);
  return {
    app,
    url: app.url,
    async gql(query, variables) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as object) };
    },
    async rest(path) {
      const response = await fetch(`${app.url}${path}`);
      if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as never;
    },
    wsClient(clientOptions = {}) {
      const client = createClient({
        url: `${app.url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        lazy: clientOptions.lazy ?? true,
        retryAttempts: 0,
        ...(clientOptions.connectionParams ? { connectionParams: clientOptions.connectionParams } : {}),
      });
      clients.push(client);
      return client;
    },
    nextBatches,
    async stop() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.stop();
    },
  };
}

/** Collects `count` results of a subscription, then unsubscribes. */
export function take<T>(client: Client, query: string, count: number, variables?: Record<string, unknown>): Promise<FormattedExecutionResult<T, unknown>[]> {
  return new Promise((resolve, reject) => {
    const results: FormattedExecutionResult<T, unknown>[] = [];
    const unsubscribe = client.subscribe<T>(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (result) => {
          results.push(result);
          if (results.length === count) {
            unsubscribe();
            resolve(results);
          }
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => {
          if (results.length < count) resolve(results);
        },
      },
    );
  });
}

/** A ms timestamp from the RFC 3339 text the Timestamp scalar writes. */
export function ms(timestamp: string): number {
  return Date.parse(timestamp);
}
