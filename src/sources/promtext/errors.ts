/**
 * The Prometheus text parser's closed error vocabulary. Callers branch on `code`, never on
 * message text; `line` and `column` (1-based) locate the problem in the body.
 *
 * @module
 */

/** Why a body is not valid text exposition format 0.0.4. */
export type PromTextErrorCode =
  | 'syntax' // structure: names, braces, quotes, missing value, unexpected text, missing final line feed
  | 'invalid_value' // sample value is not a Go-style float (decimal, NaN, ±Inf)
  | 'invalid_timestamp' // timestamp is not an integer number of milliseconds
  | 'invalid_metadata'; // malformed `# HELP` / `# TYPE` line

/** A body that is not valid text exposition format, with its position. */
export class PromTextError extends Error {
  override readonly name = 'PromTextError';
  constructor(
    readonly code: PromTextErrorCode,
    message: string,
    /** 1-based line number of the offending line. */
    readonly line: number,
    /** 1-based column of the offending character. */
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${message}`);
  }
}
