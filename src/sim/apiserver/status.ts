/**
 * Kubernetes `Status` bodies and the JSON response helpers every route uses.
 *
 * @module
 */

import type { ServerResponse } from 'node:http';
import { StatusError, type StatusDetails, type StatusReason } from './errors.js';

/** A metav1.Status as the API server returns it for failures. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Failure';
  message: string;
  reason: StatusReason;
  details?: StatusDetails;
  code: number;
}

const REASON_BY_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The reason the API server gives for an HTTP status it did not explain otherwise. */
export function reasonForCode(code: number): StatusReason {
  return REASON_BY_CODE[code] ?? 'Unknown';
}

/** The Status body for a refused request. */
export function statusBody(error: StatusError): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: error.continueToken === undefined ? {} : { continue: error.continueToken },
    status: 'Failure',
    message: error.message,
    reason: error.reason,
    ...(error.details === undefined ? {} : { details: error.details }),
    code: error.httpStatus,
  };
}

/** Answers with a JSON body and an exact Content-Length (so keep-alive works). */
export function sendJson(res: ServerResponse, httpStatus: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(httpStatus, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

/** Answers with the Status for `error` (429 and 503 also say when to retry, as upstream). */
export function sendStatus(res: ServerResponse, error: StatusError): void {
  const retryAfter = error.details?.retryAfterSeconds;
  sendJson(res, error.httpStatus, statusBody(error), retryAfter === undefined ? {} : { 'Retry-After': String(retryAfter) });
}

/** The 404 for a path this server does not serve, worded as upstream. */
export function pathNotFound(): StatusError {
  return new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
}

/**
 * Whether the client accepts JSON. Clients that prefer protobuf list JSON as a fallback
 * (`application/vnd.kubernetes.protobuf, application/json`) and get it; one that accepts only
 * protobuf gets 406, as a server that cannot encode protobuf would answer.
 */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === 'application/*' || type === '*/*';
  });
}

/** The 406 for a client that accepts no JSON. */
export function notAcceptable(): StatusError {
  return new StatusError(406, 'NotAcceptable', 'only the following media types are accepted: application/json');
}
