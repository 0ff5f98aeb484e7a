/**
 * RFC 3339 timestamps of the kubelet summary (`metav1.Time`) → milliseconds since the epoch.
 *
 * The kubelet writes `2022-12-27T23:32:05Z`; other producers may add fractional seconds or an
 * offset. A summary holds a few dozen distinct strings repeated hundreds of times, so parsing
 * is a fixed-position scan (no regex, no `Date` object) behind a per-document cache.
 *
 * @module
 */

const MS_PER_DAY = 86_400_000;

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Go's zero `time.Time` (0001-01-01T00:00:00Z), which means "unknown" like an absent time. */
const GO_ZERO_TIME_MS = daysFromCivil(1, 1, 1) * MS_PER_DAY;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Decimal value of `length` digits at `start`, or -1 if any is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Parses one RFC 3339 date-time (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T`/`Z` in either
 * case) to epoch milliseconds, truncating sub-millisecond digits. Go's zero time gives `0`.
 * Returns `undefined` for anything else, including times before 1970 (no kubelet reports one;
 * a negative time would poison uptimes and rates).
 */
export function parseRfc3339Ms(text: string): number | undefined {
  const length = text.length;
  if (length < 20) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const separator = text.charCodeAt(10);
  if (
    year < 0 ||
    text.charCodeAt(4) !== 45 /* - */ ||
    month < 1 ||
    month > 12 ||
    text.charCodeAt(7) !== 45 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    (separator !== 84 /* T */ && separator !== 116) /* t */ ||
    hour < 0 ||
    hour > 23 ||
    text.charCodeAt(13) !== 58 /* : */ ||
    minute < 0 ||
    minute > 59 ||
    text.charCodeAt(16) !== 58 ||
    second < 0 ||
    second > 59
  ) {
    return undefined;
  }

  let position = 19;
  let fractionMs = 0;
  if (text.charCodeAt(position) === 46 /* . */) {
    position++;
    const fractionStart = position;
    let scale = 100;
    while (position < length) {
      const digit = text.charCodeAt(position) - 48;
      if (digit < 0 || digit > 9) break;
      if (scale >= 1) fractionMs += digit * scale;
      scale /= 10;
      position++;
    }
    if (position === fractionStart) return undefined;
  }

  let offsetMs = 0;
  const zone = text.charCodeAt(position);
  if (zone === 90 /* Z */ || zone === 122 /* z */) {
    position++;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    const offsetHour = digits(text, position + 1, 2);
    const offsetMinute = digits(text, position + 4, 2);
    if (offsetHour < 0 || offsetHour > 23 || text.charCodeAt(position + 3) !== 58 || offsetMinute < 0 || offsetMinute > 59) {
      return undefined;
    }
    offsetMs = (offsetHour * 60 + offsetMinute) * 60_000 * (zone === 43 ? 1 : -1);
    position += 6;
  } else {
    return undefined;
  }
  if (position !== length) return undefined;

  const ms =
    daysFromCivil(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + fractionMs - offsetMs;
  if (ms === GO_ZERO_TIME_MS) return 0;
  return ms < 0 ? undefined : ms;
}

/**
 * Reads a JSON timestamp value: absent, `null` or `""` give `0` (unknown, as Go's `metav1.Time`
 * decodes them); a valid RFC 3339 string gives epoch ms; anything else gives `undefined`.
 */
export type TimestampReader = (value: unknown) => number | undefined;

/** A {@link TimestampReader} that remembers every string it parsed (use one per document). */
export function createTimestampReader(): TimestampReader {
  const cache = new Map<string, number | undefined>();
  return (value) => {
    if (value === undefined || value === null || value === '') return 0;
    if (typeof value !== 'string') return undefined;
    let ms = cache.get(value);
    if (ms === undefined && !cache.has(value)) {
      ms = parseRfc3339Ms(value);
      cache.set(value, ms);
    }
    return ms;
  };
}
