/**
 * The processors' closed vocabulary: errors that drop a batch ({@link ProcessorError}) and
 * skips that only cost one set or one metric ({@link ProcessorSkip}). Callers branch on
 * `code` / `reason`, never on message text.
 *
 * @module
 */
import { CodedError } from '../core/errors.js';

/** Why a batch was dropped (or the pipeline could not be built). */
export type ProcessorErrorCode =
  | 'invalid_option' // createProcessors / a factory got an unusable option
  | 'processor_failed'; // a processor threw something that is not a ProcessorError

/** A processor failure; the batch it was processing is not exported. */
export class ProcessorError extends CodedError<ProcessorErrorCode> {
  override readonly name = 'ProcessorError';
}

/** Why a processor left one set or one metric alone (the batch itself goes on). */
export type SkipReason =
  | 'out_of_order_batch' // rate calculator: batch timestamp not after the previous batch's
  | 'counter_decrease' // rate calculator: counter went down with an unchanged start time
  | 'missing_labels' // set lacks `namespace_name` / `pod_name` it needs
  | 'pod_not_found' // pod not in the pod lister
  | 'namespace_not_found' // namespace not in the namespace lister
  | 'node_set_not_found' // node aggregator: the pod's node has no set in the batch
  | 'invalid_quantity'; // a resource quantity in a spec or node status did not parse

/** One skip, reported to {@link SkipListener} for counting. */
export interface ProcessorSkip {
  /** Processor name (`rate calculator`, `pod_aggregator`, ...). */
  processor: string;
  reason: SkipReason;
  /** Metric-set key the skip concerns. */
  key: string;
  /** Metric name, when the skip concerns one metric (or a resource name for quantities). */
  metric?: string;
}

/** Receives every skip; wired to counters by whoever builds the pipeline. */
export type SkipListener = (skip: ProcessorSkip) => void;

/** The listener used when none is given. */
export const ignoreSkips: SkipListener = () => {};
