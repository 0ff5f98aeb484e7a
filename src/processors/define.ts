/**
 * Builds a {@link Processor} from its step function, so every processor gets the same
 * synchronous `process` (tests, small batches) beside the sliced `steps` (housekeeping).
 *
 * @module
 */
import { runToEnd, type Steps } from '../core/slices.js';
import type { DataBatch } from '../core/types.js';
import type { Processor } from './types.js';

/** A processor named `name` whose work is `steps`. */
export function defineProcessor(name: string, steps: (batch: DataBatch) => Steps<DataBatch>): Processor {
  return { name, steps, process: (batch) => runToEnd(steps(batch)) };
}
