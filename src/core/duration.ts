/**
 * Go-style durations (`60s`, `1m30s`, `500ms`, `1.5h`), as Heapster's flags take them. Parsing
 * and printing follow Go's `time.ParseDuration` and `Duration.String`, including their error texts
 * (without Go's `time: ` prefix); values are milliseconds, possibly fractional below 1 ms.
 *
 * @module
 */

/** Nanoseconds per unit, as Go's `unitMap` (both micro signs are accepted, as Go does). */
const unitNs: Record<string, number> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek small letter mu
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3_600e9,
};

/** Go's limit: a duration is an int64 of nanoseconds. */
const maxNs = 2 ** 63;

const leadingNumber = /^(\d*)(?:\.(\d*))?/;
const leadingUnit = /^[^\d.]*/;

/**
 * Parses a Go duration into milliseconds. Throws an Error naming the text when it is not one:
 * `invalid duration "<text>"`, `missing unit in duration "<text>"` or
 * `unknown unit "<unit>" in duration "<text>"`. Surrounding whitespace is ignored.
 */
export function parseDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const invalid = () => new Error(`invalid duration ${quoted}`);
  let rest = text.trim();
  let sign = 1;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') throw invalid();
  let totalNs = 0;
  while (rest !== '') {
    const [number = '', whole = '', fraction = ''] = leadingNumber.exec(rest) ?? [];
    if (whole === '' && fraction === '') throw invalid(); // no digits, e.g. ".s" or "s"
    rest = rest.slice(number.length);
    const unit = leadingUnit.exec(rest)?.[0] ?? '';
    if (unit === '') throw new Error(`missing unit in duration ${quoted}`);
    const ns = unitNs[unit];
    if (ns === undefined) throw new Error(`unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    rest = rest.slice(unit.length);
    // As Go: the whole part exactly, the fraction scaled and truncated to whole nanoseconds.
    totalNs += Number(whole || '0') * ns;
    if (fraction !== '') totalNs += Math.trunc(Number(fraction) * (ns / 10 ** fraction.length));
    if (totalNs >= maxNs) throw invalid();
  }
  return (sign * totalNs) / 1e6 + 0; // + 0 turns -0 (from "-0s") into 0
}

/** `int` then `.digits` with trailing zeros removed, as Go's `fmtFrac` prints a fraction. */
function withFraction(whole: number, fraction: number, digits: number): string {
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(digits, '0').replace(/0+$/, '')}`;
}

/**
 * Formats milliseconds as Go prints a duration: `1h0m0s`, `1m0s`, `30s`, `1.5s`, `250ms`,
 * `1.5µs`, `1ns`, `0s`. Sub-nanosecond parts are rounded away.
 */
export function formatDuration(ms: number): string {
  const ns = Math.round(Math.abs(ms) * 1e6);
  if (ns === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${withFraction(Math.floor(ns / 1e3), ns % 1e3, 3)}µs`;
  if (ns < 1e9) return `${sign}${withFraction(Math.floor(ns / 1e6), ns % 1e6, 6)}ms`;
  const totalSeconds = Math.floor(ns / 1e9);
  const seconds = `${withFraction(totalSeconds % 60, ns % 1e9, 9)}s`;
  const h = Math.floor(totalSeconds / 3_600);
  const m = Math.floor(totalSeconds / 60) % 60;
  if (h > 0) return `${sign}${h}h${m}m${seconds}`;
  if (m > 0) return `${sign}${m}m${seconds}`;
  return `${sign}${seconds}`;
}
