import { describe, expect, it } from 'vitest';
import { Label } from '../../src/core/labels.js';
import { metricTypesOf } from '../../src/core/metrics.js';
import type { DataBatch, LabeledMetric } from '../../src/core/types.js';
import type { ProcessorSkip } from '../../src/processors/errors.js';
import { createRateCalculator } from '../../src/processors/rateCalculator.js';
import { batchOf, containerEntry, nodeEntry, setAt } from './builders.js';

const key = 'namespace:default/pod:web/container:app';
const start = Date.parse('2022-12-27T23:30:00Z');

/** One container set with the given counters, scraped at `scrapeMs`, in a batch ending at `batchMs`. */
function containerBatch(batchMs: number, scrapeMs: number, counters: Record<string, number>, startMs = start): DataBatch {
  const [k, set] = containerEntry('default', 'web', 'app', counters);
  set.scrapeTime = scrapeMs;
  set.collectionStartTime = startMs;
  return batchOf(batchMs, [[k, set]]);
}

function diskIo(name: string, device: string, bytes: number): LabeledMetric {
  return { name, labels: { [Label.ResourceId]: device }, value: bytes };
}

describe('rate calculator', () => {
  it('is named as in Heapster', () => {
    expect(createRateCalculator().name).toBe('rate calculator');
  });

  it('emits no rates for the first batch', () => {
    const calculator = createRateCalculator();
    const batch = calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 5e9, 'network/rx': 1000 }));
    expect([...setAt(batch, key).metricValues.keys()].sort()).toEqual(['cpu/usage', 'network/rx']);
  });

  it('computes cpu/usage_rate as integer millicores and the other rates as floats per second', () => {
    const calculator = createRateCalculator();
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 5_000_000_000, 'memory/page_faults': 100, 'network/tx': 10_000 }));
    const second = calculator.process(
      containerBatch(120_000, 119_000, { 'cpu/usage': 5_000_000_000 + 7_777_777_777, 'memory/page_faults': 101, 'network/tx': 10_000 + 3_000 }),
    );
    const set = setAt(second, key);
    const intervalNs = (119_000 - 59_000) * 1e6;
    // 1000 × 7,777,777,777 ns / 60e9 ns = 129.6 → truncated to 129 millicores.
    expect(set.metricValues.get('cpu/usage_rate')).toBe(Math.trunc((1000 * 7_777_777_777) / intervalNs));
    expect(metricTypesOf('cpu/usage_rate')).toEqual({ valueType: 'int64', metricType: 'gauge' });
    expect(set.metricValues.get('cpu/usage_rate')).toBe(129);
    expect(set.metricValues.get('memory/page_faults_rate')).toBe((1e9 * 1) / intervalNs);
    expect(metricTypesOf('memory/page_faults_rate')).toEqual({ valueType: 'float', metricType: 'gauge' });
    expect(set.metricValues.get('network/tx_rate')).toBeCloseTo(50, 12);
  });

  it('computes exact integer millicores for counters beyond float precision', () => {
    const calculator = createRateCalculator();
    const base = 9_000_000_000_000; // 2.5 core-hours in ns
    const delta = 4_503_599_627_371; // 1000 × delta is above 2^52
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': base }));
    const second = calculator.process(containerBatch(120_000, 59_007, { 'cpu/usage': base + delta }));
    const expected = Number((1000n * BigInt(delta)) / BigInt(7 * 1e6));
    expect(setAt(second, key).metricValues.get('cpu/usage_rate')).toBe(expected);
  });

  it('emits no rate across a restart, detected by a changed collection start time', () => {
    const calculator = createRateCalculator();
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 9e9 }));
    const restarted = calculator.process(containerBatch(120_000, 119_000, { 'cpu/usage': 1e9 }, start + 100_000));
    expect(setAt(restarted, key).metricValues.has('cpu/usage_rate')).toBe(false);
  });

  it('treats a counter that went down without a restart as a reset: no rate, never a negative one, and reports it', () => {
    const skips: ProcessorSkip[] = [];
    const calculator = createRateCalculator({ onSkip: (s) => skips.push(s) });
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 9e9, 'network/rx': 500 }));
    const next = calculator.process(containerBatch(120_000, 119_000, { 'cpu/usage': 1e9, 'network/rx': 800 }));
    const set = setAt(next, key);
    expect(set.metricValues.has('cpu/usage_rate')).toBe(false);
    expect(set.metricValues.get('network/rx_rate')).toBeCloseTo(300 / 60, 12);
    expect(skips).toEqual([{ processor: 'rate calculator', reason: 'counter_decrease', key, metric: 'cpu/usage' }]);
  });

  it('skips an out-of-order batch and keeps the older batch as the reference for the next one', () => {
    const skips: ProcessorSkip[] = [];
    const calculator = createRateCalculator({ onSkip: (s) => skips.push(s) });
    calculator.process(containerBatch(120_000, 119_000, { 'cpu/usage': 10e9 }));
    const late = calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 4e9 }));
    expect(setAt(late, key).metricValues.has('cpu/usage_rate')).toBe(false);
    const same = calculator.process(containerBatch(120_000, 119_500, { 'cpu/usage': 11e9 }));
    expect(setAt(same, key).metricValues.has('cpu/usage_rate')).toBe(false);
    expect(skips.map((s) => s.reason)).toEqual(['out_of_order_batch', 'out_of_order_batch']);

    const next = calculator.process(containerBatch(180_000, 179_000, { 'cpu/usage': 13e9 }));
    // Rate against the batch at 120 s (10e9 ns at 119 s), not the rejected ones.
    expect(setAt(next, key).metricValues.get('cpu/usage_rate')).toBe(50);
  });

  it('skips a set that was not scraped strictly later than before', () => {
    const calculator = createRateCalculator();
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 1e9 }));
    const stale = calculator.process(containerBatch(120_000, 59_000, { 'cpu/usage': 1e9 }));
    expect(setAt(stale, key).metricValues.has('cpu/usage_rate')).toBe(false);
  });

  it('emits no rate for a counter missing in either batch', () => {
    const calculator = createRateCalculator();
    calculator.process(containerBatch(60_000, 59_000, { 'cpu/usage': 1e9 }));
    const next = calculator.process(containerBatch(120_000, 119_000, { 'network/rx': 10 }));
    expect(setAt(next, key).metricValues.has('network/rx_rate')).toBe(false);
    expect(setAt(next, key).metricValues.has('cpu/usage_rate')).toBe(false);
  });

  it('matches labeled disk counters by resource_id, labels each rate like its counter and gives a decreased one no rate', () => {
    const calculator = createRateCalculator();
    const nodeBatch = (batchMs: number, scrapeMs: number, items: LabeledMetric[]) => {
      const [k, set] = nodeEntry('minikube');
      set.scrapeTime = scrapeMs;
      set.labeledMetrics.push(...items);
      return batchOf(batchMs, [[k, set]]);
    };
    calculator.process(
      nodeBatch(60_000, 60_000, [diskIo('disk/io_read_bytes', '/dev/sda', 1_000), diskIo('disk/io_read_bytes', '/dev/sdb', 5_000), diskIo('disk/io_write_bytes', '/dev/sda', 100)]),
    );
    const next = nodeBatch(70_000, 70_000, [
      diskIo('disk/io_read_bytes', '/dev/sdb', 5_500),
      diskIo('disk/io_read_bytes', '/dev/sda', 3_000),
      diskIo('disk/io_write_bytes', '/dev/sda', 50),
      diskIo('disk/io_read_bytes', '/dev/sdc', 1),
    ]);
    calculator.process(next);
    const rates = setAt(next, 'node:minikube').labeledMetrics.toArray().filter((m) => m.name.endsWith('_rate'));
    expect(rates).toEqual([
      { name: 'disk/io_read_bytes_rate', labels: { resource_id: '/dev/sdb' }, value: (1e9 * 500) / 10e9 },
      { name: 'disk/io_read_bytes_rate', labels: { resource_id: '/dev/sda' }, value: (1e9 * 2000) / 10e9 },
    ]);
  });
});
