/**
 * The GraphQL surface's closed error vocabulary and the one table that maps every domain error
 * code reaching it (its own, the store's, the selector parser's, InfluxDB's) to a GraphQL `extensions.code`
 * and an HTTP status. Resolvers throw domain errors; {@link toGraphQLError} and
 * {@link formatGraphqlError} translate them, so no message text is ever branched on.
 *
 * @module
 */
import { CodedError } from '../../core/errors.js';
import { GraphQLError, type GraphQLFormattedError } from './graphqlJs.js';
import { LabelSelectorError } from '../../core/labelSelector.js';
import { InfluxError, type InfluxErrorCode } from '../../sinks/influxdb/errors.js';
import { StoreError } from '../../store/errors.js';

/** Why the GraphQL surface refused something. */
export type GraphqlErrorCode =
  | 'invalid_argument' // an argument is malformed or out of range
  | 'invalid_option' // a GraphqlSurfaceOptions member is out of range (start-up)
  | 'depth_limit' // the operation nests deeper than maxDepth
  | 'cost_limit' // the operation's estimated cost exceeds maxCost
  | 'alias_limit' // the operation uses more aliases than maxAliases
  | 'points_limit' // the operation would return more points than maxPointsPerOperation
  | 'subscription_limit' // the connection already has maxSubscriptionsPerConnection subscriptions
  | 'payload_too_large' // a request body exceeds maxPayloadBytes
  | 'wrong_transport' // a subscription sent over HTTP (subscriptions need the WebSocket)
  | 'forbidden'; // a subscription whose only subject the caller may not see (the cluster, nodes)

/** A refused GraphQL request or option, with the field and the value received. */
export class GraphqlSurfaceError extends CodedError<GraphqlErrorCode> {
  override readonly name = 'GraphqlSurfaceError';
}

/** What a client sees for one domain code. */
export interface ErrorMapping {
  /** `extensions.code` of the GraphQL error. */
  readonly graphqlCode: string;
  /** HTTP status when the error rejects the whole request. */
  readonly httpStatus: number;
}

const badInput: ErrorMapping = { graphqlCode: 'BAD_USER_INPUT', httpStatus: 400 };
const internal: ErrorMapping = { graphqlCode: 'INTERNAL_SERVER_ERROR', httpStatus: 500 };
/** InfluxDB did not answer (refused, reset, timed out): the older part of a range is unavailable for now. */
const historyUnavailable: ErrorMapping = { graphqlCode: 'HISTORY_UNAVAILABLE', httpStatus: 503 };
/** InfluxDB answered with an error or an answer it does not document. */
const historyFailed: ErrorMapping = { graphqlCode: 'HISTORY_FAILED', httpStatus: 502 };

/** Every InfluxDB code (typed, so a new code must be mapped); reaches GraphQL from ranges completed from InfluxDB. */
const influxCodes: Readonly<Record<InfluxErrorCode, ErrorMapping>> = {
  invalid_input: badInput, // a label value (or name) InfluxQL cannot quote
  connection: historyUnavailable,
  aborted: historyUnavailable,
  http_status: historyFailed,
  query_failed: historyFailed,
  malformed_response: historyFailed,
  no_results: internal, // only the REST routes raise it
  invalid_option: internal, // only the sink's start-up raises it
};

