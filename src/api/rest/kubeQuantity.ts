/**
 * Kubernetes `resource.Quantity` strings in canonical form, as `Quantity.String()` prints the
 * quantities Heapster and metrics-server build (`NewMilliQuantity(cpu, DecimalSI)`,
 * `NewScaledQuantity(nanocores, -9)`, `NewQuantity(bytes, BinarySI)`).
 *
 * @module
 */

const decimalSuffix: Readonly<Record<number, string>> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const binarySuffix = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Removes factors of `base` from an integer: `[rest, times]`. */
function removeFactors(value: number, base: number): [number, number] {
  let rest = value;
  let times = 0;
  while (rest !== 0 && rest % base === 0) {
    rest /= base;
    times++;
  }
  return [rest, times];
}

/**
 * `value × 10^scale` in DecimalSI canonical form: the exponent a multiple of 3 with an SI
 * suffix (`250m`, `1500m`, `2`, `1k`, `245236524n`). `value` is truncated to an integer.
 */
export function formatDecimalQuantity(value: number, scale: number): string {
  const integer = Math.trunc(value);
  if (integer === 0 || !Number.isFinite(integer)) return '0';
  let [amount, times] = removeFactors(integer, 10);
  let exponent = scale + times;
  const over = ((exponent % 3) + 3) % 3;
  amount *= 10 ** over;
  exponent -= over;
  // Beyond exa Kubernetes switches to exponent notation; no usage value gets there.
  while (exponent > 18) {
    amount *= 1_000;
    exponent -= 3;
  }
  while (exponent < -9) {
    amount = Math.trunc(amount / 1_000);
    exponent += 3;
  }
  return `${amount}${decimalSuffix[exponent] ?? ''}`;
}

/**
 * A byte count in BinarySI canonical form (`1536Mi`, `8039936Ki`, `1025`); values under 1024
 * in magnitude print as DecimalSI (`500`, `1k`), as Kubernetes does.
 */
export function formatBinaryQuantity(bytes: number): string {
  const integer = Math.trunc(bytes);
  if (integer === 0 || !Number.isFinite(integer)) return '0';
  if (Math.abs(integer) < 1024) return formatDecimalQuantity(integer, 0);
  let [amount, times] = removeFactors(integer, 1024);
  while (times >= binarySuffix.length) {
    amount *= 1024;
    times--;
  }
  return `${amount}${binarySuffix[times]}`;
}
