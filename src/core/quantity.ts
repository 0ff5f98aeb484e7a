/**
 * Kubernetes resource quantities (`100m`, `1.5Gi`, `8039936Ki`, `1e3`) as numbers.
 *
 * Written here because @kubernetes/client-node 1.4 does not export its `quantityToScalar`
 * from the package index, and that function throws on decimal binary quantities (`1.5Gi`).
 *
 * @module
 */

const suffixes: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const quantityPattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/;

/**
 * Parses a quantity to its value in base units (cores, bytes, items).
 * Returns `undefined` for anything that is not a quantity.
 */
export function parseQuantity(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return Number.isFinite(quantity) ? quantity : undefined;
  if (typeof quantity !== 'string') return undefined;
  const match = quantityPattern.exec(quantity.trim());
  if (!match) return undefined;
  const [, digits, exponent, suffix] = match;
  const base = Number(exponent ? `${digits}${exponent}` : digits);
  const factor = suffixes[suffix ?? ''] ?? 1;
  const value = base * factor;
  return Number.isFinite(value) ? value : undefined;
}

/** A quantity in milli-units (CPU in millicores), rounded up as Kubernetes' `MilliValue()` does. */
export function parseMilliQuantity(quantity: unknown): number | undefined {
  const value = parseQuantity(quantity);
  return value === undefined ? undefined : Math.ceil(Math.round(value * 1e6) / 1e3);
}

/** A quantity's integer value (bytes, items), rounded up as Kubernetes' `Value()` does. */
export function parseIntQuantity(quantity: unknown): number | undefined {
  const value = parseQuantity(quantity);
  return value === undefined ? undefined : Math.ceil(value);
}
