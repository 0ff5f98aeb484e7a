import { describe, expect, it } from 'vitest';
import { LabeledValues, labeledColumnCount, labeledColumnName } from '../../src/core/labeledValues.js';

const root = { resource_id: '/' };
const logs = { resource_id: 'logs' };

describe('labeled values', () => {
  it('groups values by label content, one row per label set, and reads them back', () => {
    const values = new LabeledValues();
    values.add('filesystem/usage', root, 100).add('filesystem/limit', root, 1000).add('filesystem/usage', logs, 5);
    values.add('filesystem/available', { resource_id: '/' }, 900);
    expect(values.length).toBe(4);
    expect(values.rowCount).toBe(2);
    expect(values.get('filesystem/available', root)).toBe(900);
    expect(values.get('filesystem/usage', { resource_id: 'logs' })).toBe(5);
    expect(values.get('filesystem/limit', logs)).toBeUndefined();
    expect(values.get('filesystem/usage', { resource_id: 'other' })).toBeUndefined();
  });

  it('holds any number of label sets, beyond the two it keeps in fields, in the order they came', () => {
    const volumes = Array.from({ length: 5 }, (_, i) => ({ resource_id: `Volume:v${i}` }));
    const values = new LabeledValues().add('filesystem/usage', root, 1).add('filesystem/usage', logs, 2);
    volumes.forEach((labels, i) => values.add('filesystem/usage', labels, 10 + i).add('filesystem/inodes', labels, 100 + i));
    // A copy of a later label set's labels finds its row, as a rate written with its counter's does.
    values.add('filesystem/usage', { resource_id: 'Volume:v3' }, 33);
    expect(values.rowCount).toBe(7);
    expect(values.length).toBe(12);
    expect(Array.from({ length: 7 }, (_, row) => values.rowLabels(row).resource_id)).toEqual(['/', 'logs', 'Volume:v0', 'Volume:v1', 'Volume:v2', 'Volume:v3', 'Volume:v4']);
    const columns = Array.from({ length: labeledColumnCount }, (_, c) => labeledColumnName(c));
    const usage = columns.indexOf('filesystem/usage');
    expect(Array.from({ length: 7 }, (_, row) => values.valueAt(row, usage))).toEqual([1, 2, 10, 11, 12, 33, 14]);
    expect(values.get('filesystem/inodes', { resource_id: 'Volume:v4' })).toBe(104);
    expect(values.get('filesystem/inodes', logs)).toBeUndefined();
    expect(values.has('filesystem/inodes')).toBe(true);
    const visited: string[] = [];
    values.forEach((value, name, labels) => visited.push(`${name}@${labels.resource_id}=${value}`));
    // Rows in order, each row's columns in catalogue order.
    const inCatalogueOrder = ['filesystem/usage', 'filesystem/inodes'].sort((a, b) => columns.indexOf(a) - columns.indexOf(b));
    const volumeValue = (name: string, i: number) => (name === 'filesystem/inodes' ? 100 + i : i === 3 ? 33 : 10 + i);
    expect(visited).toEqual([
      'filesystem/usage@/=1',
      'filesystem/usage@logs=2',
      ...volumes.flatMap((labels, i) => inCatalogueOrder.map((name) => `${name}@${labels.resource_id}=${volumeValue(name, i)}`)),
    ]);
  });

  it('overwrites one name under one label set, truncates integer metrics and keeps float ones', () => {
    const values = new LabeledValues();
    values.add('filesystem/usage', root, 1.9).add('filesystem/usage', root, 7.9);
    values.add('disk/io_read_bytes_rate', root, 0.5);
    expect(values.length).toBe(2);
    expect(values.get('filesystem/usage', root)).toBe(7);
    expect(values.get('disk/io_read_bytes_rate', root)).toBe(0.5);
  });

  it('says whether a name has a value under any label set', () => {
    const values = new LabeledValues([
      { name: 'filesystem/usage', labels: logs, value: 1 },
      { name: 'custom/per_disk', labels: root, value: 3 },
    ]);
    expect(values.has('filesystem/usage')).toBe(true);
    expect(values.has('custom/per_disk')).toBe(true);
    expect(values.has('filesystem/limit')).toBe(false);
    expect(values.has('disk/io_read_bytes')).toBe(false);
    expect(new LabeledValues().has('filesystem/usage')).toBe(false);
  });

  it('stores nothing for NaN or non-numbers', () => {
    const values = new LabeledValues();
    values.add('filesystem/usage', root, Number.NaN).add('custom/x', root, 'y' as never);
    expect(values.length).toBe(0);
    expect(values.toArray()).toEqual([]);
  });

  it('keeps names outside the catalogue beside the rows, and lists rows then others', () => {
    const values = new LabeledValues([
      { name: 'custom/per_disk', labels: root, value: 3 },
      { name: 'filesystem/inodes', labels: logs, value: 10 },
      { name: 'filesystem/usage', labels: logs, value: 2 },
    ]);
    expect(values.otherMetrics()).toEqual([{ name: 'custom/per_disk', labels: root, value: 3 }]);
    const listed = values.toArray().map((m) => m.name);
    expect(listed[listed.length - 1]).toBe('custom/per_disk');
    const columns = Array.from({ length: labeledColumnCount }, (_, c) => labeledColumnName(c));
    expect(listed.slice(0, 2)).toEqual(columns.filter((name) => name === 'filesystem/usage' || name === 'filesystem/inodes'));
    const visited: string[] = [];
    values.forEach((value, name, labels) => visited.push(`${name}@${labels.resource_id}=${value}`));
    expect(visited).toEqual(values.toArray().map((m) => `${m.name}@${m.labels.resource_id}=${m.value}`));
    expect(values.push({ name: 'filesystem/limit', labels: root, value: 1 })).toBe(4);
  });

  it('reads rows by index for loops that cannot take a callback', () => {
    const values = new LabeledValues().add('accelerator/duty_cycle', { make: 'nvidia', model: 'T4', accelerator_id: 'gpu-0' }, 40);
    const column = Array.from({ length: labeledColumnCount }, (_, c) => labeledColumnName(c)).indexOf('accelerator/duty_cycle');
    expect(values.rowLabels(0)).toEqual({ make: 'nvidia', model: 'T4', accelerator_id: 'gpu-0' });
    expect(values.valueAt(0, column)).toBe(40);
    expect(values.valueAt(0, 0)).toBeUndefined();
  });

  it('serialises as a list and compares with toEqual in any order', () => {
    const values = new LabeledValues().add('filesystem/usage', logs, 1).add('filesystem/usage', root, 2);
    expect(JSON.parse(JSON.stringify(values))).toEqual([
      { name: 'filesystem/usage', labels: logs, value: 1 },
      { name: 'filesystem/usage', labels: root, value: 2 },
    ]);
    expect(values).toEqual([
      { name: 'filesystem/usage', labels: root, value: 2 },
      { name: 'filesystem/usage', labels: logs, value: 1 },
    ]);
    expect(values).not.toEqual([{ name: 'filesystem/usage', labels: root, value: 2 }]);
  });
});
