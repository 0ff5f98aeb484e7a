import { describe, expect, it } from 'vitest';
import { declareCustomMetric, describeMetric, metricTypesOf } from '../../src/core/metrics.js';
import { MetricValues, metricColumn, metricColumnCount, metricColumnName, requireMetricColumn } from '../../src/core/metricValues.js';

describe('metric values', () => {
  it('keeps catalogue and other names, counts them, and reads them back', () => {
    const values = new MetricValues([
      ['memory/usage', 1024],
      ['custom/queue', 2.5],
      ['cpu/usage', 7],
    ]);
    expect(values.size).toBe(3);
    expect(values.get('memory/usage')).toBe(1024);
    expect(values.get('custom/queue')).toBe(2.5);
    expect(values.get('cpu/usage')).toBe(7);
    expect(values.get('memory/rss')).toBeUndefined();
    expect(values.has('cpu/usage')).toBe(true);
    expect(values.has('network/rx')).toBe(false);
  });

  it('lists catalogue metrics in catalogue order, then the others in insertion order', () => {
    const values = new MetricValues([
      ['custom/b', 1],
      ['memory/usage', 2],
      ['custom/a', 3],
      ['cpu/usage', 4],
    ]);
    const order = [...values.keys()];
    const catalogue = order.filter((name) => metricColumn(name) >= 0);
    expect(catalogue).toEqual([...catalogue].sort((x, y) => metricColumn(x) - metricColumn(y)));
    expect(order.slice(2)).toEqual(['custom/b', 'custom/a']);
    const visited: Array<[string, number]> = [];
    values.forEach((value, name) => visited.push([name, value]));
    expect(visited).toEqual([...values.entries()]);
    expect([...values.values()]).toEqual(visited.map(([, value]) => value));
  });

  it('truncates integer metrics and keeps floats, as their descriptors say', () => {
    const values = new MetricValues([
      ['memory/usage', 10.9],
      ['cpu/usage_rate', -3.7],
      ['network/rx_rate', 0.25],
      ['custom/ratio', 0.75],
      ['gpu.example.com/request', 2.5],
    ]);
    expect(describeMetric('memory/usage')!.valueType).toBe('int64');
    expect(values.get('memory/usage')).toBe(10);
    expect(values.get('cpu/usage_rate')).toBe(-3);
    expect(values.get('network/rx_rate')).toBe(0.25);
    expect(values.get('custom/ratio')).toBe(0.75);
    expect(values.get('gpu.example.com/request')).toBe(2);
  });

  it('treats NaN and non-numbers as removal, so size always matches what is listed', () => {
    const values = new MetricValues([
      ['memory/rss', 5],
      ['custom/x', 1],
    ]);
    values.set('memory/rss', Number.NaN);
    values.set('custom/x', 'y' as never);
    values.set('memory/cache', 'x' as never);
    expect(values.size).toBe(0);
    expect([...values]).toEqual([]);
  });

  it('overwrites without double counting and deletes once', () => {
    const values = new MetricValues();
    values.set('memory/usage', 1).set('memory/usage', 2);
    expect(values.size).toBe(1);
    expect(values.get('memory/usage')).toBe(2);
    expect(values.delete('memory/usage')).toBe(true);
    expect(values.delete('memory/usage')).toBe(false);
    expect(values.delete('custom/none')).toBe(false);
    expect(values.size).toBe(0);
  });

  it('keeps the sets apart though they share slabs, across many sets', () => {
    const sets = Array.from({ length: 3000 }, (_, i) => new MetricValues([['memory/usage', i]]));
    expect(sets.every((values, i) => values.get('memory/usage') === i && values.size === 1)).toBe(true);
  });

  it('reads by column without allocating a pair per value', () => {
    const values = new MetricValues([['memory/working_set', 9]]);
    const column = metricColumn('memory/working_set');
    expect(metricColumnName(column)).toBe('memory/working_set');
    expect(values.getColumn(column)).toBe(9);
    const present = [];
    for (let c = 0; c < metricColumnCount; c++) if (values.getColumn(c) !== undefined) present.push(metricColumnName(c));
    expect(present).toEqual(['memory/working_set']);
    expect(metricColumn('filesystem/usage')).toBe(-1);
  });

  it('writes by column as set does by name: truncating integers, NaN removing, size kept', () => {
    const values = new MetricValues();
    const usage = requireMetricColumn('memory/usage');
    const pageFaultsRate = requireMetricColumn('memory/page_faults_rate');
    values.setColumn(usage, 10.9).setColumn(pageFaultsRate, 0.5);
    expect(values.toJSON()).toEqual({ 'memory/usage': 10, 'memory/page_faults_rate': 0.5 });
    values.setColumn(usage, 12);
    expect(values.size).toBe(2);
    values.setColumn(usage, Number.NaN).setColumn(usage, Number.NaN);
    expect(values.size).toBe(1);
    expect(values.has('memory/usage')).toBe(false);
    expect(() => requireMetricColumn('filesystem/usage')).toThrow(/not an unlabeled catalogue metric/);
  });

  it('prints as a plain object and compares with toEqual by content', () => {
    const values = new MetricValues([['memory/usage', 3], ['custom/q', 0.5]]);
    expect(JSON.parse(JSON.stringify({ values }))).toEqual({ values: { 'memory/usage': 3, 'custom/q': 0.5 } });
    expect(values).toEqual(new Map([['memory/usage', 3], ['custom/q', 0.5]]));
    expect(values).not.toEqual(new Map([['memory/usage', 3]]));
    expect(values).toEqual(new MetricValues([['custom/q', 0.5], ['memory/usage', 3]]));
  });
});

describe('custom metric types', () => {
  it('remembers the first declared type of a custom metric and defaults to a float gauge', () => {
    declareCustomMetric('custom/test_counter_x', 'cumulative');
    declareCustomMetric('custom/test_counter_x', 'gauge');
    expect(metricTypesOf('custom/test_counter_x')).toEqual({ metricType: 'cumulative', valueType: 'float' });
    expect(metricTypesOf('custom/never_declared_x')).toEqual({ metricType: 'gauge', valueType: 'float' });
    expect(metricTypesOf('not-a-metric')).toEqual({ metricType: 'gauge', valueType: 'float' });
  });
});
