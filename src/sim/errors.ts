/**
 * The simulator's closed error vocabulary. Callers branch on `code`, never on message text.
 *
 * @module
 */
import { CodedError } from '../core/errors.js';

/** Why the simulator refused a request. */
export type SimErrorCode =
  | 'invalid_option' // a cluster, kubelet or fault option is out of range or of the wrong type
  | 'invalid_uri' // a `sim:` URI that does not parse, or has an unknown or bad parameter
  | 'unknown_node' // a node name that is not part of the simulated cluster
  | 'bind_failed'; // a kubelet listener could not bind its loopback address

/** A simulator failure, with the field or value that caused it. */
export class SimError extends CodedError<SimErrorCode> {
  override readonly name = 'SimError';
}
