/**
 * The sources' closed error vocabulary. Callers branch on `code`, never on message text.
 *
 * @module
 */
import { CodedError } from '../core/errors.js';

/** Why one node produced no data. */
export type SourceErrorCode =
  | 'malformed' // body is not valid JSON / Prometheus text, or has the wrong shape
  | 'too_large' // body exceeded the size cap
  | 'http_status' // kubelet answered with a non-200 status
  | 'timeout' // per-node timeout or the cycle deadline passed
  | 'connection'; // connection refused, reset, DNS, TLS

/** A failure of one node's scrape or decode, with context. */
export class SourceError extends CodedError<SourceErrorCode> {
  override readonly name = 'SourceError';
}
