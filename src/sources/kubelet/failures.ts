/**
 * How transport failures map onto the sources' error vocabulary: an aborted request is a
 * `timeout`, anything that goes wrong on the wire is a `connection` error.
 *
 * @module
 */
import { SourceError } from '../errors.js';

/** The `timeout` error for an aborted signal; a SourceError reason is passed through as is. */
export function abortError(signal: AbortSignal, where: string): SourceError {
  const reason: unknown = signal.reason;
  if (reason instanceof SourceError) return reason;
  const detail = reason instanceof Error ? reason.message : 'aborted';
  return new SourceError('timeout', `request to ${where} aborted: ${detail}`, { url: where });
}

/** Any transport failure (refused, reset, DNS, TLS, truncated body) is a `connection` error. */
export function connectionError(error: NodeJS.ErrnoException, where: string): SourceError {
  const context: Record<string, string> = { url: where };
  if (error.code) context.errno = error.code;
  // Happy-eyeballs connects to a name with several addresses fail with an AggregateError
  // whose own message is empty; its parts say what happened.
  const parts = error instanceof AggregateError ? error.errors.map((part: unknown) => messageOf(part)) : [];
  const detail = error.message || parts.join('; ') || error.code || 'unknown error';
  return new SourceError('connection', `request to ${where} failed: ${detail}`, context);
}

function messageOf(part: unknown): string {
  return part instanceof Error ? part.message : String(part);
}
