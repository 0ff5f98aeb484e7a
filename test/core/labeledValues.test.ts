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
