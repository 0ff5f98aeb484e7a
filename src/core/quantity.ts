/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `8039936Ki`, `1e3`, `500n`) as numbers.
 *
 * Written here because @kubernetes/client-node 1.4 does not export its `quantityToScalar`
 * from the package index, and that function throws on decimal binary quantities (`1.5Gi`).
 *
 * The grammar is apimachinery's: a signed decimal number, then an optional suffix that is a
 * decimal SI prefix (`n u m k M G T P E`), a binary one (`Ki … Ei`) or an exponent (`e3`, `E-2`).
 * `E` alone is exa; `E` followed by digits is an exponent. The integer conversions are exact
 * (decimal arithmetic on the digits, so `1.1k` is 1100, not 1100.0000000000002 rounded up).
 *
 * @module
 */

const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binaryExponents: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const quantityPattern = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/** value = sign × digits × 10^exponent10 × 2^exponent2, exactly as written. */
interface Decomposed {
  negative: boolean;
  digits: string;
  exponent10: number;
  exponent2: number;
  /** The nearest double, in base units. */
  value: number;
}

function decompose(quantity: unknown): Decomposed | undefined {
  let text: string;
  if (typeof quantity === 'number') {
    if (!Number.isFinite(quantity)) return undefined;
    text = String(quantity); // `1e+21`, `1.5e-7` are quantities too
  } else if (typeof quantity === 'string') {
    text = quantity.trim();
  } else {
    return undefined;
  }
  const match = quantityPattern.exec(text);
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent, suffix = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  const digits = (whole + fraction).replace(/^0+(?=\d)/, '');
  const exponent10 = (exponent !== undefined ? Number(exponent) : (decimalExponents[suffix] ?? 0)) - fraction.length;
  const exponent2 = binaryExponents[suffix] ?? 0;
  // Number() rounds a decimal literal correctly; the power of two is exact.
  const value = Number(`${sign}${digits}e${exponent10}`) * 2 ** exponent2;
  if (!Number.isFinite(value)) return undefined;
  return { negative: sign === '-', digits, exponent10, exponent2, value };
}

/** ⌈q × 10^scale10⌉, computed exactly on the digits. */
function ceilScaled(q: Decomposed, scale10: number): number {
  if (/^0+$/.test(q.digits)) return 0;
  const magnitude = BigInt(q.digits) << BigInt(q.exponent2);
  const power = q.exponent10 + scale10;
  if (power >= 0) return Number((q.negative ? -magnitude : magnitude) * 10n ** BigInt(power));
  // More decimal places than digits (plus 2^60's 19) means a magnitude below 1: ⌈x⌉ is 1 or 0.
  if (-power > q.digits.length + 19) return q.negative ? 0 : 1;
  const divisor = 10n ** BigInt(-power);
  if (q.negative) return Number(-(magnitude / divisor)); // truncation towards zero is the ceiling
  return Number((magnitude + divisor - 1n) / divisor);
}

/**
 * Parses a quantity to its value in base units (cores, bytes, items), the nearest double.
 * Returns `undefined` for anything that is not a quantity (including non-finite results).
 */
export function parseQuantity(quantity: unknown): number | undefined {
  return decompose(quantity)?.value;
}

/** A quantity in milli-units (CPU in millicores), rounded up as Kubernetes' `MilliValue()` does. */
export function parseMilliQuantity(quantity: unknown): number | undefined {
  const q = decompose(quantity);
  return q === undefined ? undefined : ceilScaled(q, 3);
}

/** A quantity's integer value (bytes, items), rounded up as Kubernetes' `Value()` does. */
export function parseIntQuantity(quantity: unknown): number | undefined {
  const q = decompose(quantity);
  return q === undefined ? undefined : ceilScaled(q, 0);
}
