/**
 * What a failure of the historical source answers: one table from the InfluxDB folder's error
 * codes to an HTTP status and a plain-text body. Heapster answered every backend error with 500
 * and the error text; Heapgraph keeps that, except that input its sanitiser refuses is the
 * client's mistake (400, Heapster's text), and a dead or hung InfluxDB says so.
 *
 * @module
 */
import type { Logger } from '../../core/log.js';
import { InfluxError, type InfluxErrorCode } from '../../sinks/influxdb/errors.js';
import type { InfluxHistory } from '../../sinks/influxdb/historyTypes.js';
import { scopeHistory } from '../query/scopeHistory.js';
import type { QueryService } from '../query/types.js';
import { scopedAnswer, type Permission } from './access.js';
import { textReply } from './reply.js';
import type { Reply, Route, RouteRequest } from './router.js';

interface FailureAnswer {
  status: number;
  /** Put before the error's message; empty keeps Heapster's text as it was. */
  prefix: string;
  /** Whether an operator should hear of it (InfluxDB trouble, not a client's question). */
  log: boolean;
}

/** Status and body of every InfluxDB error code. */
export const influxFailureAnswers: Readonly<Record<InfluxErrorCode, FailureAnswer>> = {
  invalid_input: { status: 400, prefix: '', log: false },
  no_results: { status: 500, prefix: '', log: false },
  connection: { status: 500, prefix: 'InfluxDB did not answer: ', log: true },
  aborted: { status: 500, prefix: 'InfluxDB did not answer: ', log: true },
  http_status: { status: 500, prefix: 'InfluxDB query failed: ', log: true },
  query_failed: { status: 500, prefix: 'InfluxDB query failed: ', log: true },
  malformed_response: { status: 500, prefix: 'InfluxDB query failed: ', log: true },
  invalid_option: { status: 500, prefix: 'InfluxDB query failed: ', log: true },
};

/** The plain-text reply for an {@link InfluxError}. */
export function influxFailureReply(error: InfluxError, logger?: Logger): Reply {
  const { status, prefix, log } = influxFailureAnswers[error.code];
  if (log) logger?.warn({ code: error.code, context: error.context, err: error.message }, 'historical query failed');
  return textReply(status, `${prefix}${error.message}`);
}

/**
 * Runs a historical answer, turning an {@link InfluxError} into its reply. Client errors
 * (`RestError`) pass through to the REST handler, which answers them as everywhere else.
 */
export async function answeringHistory(answer: () => Promise<Reply>, logger?: Logger): Promise<Reply> {
  try {
    return await answer();
  } catch (error) {
    if (error instanceof InfluxError) return influxFailureReply(error, logger);
    throw error;
  }
}

/** What the historical routes read: InfluxDB, and memory for the one list Heapster kept there. */
export interface HistoricalSources {
  readonly history: InfluxHistory;
  readonly query: QueryService;
  /** Hears of InfluxDB failures. */
  readonly logger?: Logger | undefined;
}

/** The caller's view of the historical source and of memory, for one request. */
export interface HistoricalView {
  readonly history: InfluxHistory;
  readonly query: QueryService;
}

/**
 * A historical route's answer with the caller's view: refused with 403 without `permission`,
 * otherwise reading InfluxDB through `scopeHistory` (a hidden entity has no series) and memory
 * through the scoped query service, with InfluxDB failures turned into their replies.
 */
export function historicalAnswer(
  { history, query, logger }: HistoricalSources,
  answer: (request: RouteRequest, view: HistoricalView) => Promise<Reply> | Reply,
  permission?: Permission,
): Route['answer'] {
  return scopedAnswer(
    query,
    (request, scoped) => answeringHistory(async () => answer(request, { history: scopeHistory(history, request.scope, scoped), query: scoped }), logger),
    { permission },
  );
}
