import { describe, expect, it } from 'vitest';
import { parseIntQuantity, parseMilliQuantity, parseQuantity } from '../../src/core/quantity.js';
import { readFixtureJson } from '../helpers/fixtures.js';

const Ki = 1024;
const Mi = 1024 ** 2;
const Gi = 1024 ** 3;

describe('parseQuantity', () => {
  it.each([
    ['100m', 0.1],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['1.', 1],
    ['5', 5],
    ['+5', 5],
    ['-1', -1],
    ['1.5Gi', 1.5 * Gi],
    ['8039936Ki', 8_039_936 * Ki],
    ['50Mi', 50 * Mi],
    ['1Ei', 2 ** 60],
    ['1e3', 1_000],
    ['1E3', 1_000],
    ['1e+3', 1_000],
    ['1.5e3', 1_500],
    ['25e-2', 0.25],
    ['2E6', 2_000_000],
    ['2E', 2e18],
    ['1k', 1_000],
    ['1.1k', 1_100],
    ['1M', 1_000_000],
    ['5M', 5_000_000],
    ['1G', 1e9],
    ['1T', 1e12],
    ['1P', 1e15],
    ['500n', 5e-7],
    ['250u', 2.5e-4],
    [' 2Gi ', 2 * Gi],
    [1.5, 1.5],
    [0, 0],
  ])('reads %j as %d', (quantity, value) => {
    expect(parseQuantity(quantity)).toBe(value);
  });

  it.each([
    [''],
    ['abc'],
    ['-'],
    ['.'],
    ['Gi'],
    ['1K'],
    ['1gi'],
    ['1KiB'],
    ['1 Gi'],
    ['1e'],
    ['1EE'],
    ['1e3.5'],
    ['1Mi5'],
    ['1.5.5'],
    ['--1'],
    ['1e400'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [undefined],
    [null],
    [{ value: 1 }],
  ])('gives undefined for %j', (quantity) => {
    expect(parseQuantity(quantity)).toBeUndefined();
    expect(parseMilliQuantity(quantity)).toBeUndefined();
    expect(parseIntQuantity(quantity)).toBeUndefined();
  });
});

describe('parseMilliQuantity (Kubernetes MilliValue: ceil(q × 1000))', () => {
  it.each([
    ['100m', 100],
    ['5m', 5],
    ['0.5', 500],
    ['5', 5_000],
    ['1.1', 1_100],
    ['2.5m', 3],
    ['0.1m', 1],
    ['500n', 1],
    ['1n', 1],
    ['1500n', 1],
    ['1500000n', 2],
    ['1000000n', 1],
    ['250u', 1],
    ['2500u', 3],
    ['1e-3', 1],
    ['1e-4', 1],
    ['1.5k', 1_500_000],
    ['0', 0],
    ['0m', 0],
    ['1e-9999999', 1],
  ])('rounds %j up to %d millis', (quantity, milli) => {
    expect(parseMilliQuantity(quantity)).toBe(milli);
  });
});

describe('parseIntQuantity (Kubernetes Value: ceil(q))', () => {
  it.each([
    ['100m', 1],
    ['1000m', 1],
    ['1001m', 2],
    ['0.5', 1],
    ['1.5Gi', 1.5 * Gi],
    ['1.1k', 1_100],
    ['1.1M', 1_100_000],
    ['2.2Gi', Math.ceil(2.2 * Gi)],
    ['0.3Ki', Math.ceil(0.3 * Ki)],
    ['8039936Ki', 8_039_936 * Ki],
    ['1e3', 1_000],
    ['500n', 1],
    ['0', 0],
    ['-1', -1],
    [1.5, 2],
  ])('rounds %j up to %d', (quantity, value) => {
    expect(parseIntQuantity(quantity)).toBe(value);
  });
});

describe('the quantities of the v1.26 capture', () => {
  interface Resources {
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  }
  const nodes = readFixtureJson<{ items: Array<{ status: { capacity: Record<string, string>; allocatable: Record<string, string> } }> }>(
    'kube-api/nodelist-k8s1.26-minikube-nri.json',
  );
  const pods = readFixtureJson<{ items: Array<{ spec: { containers: Array<{ resources?: Resources }> } }> }>(
    'kube-api/podlist-k8s1.26-minikube-nri.json',
  );
  const quantities = [
    ...nodes.items.flatMap((n) => [...Object.entries(n.status.capacity), ...Object.entries(n.status.allocatable)]),
    ...pods.items.flatMap((p) => p.spec.containers.flatMap((c) => [...Object.entries(c.resources?.requests ?? {}), ...Object.entries(c.resources?.limits ?? {})])),
  ];
  // The capture only uses `<integer><suffix>`, so the expected value is the integer times the suffix.
  const factors: Record<string, number> = { '': 1, m: 1e-3, Ki: Ki, Mi: Mi, Gi: Gi, M: 1e6 };

  it('covers cpu, memory, ephemeral storage and hugepages in node and container resources', () => {
    expect(new Set(quantities.map(([resource]) => resource))).toEqual(
      new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'hugepages-1Gi', 'hugepages-2Mi', 'hugepages-32Mi', 'hugepages-64Ki']),
    );
  });

  it.each(quantities)('reads %s %j as the integer times its suffix', (resource, quantity) => {
    const [, digits = '', suffix = ''] = /^(\d+)([a-zA-Z]*)$/.exec(quantity) ?? [];
    const factor = factors[suffix];
    expect(factor, `suffix of ${quantity}`).toBeDefined();
    const value = Number(digits) * factor!;
    expect(parseQuantity(quantity)).toBe(value);
    if (resource === 'cpu') expect(parseMilliQuantity(quantity)).toBe(suffix === 'm' ? Number(digits) : Number(digits) * 1_000);
    else expect(parseIntQuantity(quantity)).toBe(value);
  });
});
