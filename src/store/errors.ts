/**
 * The store's closed error vocabulary. Callers branch on `code`, never on message text.
 *
 * @module
 */
import { CodedError } from '../core/errors.js';

/** Why the store refused a call. */
export type StoreErrorCode =
  | 'invalid_option' // createModelStore options or aggregate options out of range
  | 'invalid_batch' // write() got something that is not a DataBatch
  | 'write_in_progress' // a write began while a sliced write (writeSteps) was still running
  | 'invalid_range' // a time bound is not a finite number
  | 'unknown_aggregation'; // an aggregation name outside AggregationName

/** A refused store call, with the field and the value received. */
export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name = 'StoreError';
}

/** How a received value is described in error messages ('array' and 'null' told apart). */
export function describeReceived(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return String(value);
  return typeof value;
}
