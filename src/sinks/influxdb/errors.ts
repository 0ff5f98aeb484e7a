/**
 * The InfluxDB folder's closed error vocabulary. Callers branch on `code`, never on message
 * text; messages keep Heapster's wording where Heapster had one (they end up in HTTP 400/500
 * bodies of the historical API).
 *
 * @module
 */
import { CodedError } from '../../core/errors.js';

/** What went wrong talking to (or about) InfluxDB. */
export type InfluxErrorCode =
  | 'invalid_option' // a `--sink=influxdb:...` URI option is unusable
  | 'invalid_input' // a historical query input failed Heapster's sanitising (name, metric, label)
  | 'http_status' // InfluxDB answered with a non-2xx status
  | 'connection' // refused, reset, DNS, TLS, request timeout
  | 'aborted' // the caller's signal aborted the request
  | 'query_failed' // a statement of a query returned an error
  | 'malformed_response' // the answer is not the JSON layout InfluxDB documents
  | 'no_results'; // a historical lookup found no series for a key (Heapster answered 500)

/** A failure of the InfluxDB sink or history backend, with context. */
export class InfluxError extends CodedError<InfluxErrorCode> {
  override readonly name = 'InfluxError';
}

/** Go's `%q` for the strings Heapster quoted in its messages (close enough: JSON string syntax). */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}
