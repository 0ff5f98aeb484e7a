/**
 * The front door's closed error vocabulary: TLS material that cannot be used (a start-up problem,
 * reported against its flag) and reviews the API server could not answer (a 500 for the caller,
 * never an allow).
 *
 * @module
 */
import { CodedError } from '../../core/errors.js';

/** What went wrong in the front door. */
export type AuthErrorCode =
  | 'tls_material' // a --tls_* file unreadable, not PEM, or a key that does not match its certificate
  | 'review_failed' // a TokenReview or SubjectAccessReview request failed or returned nonsense
  | 'invalid_option'; // an access-control option out of range

/** A front-door failure; `context.flag` names the flag for TLS material. */
export class AuthError extends CodedError<AuthErrorCode> {
  override readonly name = 'AuthError';
}
