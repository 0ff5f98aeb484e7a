/**
 * The fake API server's closed error vocabularies: {@link ApiServerError} for callers that
 * misuse the store or server (thrown at them), {@link StatusError} for HTTP requests the server
 * refuses (answered as a Kubernetes `Status` object, never thrown out of the server).
 *
 * @module
 */
import { CodedError } from '../../core/errors.js';

/** Why the store or server refused a call from Heapgraph code. */
export type ApiServerErrorCode =
  | 'invalid_object' // an object without a name, or with a namespace that does not fit its resource
  | 'invalid_option'; // a server, store or fault option out of range, or a store not made by createObjectStore

/** A misuse of the store or server, naming the field and what was received. */
export class ApiServerError extends CodedError<ApiServerErrorCode> {
  override readonly name = 'ApiServerError';
}

/** The `reason` values this server puts in a `Status` (a subset of metav1.StatusReason). */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Unknown';

/** The `details` block of a Status: what the failure was about. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: Array<{ reason?: string; message?: string; field?: string }>;
  retryAfterSeconds?: number;
}

/** A request the server answers with a non-2xx Status. */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  constructor(
    readonly httpStatus: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
    /** A continue token offered with the failure (the inconsistent-continue 410). */
    readonly continueToken?: string,
  ) {
    super(message);
  }
}
