/**
 * Runs a validated operation against the schema with a fresh operation context, and turns a
 * blown points budget into one error with no data: a client never gets a silently truncated
 * answer.
 *
 * Queries run through graphql-jit by default: each (document, operation) is compiled once into a
 * JavaScript function (cached per parsed document, which the document caches keep), which runs
 * this schema's dashboard queries about twice as fast as graphql-js (docs/api-graphql.md,
 * "Executor"). Subscription executions, one per distinct subscription per batch, use graphql-js.
 *
 * @module
 */
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { OperationContext } from './context.js';
import { toGraphQLError } from './errors.js';
import { execute, getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema, type OperationDefinitionNode } from './graphqlJs.js';

/** Which engine runs queries. */
export type ExecutorKind = 'jit' | 'graphql-js';

/** One run of an operation. */
export interface ExecuteArgs {
  readonly document: DocumentNode;
  readonly operationName?: string | null | undefined;
  readonly variableValues?: Readonly<Record<string, unknown>> | null | undefined;
  readonly contextValue: OperationContext;
  /** The published batch for a subscription's shared execution. */
  readonly rootValue?: unknown;
}

/** Runs operations of one schema. */
export interface OperationExecutor {
  run(args: ExecuteArgs): Promise<ExecutionResult>;
}

/**
 * graphql-jit reports errors as look-alikes of GraphQLError without `extensions`, which Apollo's
 * error formatting needs; they become real ones here, keeping path, locations and cause.
 */
function realErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  const errors = result.errors.map((e) => {
    const error = new GraphQLError(e.message, { path: e.path, originalError: e.originalError, extensions: e.extensions });
    if (e.locations) Object.defineProperty(error, 'locations', { value: e.locations, enumerable: true });
    return error;
  });
  return { ...result, errors };
}

interface Compiled {
  readonly operation: OperationDefinitionNode;
  readonly query: CompiledQuery | ExecutionResult;
}

/** An executor over graphql-jit (queries) or graphql-js (everything). */
export function createExecutor(schema: GraphQLSchema, kind: ExecutorKind = 'jit'): OperationExecutor {
  const compiled = new WeakMap<DocumentNode, Map<string, Compiled | undefined>>();

  function compiledFor(document: DocumentNode, operationName: string | null | undefined): Compiled | undefined {
    if (kind !== 'jit') return undefined;
    let byOperation = compiled.get(document);
    if (!byOperation) compiled.set(document, (byOperation = new Map()));
    const name = operationName ?? '';
    if (byOperation.has(name)) return byOperation.get(name);
    const operation = getOperationAST(document, operationName);
    const entry = operation?.operation === 'query' ? { operation, query: compileQuery(schema, document, operationName ?? undefined) } : undefined;
    byOperation.set(name, entry);
    return entry;
  }

  return {
    async run({ document, operationName, variableValues, contextValue, rootValue }) {
      const compiledQuery = compiledFor(document, operationName);
      let result: ExecutionResult;
      if (compiledQuery === undefined) result = await execute({ schema, document, operationName, variableValues, contextValue, rootValue });
      else if (!isCompiledQuery(compiledQuery.query)) result = compiledQuery.query;
      else {
        // graphql-js coerces variables with errors that name the variable definition (clients and
        // Apollo map those to BAD_USER_INPUT); graphql-jit then coerces the same input again.
        const coerced = getVariableValues(schema, compiledQuery.operation.variableDefinitions ?? [], variableValues ?? {}, { maxErrors: 50 });
        result = coerced.errors ? { errors: coerced.errors } : realErrors(await compiledQuery.query.query(rootValue, contextValue, variableValues));
      }
      const exceeded = contextValue.points.exceeded;
      return exceeded ? { errors: [toGraphQLError(exceeded)] } : result;
    },
  };
}
