import { describe, expect, it } from 'vitest';
import { formatBinaryQuantity, formatDecimalQuantity } from '../../../src/api/rest/kubeQuantity.js';
import { parseQuantity } from '../../../src/core/quantity.js';

describe('Kubernetes quantity strings', () => {
  it.each([
    [250, -3, '250m'],
    [1500, -3, '1500m'],
    [2000, -3, '2'],
    [2_000_000, -3, '2k'],
    [0, -3, '0'],
    [245_236_524, -9, '245236524n'],
    [245_236_000, -9, '245236u'],
    [250_000_000, -9, '250m'],
    [100, 0, '100'],
    [1000, 0, '1k'],
  ])('prints %d × 10^%d as %s (DecimalSI)', (value, scale, text) => {
    expect(formatDecimalQuantity(value, scale)).toBe(text);
    expect(parseQuantity(text)).toBeCloseTo(value * 10 ** scale, 12);
  });

  it.each([
    [1536 * 2 ** 20, '1536Mi'],
    [8_039_936 * 1024, '8039936Ki'],
    [2 ** 30, '1Gi'],
    [1025, '1025'],
    [500, '500'],
    [1000, '1k'],
    [0, '0'],
  ])('prints %d bytes as %s (BinarySI)', (bytes, text) => {
    expect(formatBinaryQuantity(bytes)).toBe(text);
    expect(parseQuantity(text)).toBe(bytes);
  });
});