/** Every domain code that reaches GraphQL, keyed `<folder>:<code>`. The one place codes are mapped. */
export const errorTable: Readonly<Record<string, ErrorMapping>> = {
  'graphql:invalid_argument': badInput,
  'graphql:invalid_option': internal,
  'graphql:depth_limit': { graphqlCode: 'DEPTH_LIMIT_EXCEEDED', httpStatus: 400 },
  'graphql:cost_limit': { graphqlCode: 'COST_LIMIT_EXCEEDED', httpStatus: 400 },
  'graphql:alias_limit': { graphqlCode: 'ALIAS_LIMIT_EXCEEDED', httpStatus: 400 },
  'graphql:points_limit': { graphqlCode: 'POINTS_LIMIT_EXCEEDED', httpStatus: 400 },
  'graphql:subscription_limit': { graphqlCode: 'SUBSCRIPTION_LIMIT_EXCEEDED', httpStatus: 429 },
  'graphql:payload_too_large': { graphqlCode: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
  'graphql:wrong_transport': { graphqlCode: 'BAD_REQUEST', httpStatus: 400 },
  'graphql:forbidden': { graphqlCode: 'FORBIDDEN', httpStatus: 403 },
  'store:invalid_range': badInput,
  'store:invalid_option': badInput,
  'store:unknown_aggregation': badInput,
  'store:invalid_batch': internal,
  'selector:invalid_selector': badInput,
  ...Object.fromEntries(Object.entries(influxCodes).map(([code, mapping]) => [`influx:${code}`, mapping])),
};

/** The table entry of a domain error, undefined for anything else. */
export function mappingOf(error: unknown): { mapping: ErrorMapping; context: Readonly<Record<string, string | number>> } | undefined {
  if (error instanceof GraphqlSurfaceError) return { mapping: errorTable[`graphql:${error.code}`]!, context: error.context };
  if (error instanceof StoreError) return { mapping: errorTable[`store:${error.code}`]!, context: error.context };
  if (error instanceof InfluxError) return { mapping: errorTable[`influx:${error.code}`]!, context: error.context };
  if (error instanceof LabelSelectorError) {
    return { mapping: errorTable[`selector:${error.code}`]!, context: { selector: error.selector, position: error.position } };
  }
  return undefined;
}

/**
 * A GraphQL error for a domain error (its table code and context in `extensions`, the HTTP
 * status in `extensions.http` for Apollo to apply and strip); other errors pass through unchanged
 * when already GraphQL errors and are wrapped otherwise (then masked by {@link formatGraphqlError}).
 */
export function toGraphQLError(error: unknown): GraphQLError {
  const mapped = mappingOf(error);
  if (mapped) {
    const { mapping, context } = mapped;
    return new GraphQLError((error as Error).message, {
      originalError: error as Error,
      extensions: { code: mapping.graphqlCode, ...context, http: { status: mapping.httpStatus } },
    });
  }
  if (error instanceof GraphQLError) return error;
  return new GraphQLError(error instanceof Error ? error.message : String(error), { originalError: error instanceof Error ? error : undefined });
}

/** The message every unexpected error is replaced by. */
export const maskedMessage = 'Internal server error';

/**
 * Formats an error for a response: domain errors get their table code and context; GraphQL's and
 * Apollo's own errors keep theirs; anything else (a bug) is masked to a fixed message and reported
 * through `onInternal` for logging.
 */
export function formatGraphqlError(formatted: GraphQLFormattedError, error: unknown, onInternal: (error: unknown) => void): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const mapped = mappingOf(original);
  if (mapped) {
    const { http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, ...mapped.context, code: mapped.mapping.graphqlCode } };
  }
  const code = formatted.extensions?.code;
  const isOwnGraphQLError = error instanceof GraphQLError && (error.originalError === undefined || error.originalError instanceof GraphQLError);
  if (isOwnGraphQLError || (typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR')) return formatted;
  onInternal(original);
  return { message: maskedMessage, ...(formatted.locations ? { locations: formatted.locations } : {}), ...(formatted.path ? { path: formatted.path } : {}), extensions: { code: internal.graphqlCode } };
}

/** Throws `invalid_argument` naming the argument and what was received. */
export function invalidArgument(argument: string, message: string, received?: unknown): never {
  const context: Record<string, string | number> = { argument };
  if (received !== undefined) context.received = typeof received === 'number' ? received : JSON.stringify(received);
  throw new GraphqlSurfaceError('invalid_argument', `${argument}: ${message}`, context);
}
