/**
 * The REST layer's closed error vocabulary. Every client mistake becomes a {@link RestError}
 * whose `code` picks the HTTP status from one table, and whose message is the text Heapster
 * gave for the same mistake (heapster-reference §1.2, §1.6).
 *
 * @module
 */

/** Everything a client can get wrong, as a code. */
export type RestErrorCode =
  | 'invalid_time'
  | 'invalid_labels'
  | 'unknown_aggregation'
  | 'invalid_bucket'
  | 'invalid_selector';

/**
 * HTTP status per code. Every code is a client mistake (400); absent objects are not errors
 * here: model routes answer them with empty results, the metrics APIs with their own 404s.
 */
export const restErrorStatus: Readonly<Record<RestErrorCode, number>> = {
  invalid_time: 400,
  invalid_labels: 400,
  unknown_aggregation: 400,
  invalid_bucket: 400,
  invalid_selector: 400,
};

/** A client error; `message` is the plain-text body Heapster sent for it. */
export class RestError extends Error {
  override readonly name = 'RestError';
  constructor(
    readonly code: RestErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The HTTP status for {@link code}. */
  get status(): number {
    return restErrorStatus[this.code];
  }
}

/**
 * Go's `%q` for the strings Heapster quotes in its messages: backslash, quote and control
 * characters escaped, everything printable kept.
 */
export function goQuote(text: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (named[ch] !== undefined) out += named[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
