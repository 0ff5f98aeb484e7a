/**
 * The base of every folder's error class: a closed `code` vocabulary to branch on (never the
 * message text), a message for people, and context that locates the problem.
 *
 * @module
 */

/** An error with a machine-readable code from a string-literal union. */
export class CodedError<Code extends string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** Node name, field path, option, HTTP status: whatever locates the problem. */
    readonly context: Readonly<Record<string, string | number>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
