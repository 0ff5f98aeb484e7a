/**
 * The metric and label catalogues against heapster-reference §2.3 and §2.4: the expected lists
 * are parsed from the markdown tables of the reference, not copied into this file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceleratorLabels, allLabels, commonLabels, containerLabels, exportedLabelKeys, metricLabels, podLabels } from '../../src/core/labels.js';
import { allMetrics, describeMetric, rateMetricsMapping } from '../../src/core/metrics.js';
import type { MetricType, ValueType } from '../../src/core/types.js';
import { fixturePath } from '../helpers/fixtures.js';

const reference = readFileSync(resolve(fixturePath('.'), '..', 'spec', 'heapster-reference.md'), 'utf8');

/** The text of one `### <number>` section. */
function section(number: string): string {
  const start = reference.indexOf(`### ${number} `);
  const end = reference.indexOf('\n### ', start + 1);
  if (start < 0) throw new Error(`section ${number} not found in the reference`);
  return reference.slice(start, end < 0 ? undefined : end);
}

/** Markdown tables of `text`, each with the bold caption above it (if any), as header → cell rows. */
function tables(text: string): Array<{ caption: string; rows: Array<Record<string, string>> }> {
  const result: Array<{ caption: string; rows: Array<Record<string, string>> }> = [];
  const lines = text.split('\n');
  let caption = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('**')) caption = line;
    if (!line.startsWith('|') || !lines[i + 1]?.startsWith('|---')) continue;
    const cells = (row: string) => row.slice(1, -1).split('|').map((c) => c.trim());
    const header = cells(line);
    const rows: Array<Record<string, string>> = [];
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
      const values = cells(lines[i]!);
      rows.push(Object.fromEntries(header.map((h, k) => [h, values[k] ?? ''])));
    }
    result.push({ caption, rows });
  }
  return result;
}

