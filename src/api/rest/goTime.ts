/**
 * Go's time handling as Heapster's clients saw it: `time.Parse(time.RFC3339, s)` with Go's own
 * error texts, Go's default JSON time encoding (RFC 3339 with nanoseconds, trailing zeros
 * dropped) and Kubernetes' `metav1.Time` encoding (whole seconds).
 *
 * @module
 */

/** A parsed instant: whole milliseconds plus the nanoseconds below them (0–999,999). */
export interface GoInstant {
  epochMs: number;
  subMsNs: number;
}

/** The result of {@link parseRfc3339}: an instant, or Go's error text. */
export type GoParseResult = { ok: true; instant: GoInstant } | { ok: false; error: string };

const rfc3339Layout = '2006-01-02T15:04:05Z07:00';

/** Days since 1970-01-01 of a proleptic Gregorian date (works for years 0–9999, unlike Date.UTC). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** Go's `getnum`: one or two digits (exactly two when `fixed`). */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

/**
 * `time.Parse(time.RFC3339, value)`, including what Go tolerates (fractional seconds, a
 * one-digit hour) and its error texts.
 */
export function parseRfc3339(value: string): GoParseResult {
  const cannot = (rest: string, element: string): GoParseResult => ({
    ok: false,
    error: `parsing time "${value}" as "${rfc3339Layout}": cannot parse "${rest}" as "${element}"`,
  });
  const outOfRange = (what: string): GoParseResult => ({ ok: false, error: `parsing time "${value}": ${what} out of range` });
  let rest = value;
  const literal = (text: string): boolean => {
    if (!rest.startsWith(text)) return false;
    rest = rest.slice(text.length);
    return true;
  };

  if (rest.length < 4) return cannot(rest, '2006');
  const yearText = rest.slice(0, 4);
  if (!/^\d{4}$/.test(yearText)) return cannot(rest, '2006');
  const year = Number(yearText);
  rest = rest.slice(4);
  const fields: Array<[separator: string, element: string, fixed: boolean, max: number, name: string]> = [
    ['-', '01', true, 12, 'month'],
    ['-', '02', true, 99, 'day'],
    ['T', '15', false, 23, 'hour'],
    [':', '04', true, 59, 'minute'],
    [':', '05', true, 59, 'second'],
  ];
  const numbers: number[] = [];
  for (const [separator, element, fixed, max, name] of fields) {
    if (!literal(separator)) return cannot(rest, separator);
    const got = getnum(rest, fixed);
    if (!got) return cannot(rest, element);
    const [n, after] = got;
    if ((name === 'month' && n < 1) || n > max) return outOfRange(name);
    numbers.push(n);
    rest = after;
  }
  const [month, day, hour, minute, second] = numbers as [number, number, number, number, number];

  let subSecondNs = 0;
  if (rest.length >= 2 && (rest[0] === '.' || rest[0] === ',') && isDigit(rest, 1)) {
    let n = 1;
    while (isDigit(rest, n)) n++;
    subSecondNs = Number(rest.slice(1, Math.min(n, 10)).padEnd(9, '0'));
    rest = rest.slice(n);
  }

  let offsetMinutes = 0;
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else {
    const zone = rest;
    if (zone.length < 6 || zone[3] !== ':') return cannot(zone, 'Z07:00');
    const hh = getnum(zone.slice(1, 3), true);
    const mm = getnum(zone.slice(4, 6), true);
    if (!hh || !mm || (zone[0] !== '+' && zone[0] !== '-')) return cannot(zone, 'Z07:00');
    if (hh[0] > 24) return outOfRange('time zone offset hour');
    if (mm[0] > 60) return outOfRange('time zone offset minute');
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (hh[0] * 60 + mm[0]);
    rest = zone.slice(6);
  }
  if (rest !== '') return { ok: false, error: `parsing time "${value}": extra text: ${rest}` };
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');

  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offsetMinutes * 60;
  return { ok: true, instant: { epochMs: seconds * 1_000 + Math.floor(subSecondNs / 1e6), subMsNs: subSecondNs % 1e6 } };
}

/** Go's zero `time.Time` as JSON shows it. */
export const goZeroTime = '0001-01-01T00:00:00Z';

/** Civil date of a day number (inverse of {@link daysFromCivil}). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (month <= 2 ? 1 : 0), month, day];
}

function formatUtc(epochMs: number, withFraction: boolean): string {
  const ms = Math.floor(epochMs);
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const [year, month, day] = civilFromDays(days);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const hms = `${pad(Math.floor(inDay / 3_600_000))}:${pad(Math.floor(inDay / 60_000) % 60)}:${pad(Math.floor(inDay / 1_000) % 60)}`;
  const fraction = withFraction && inDay % 1_000 !== 0 ? `.${pad(inDay % 1_000, 3)}`.replace(/0+$/, '') : '';
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${hms}${fraction}Z`;
}

/**
 * A time as Go's `encoding/json` writes a UTC `time.Time` (RFC 3339, fraction without trailing
 * zeros). `0` (Heapgraph's "unknown") is Go's zero time.
 */
export function formatGoTime(epochMs: number): string {
  if (epochMs === 0 || !Number.isFinite(epochMs)) return goZeroTime;
  return formatUtc(epochMs, true);
}

/** A time as Kubernetes' `metav1.Time` writes it: RFC 3339 in whole seconds. */
export function formatKubeTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return goZeroTime;
  return formatUtc(Math.floor(epochMs / 1_000) * 1_000, false);
}
