/**
 * Go-style durations (`60s`, `1m30s`, `500ms`, `1.5h`), as Heapster's flags take them.
 *
 * @module
 */

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Parses a Go duration into milliseconds; throws an Error naming the text when it is not one. */
export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  let sign = 1;
  let i = 0;
  if (s[0] === '-' || s[0] === '+') {
    sign = s[0] === '-' ? -1 : 1;
    i = 1;
  }
  if (i >= s.length) throw new Error(`invalid duration "${text}"`);
  let total = 0;
  while (i < s.length) {
    part.lastIndex = i;
    const match = part.exec(s);
    if (!match) throw new Error(`invalid duration "${text}"`);
    total += Number(match[1]) * (unitMs[match[2] ?? ''] ?? 0);
    i = part.lastIndex;
  }
  return sign * total;
}

/** Formats milliseconds as Go prints a duration (`1m0s`, `30s`, `1.5s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1_000) return `${sign}${+rest.toFixed(6)}ms`;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = +(rest / 1_000).toFixed(9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
