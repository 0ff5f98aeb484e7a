/**
 * Character classes and token readers of text format 0.0.4. Everything scans forward with
 * `charCodeAt` and never backtracks, so a hostile line costs time linear in its length.
 *
 * @module
 */

const NAME_START = 1; // [a-zA-Z_:]
const NAME_CHAR = 2; // [a-zA-Z0-9_:]
const LABEL_START = 4; // [a-zA-Z_]
const LABEL_CHAR = 8; // [a-zA-Z0-9_]

const classes = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const letter = /[a-zA-Z_]/.test(ch);
  const digit = c >= 48 && c <= 57;
  if (letter) classes[c] = NAME_START | NAME_CHAR | LABEL_START | LABEL_CHAR;
  if (digit) classes[c] = NAME_CHAR | LABEL_CHAR;
  if (ch === ':') classes[c] = NAME_START | NAME_CHAR;
}

/** `c` may start a metric name. */
export function isNameStart(c: number): boolean {
  return c < 128 && (classes[c]! & NAME_START) !== 0;
}

/** `c` may continue a metric name. */
export function isNameChar(c: number): boolean {
  return c < 128 && (classes[c]! & NAME_CHAR) !== 0;
}

/** `c` may start a label name. */
export function isLabelStart(c: number): boolean {
  return c < 128 && (classes[c]! & LABEL_START) !== 0;
}

/** `c` may continue a label name. */
export function isLabelChar(c: number): boolean {
  return c < 128 && (classes[c]! & LABEL_CHAR) !== 0;
}

/** Space or tab: the only token separators the format knows. */
export function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Index of the first non-blank character at or after `i` (or `end`). */
export function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** Index just after the non-blank token starting at `i`. */
export function tokenEnd(text: string, i: number, end: number): number {
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  return i;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * Parses a sample value as Go's `strconv.ParseFloat` reads what Prometheus clients write:
 * decimal with optional fraction and exponent, `NaN`, `Inf`/`Infinity` with optional sign
 * (case-insensitive). Hex floats and digit separators are not written by any exporter and are
 * rejected. Out-of-range decimals become ±Infinity (callers decide whether that is usable).
 * Returns `undefined` when the token is not a float.
 */
export function parseFloatToken(token: string): number | undefined {
  const n = token.length;
  let i = 0;
  let negative = false;
  const first = token.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) {
    negative = first === 45;
    i = 1;
  }
  if (i < n && !isDigit(token.charCodeAt(i)) && token.charCodeAt(i) !== 46 /* . */) {
    const word = token.slice(i).toLowerCase();
    if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
    if (word === 'nan' && i === 0) return NaN;
    return undefined;
  }
  let digits = 0;
  while (i < n && isDigit(token.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && token.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(token.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return undefined;
  if (i < n && (token.charCodeAt(i) | 32) === 101 /* e */) {
    i++;
    if (i < n && (token.charCodeAt(i) === 43 || token.charCodeAt(i) === 45)) i++;
    let expDigits = 0;
    while (i < n && isDigit(token.charCodeAt(i))) {
      i++;
      expDigits++;
    }
    if (expDigits === 0) return undefined;
  }
  if (i !== n) return undefined;
  return Number(token);
}

/**
 * Parses a timestamp: an optionally signed integer of milliseconds. Values beyond 2^53 are
 * rejected because a JavaScript number cannot hold them exactly (Go would accept up to
 * int64; no real clock is anywhere near either bound). Returns `undefined` when invalid.
 */
export function parseTimestampToken(token: string): number | undefined {
  const n = token.length;
  let i = 0;
  const first = token.charCodeAt(0);
  if (first === 43 || first === 45) i = 1;
  if (i === n) return undefined;
  for (; i < n; i++) {
    if (!isDigit(token.charCodeAt(i))) return undefined;
  }
  const value = Number(token);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Unescapes a label value body: `\\`, `\"` and `\n` as the format defines; any other escape
 * is kept verbatim, as Prometheus's own parser does.
 */
export function unescapeLabelValue(raw: string): string {
  return unescape(raw, true);
}

/** Unescapes `# HELP` text: `\\` and `\n`; any other escape is kept verbatim. */
export function unescapeHelp(raw: string): string {
  return unescape(raw, false);
}

function unescape(raw: string, quotes: boolean): string {
  if (raw.indexOf('\\') === -1) return raw;
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) !== 92 || i + 1 >= raw.length) continue;
    const next = raw.charCodeAt(i + 1);
    let replacement: string | undefined;
    if (next === 92) replacement = '\\';
    else if (next === 110) replacement = '\n';
    else if (quotes && next === 34) replacement = '"';
    if (replacement === undefined) continue;
    out += raw.slice(from, i) + replacement;
    i++;
    from = i + 1;
  }
  return out + raw.slice(from);
}
