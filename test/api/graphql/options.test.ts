import { describe, expect, it } from 'vitest';
import { createGraphqlSurface } from '../../../src/api/graphql/index.js';
import { resolveGraphqlOptions } from '../../../src/api/graphql/options.js';
import { errorTable, formatGraphqlError, GraphqlSurfaceError, maskedMessage, toGraphQLError } from '../../../src/api/graphql/errors.js';
import { GraphQLError } from '../../../src/api/graphql/graphqlJs.js';
import { LabelSelectorError } from '../../../src/core/labelSelector.js';
import { StoreError } from '../../../src/store/errors.js';

describe('surface options', () => {
  it('applies the documented defaults', () => {
    expect(resolveGraphqlOptions()).toEqual({
      maxDepth: 15,
      maxCost: 50_000,
      maxAliases: 50,
      maxPointsPerOperation: 100_000,
      defaultPageSize: 100,
      maxPageSize: 1_000,
      maxSubscriptionsPerConnection: 100,
      maxConnections: 10_000,
      connectionInitTimeoutMs: 3_000,
      maxPayloadBytes: 262_144,
      slowConsumerBufferedBytes: 1_048_576,
      slowConsumerMaxSkippedBatches: 5,
      keepAliveMs: 12_000,
      documentCacheSize: 1_000,
      landingPage: 'offline',
      introspection: true,
      executor: 'jit',
      onSubscriptionExecution: undefined,
    });
  });

  it('keeps an override and the other defaults', () => {
    expect(resolveGraphqlOptions({ maxDepth: 4 })).toEqual({ ...resolveGraphqlOptions(), maxDepth: 4 });
  });

  it.each([
    [{ maxDepth: 0 }, 'maxDepth', 'maxDepth must be an integer from 1 to 1000, received 0'],
    [{ maxCost: 1.5 }, 'maxCost', 'maxCost must be an integer from 1 to 9007199254740991, received 1.5'],
    [{ maxPayloadBytes: 10 }, 'maxPayloadBytes', 'maxPayloadBytes must be an integer from 1024 to 1073741824, received 10'],
    [{ connectionInitTimeoutMs: '3s' as unknown as number }, 'connectionInitTimeoutMs', 'connectionInitTimeoutMs must be an integer from 1 to 3600000, received "3s"'],
    [{ executor: 'fast' as 'jit' }, 'executor', 'executor must be "jit" or "graphql-js", received "fast"'],
    [{ landingPage: 'cdn' as 'none' }, 'landingPage', 'landingPage must be "offline" or "none", received "cdn"'],
    [{ defaultPageSize: 500, maxPageSize: 100 }, 'defaultPageSize', 'defaultPageSize (500) must not exceed maxPageSize (100)'],
  ])('rejects %j naming the option', (options, option, message) => {
    expect(() => createGraphqlSurface(options)).toThrow(expect.objectContaining({ name: 'GraphqlSurfaceError', code: 'invalid_option', message, context: { option } }));
  });
});

describe('the error table', () => {
  const log: unknown[] = [];
  const format = (error: GraphQLError) => formatGraphqlError(error.toJSON(), error, (e) => log.push(e));

  it('maps domain errors of every folder to a GraphQL code, keeping their context', () => {
    const store = new GraphQLError('wrapped', { originalError: new StoreError('invalid_range', 'startMs must be a number of ms, received string', { field: 'startMs', received: 'string' }) });
    expect(format(store)).toEqual({ message: 'wrapped', extensions: { code: 'BAD_USER_INPUT', field: 'startMs', received: 'string' } });
    const selector = new GraphQLError('wrapped', { originalError: new LabelSelectorError('label', 'a in (', 6, '', 'bad') });
    expect(format(selector).extensions).toEqual({ code: 'BAD_USER_INPUT', selector: 'a in (', position: 6 });
  });

  it('puts the HTTP status where Apollo reads it, and takes it out of what clients see', () => {
    const error = toGraphQLError(new GraphqlSurfaceError('depth_limit', 'too deep', { depth: 9, limit: 8 }));
    expect(error.extensions).toEqual({ code: 'DEPTH_LIMIT_EXCEEDED', depth: 9, limit: 8, http: { status: 400 } });
    expect(format(error)).toEqual({ message: 'too deep', extensions: { code: 'DEPTH_LIMIT_EXCEEDED', depth: 9, limit: 8 } });
  });

  it('masks unexpected errors and reports them for the log', () => {
    log.length = 0;
    const bug = new TypeError('Cannot read properties of undefined');
    const formatted = format(new GraphQLError(bug.message, { originalError: bug, path: ['pod', 'uid'] }));
    expect(formatted).toEqual({ message: maskedMessage, path: ['pod', 'uid'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(log).toEqual([bug]);
  });

  it('gives every code of the surface a mapping', () => {
    const codes = ['invalid_argument', 'invalid_option', 'depth_limit', 'cost_limit', 'alias_limit', 'points_limit', 'subscription_limit', 'payload_too_large', 'wrong_transport', 'forbidden'];
    for (const code of codes) expect(errorTable[`graphql:${code}`]).toBeDefined();
    for (const code of ['invalid_range', 'invalid_option', 'unknown_aggregation', 'invalid_batch']) expect(errorTable[`store:${code}`]).toBeDefined();
  });
});
