/**
 * Prometheus text exposition details as the Go client writes them, so simulated kubelet
 * metrics read exactly like real ones.
 *
 * @module
 */

/**
 * A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it (Prometheus' expfmt):
 * shortest round-trip digits, exponent form below 1e-4 and from 1e6 up, with at least two
 * exponent digits (`1.616273408e+09`, `503808`, `4.710169`).
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${digits}`;
  }
  // Between 1e-4 and 1e6 JavaScript's shortest fixed notation is Go's.
  return String(value);
}

/** A label value escaped as in the text format (backslash, double quote, newline). */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