/** Backticked names of a cell, leaving out parenthesised remarks such as `(= a / b)`. */
function names(cell: string): string[] {
  return [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

const metricTypes: Record<string, MetricType> = { C: 'cumulative', G: 'gauge' };
const valueTypes: Record<string, ValueType> = { I: 'int64', F: 'float' };
/** First token of a cell, without markdown emphasis or quotes: `**I**` → I, `"bytes" (sic)` → bytes. */
const token = (cell: string) => cell.replace(/[*"]/g, '').split(/[\s(]/)[0]!;

interface Expected {
  name: string;
  type?: MetricType;
  valueType?: ValueType;
  units?: string;
  labels?: string[];
  rateOf?: string;
}

const catalogueTables = tables(section('2.4'));
const expected = new Map<string, Expected>();
const dynamicRows: Array<Record<string, string>> = [];
for (const { caption, rows } of catalogueTables) {
  // The autoscaling table states its common columns in its caption: `all G, F, units "count"`.
  const common = /all ([CG]), ([IF]), units "(\w+)"/.exec(caption);
  let previousLabels: string[] | undefined;
  for (const row of rows) {
    const cellNames = names(row.Name ?? '');
    if (cellNames.some((n) => n.startsWith('<'))) {
      dynamicRows.push(row);
      continue;
    }
    const labels = row.Labels === undefined ? undefined : row.Labels === 'same' ? previousLabels : names(row.Labels);
    previousLabels = labels;
    const type = row.Type ?? common?.[1];
    const value = row.Value !== undefined && common === null ? row.Value : common?.[2];
    const units = row.Units ?? common?.[3];
    for (const name of cellNames) {
      const entry: Expected = expected.get(name) ?? { name };
      if (type !== undefined) entry.type = metricTypes[token(type)];
      if (value !== undefined) entry.valueType = valueTypes[token(value)];
      if (units !== undefined) entry.units = token(units);
      if (labels !== undefined) entry.labels = labels;
      if (row.From !== undefined) entry.rateOf = names(row.From)[0];
      expected.set(name, entry);
    }
  }
}

describe('the metric catalogue against heapster-reference §2.4', () => {
  it('reads the five catalogue tables of the reference', () => {
    expect(catalogueTables.map((t) => t.caption.replace(/\*\*/g, '').split(' (')[0])).toEqual([
      'Standard metrics',
      'Additional metrics',
      'Rate metrics',
      'Labeled metrics',
      'Node autoscaling metrics',
    ]);
    expect(expected.size).toBeGreaterThan(50);
  });

  it('holds exactly the metrics of the reference tables', () => {
    expect(allMetrics.map((m) => m.name).sort()).toEqual([...expected.keys()].sort());
  });

  it('has no metric twice', () => {
    expect(new Set(allMetrics.map((m) => m.name)).size).toBe(allMetrics.length);
  });

  it.each([...expected.values()].map((e) => [e.name, e] as const))('describes %s with the type, value type, units and labels of the reference', (name, e) => {
    const descriptor = describeMetric(name);
    expect(descriptor).toBeDefined();
    expect(e.type, 'type column').toBeDefined();
    expect(e.valueType, 'value column').toBeDefined();
    expect(descriptor!.type).toBe(e.type);
    expect(descriptor!.valueType).toBe(e.valueType);
    if (e.units !== undefined) expect(descriptor!.units).toBe(e.units);
    expect(descriptor!.labels.map((l) => l.key)).toEqual(e.labels ?? []);
    expect(descriptor!.description).not.toBe('');
  });

  it('maps every rate of the reference from its counter, and nothing else', () => {
    const rates = [...expected.values()].filter((e) => e.rateOf !== undefined).map((e) => [e.rateOf!, e.name]);
    expect(rates.length).toBeGreaterThan(0);
    expect([...rateMetricsMapping].sort()).toEqual(rates.sort());
  });

  it.each([...rateMetricsMapping])('rates %s into %s, both in the catalogue', (counter, rate) => {
    expect(describeMetric(counter)?.type).toBe('cumulative');
    expect(describeMetric(rate)?.type).toBe('gauge');
  });
});

describe('describeMetric for dynamic names', () => {
  const [requestRow] = dynamicRows;
  const examples = [...(requestRow?.Description ?? '').matchAll(/`([^`]+\/request)`/g)].map((m) => m[1]!);

  it('finds the `<resourceName>/request` row and its examples in the reference', () => {
    expect(dynamicRows).toHaveLength(1);
    expect(examples.length).toBeGreaterThan(0);
  });

  it.each(examples)('describes the extended-resource request %s as the reference row says', (name) => {
    const descriptor = describeMetric(name);
    expect(descriptor?.name).toBe(name);
    expect(descriptor?.type).toBe(metricTypes[token(requestRow!.Type!)]);
    expect(descriptor?.valueType).toBe(valueTypes[token(requestRow!.Value!)]);
    expect(descriptor?.units).toBe(token(requestRow!.Units!));
    expect(descriptor?.labels).toEqual([]);
    expect(descriptor?.description).toContain(name.slice(0, -'/request'.length));
  });

  it.each(['custom/queue_depth', 'custom/http_requests_total'])('describes the custom metric %s as a dimensionless float gauge', (name) => {
    expect(describeMetric(name)).toMatchObject({ name, type: 'gauge', valueType: 'float', units: 'count', labels: [] });
  });

  it('keeps the fixed descriptors of cpu/request and memory/request rather than the extended-resource one', () => {
    expect(describeMetric('cpu/request')).toBe(allMetrics.find((m) => m.name === 'cpu/request'));
    expect(describeMetric('memory/request')?.units).toBe('bytes');
  });

  it.each(['', '/request', 'cpu/usage_rate2', 'memory', 'network/rx_bytes'])('gives undefined for the unknown name %j', (name) => {
    expect(describeMetric(name)).toBeUndefined();
  });
});

describe('the label catalogue against heapster-reference §2.3', () => {
  const labelSection = section('2.3');
  const [labelTable] = tables(labelSection);
  const referenceKeys = labelTable!.rows.flatMap((row) => names(row.Key ?? '')).filter((key) => /^[a-z_]+$/.test(key));
  /** Keys Heapgraph deliberately does not carry, each with the reference's reason. */
  const excluded: Record<string, string> = {
    pod_namespace: 'release-1.2 only, deprecated duplicate of namespace_name',
    custom_metric_name: 'GCM only',
    resource_type: 'GCM node-autoscaling only',
    volume_name: 'declared in master, never set by core code',
  };

  it('reads the label keys of the reference table', () => {
    expect(referenceKeys).toEqual(expect.arrayContaining(['type', 'nodename', 'labels', 'resource_id', ...Object.keys(excluded)]));
  });

  it.each(referenceKeys.filter((key) => !(key in excluded)))('has the label %s', (key) => {
    expect(allLabels.map((l) => l.key)).toContain(key);
  });

  it.each(Object.entries(excluded))('leaves out %s (%s), as the reference row says', (key, reason) => {
    const row = labelTable!.rows.find((r) => names(r.Key ?? '').includes(key));
    expect(`${row?.['Description / who sets it']}`.toLowerCase()).toContain(reason.split(/[ ,]/)[0]!.toLowerCase());
    expect(allLabels.map((l) => l.key)).not.toContain(key);
  });

  it('adds only the workload labels of its own beyond the reference', () => {
    expect(allLabels.map((l) => l.key).filter((key) => !referenceKeys.includes(key)).sort()).toEqual(['workload_kind', 'workload_name']);
  });

  it('has every label once, each with a description', () => {
    expect(new Set(allLabels.map((l) => l.key)).size).toBe(allLabels.length);
    for (const label of allLabels) expect(label.description, label.key).not.toBe('');
  });

  it('groups labels as the export API does', () => {
    const groups = Object.fromEntries(
      [...labelSection.matchAll(/(\w+) = `([^`]+)`/g)].map((m) => [m[1]!, m[2]!.split(',').map((k) => k.trim())]),
    );
    expect(Object.keys(groups).sort()).toEqual(['accelerator', 'common', 'container', 'metric', 'pod']);
    expect(commonLabels.map((l) => l.key)).toEqual(groups.common);
    expect(containerLabels.map((l) => l.key)).toEqual(groups.container);
    expect(podLabels.map((l) => l.key)).toEqual(groups.pod);
    expect(metricLabels.map((l) => l.key)).toEqual(groups.metric);
    expect(acceleratorLabels.map((l) => l.key)).toEqual(groups.accelerator);
    expect([...exportedLabelKeys].sort()).toEqual([...groups.common!, ...groups.container!, ...groups.pod!].sort());
  });
});
