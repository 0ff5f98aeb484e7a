import { describe, expect, it } from 'vitest';
import { createLabelSetTable } from '../../src/store/labelSets.js';

describe('label set table', () => {
  it('gives equal pair sets one id whatever the key order, and distinct sets distinct ids', () => {
    const table = createLabelSetTable();
    const a = table.intern({ make: 'nvidia', model: 'tesla' });
    expect(table.intern({ model: 'tesla', make: 'nvidia' })).toBe(a);
    expect(table.intern({ make: 'nvidia' })).not.toBe(a);
    expect(table.intern({ make: 'nvidia', model: 'tesla', extra: '' })).not.toBe(a);
    expect(table.labels(a)).toEqual({ make: 'nvidia', model: 'tesla' });
    expect(Object.isFrozen(table.labels(a))).toBe(true);
  });

  it('matches only filters with the same pairs', () => {
    const table = createLabelSetTable();
    const id = table.intern({ resource_id: '/', make: 'x' });
    expect(table.matches(id, { make: 'x', resource_id: '/' })).toBe(true);
    expect(table.matches(id, { resource_id: '/' })).toBe(false);
    expect(table.matches(id, { resource_id: '/', make: 'y' })).toBe(false);
    expect(table.matches(table.intern({}), {})).toBe(true);
  });

  it('frees sets no row uses and never resolves a stale path to a reused id', () => {
    const table = createLabelSetTable();
    for (let round = 0; round < 50; round++) {
      const ids = Array.from({ length: 20 }, (_, i) => table.intern({ resource_id: `Volume:${round}-${i}` }));
      for (const id of ids) table.retain(id);
      // Every set of this round resolves to itself, including ids freed by earlier rounds.
      ids.forEach((id, i) => expect(table.labels(id)).toEqual({ resource_id: `Volume:${round}-${i}` }));
      for (const id of ids) table.release(id);
      table.collect();
    }
    const fresh = table.intern({ resource_id: 'Volume:0-0' });
    expect(table.labels(fresh)).toEqual({ resource_id: 'Volume:0-0' });
    expect(fresh).toBe(0);
  });
});

describe('label set table and frozen labels objects', () => {
  it('finds the set of a frozen object it saw before, and never a freed set through it', () => {
    const table = createLabelSetTable();
    const volumes = Array.from({ length: 20 }, (_, i) => Object.freeze({ resource_id: `Volume:v${i}` }));
    const ids = volumes.map((labels) => table.intern(labels));
    // Equal pairs in another (unfrozen) object, in another order of calls: the same ids.
    expect([...volumes].reverse().map((labels) => table.intern({ ...labels }))).toEqual([...ids].reverse());
    expect(volumes.map((labels) => table.intern(labels))).toEqual(ids);

    // Nothing uses the sets: collected, and their ids go to other pairs.
    table.collect();
    const others = Array.from({ length: 20 }, (_, i) => table.intern({ resource_id: `Volume:other${i}` }));
    for (const id of others) table.retain(id);
    expect(others.some((id) => ids.includes(id))).toBe(true);
    // The old frozen objects must resolve to sets with their own pairs again, not to the reused ids' sets.
    for (const labels of volumes) expect(table.labels(table.intern(labels))).toEqual(labels);
    others.forEach((id, i) => expect(table.labels(id)).toEqual({ resource_id: `Volume:other${i}` }));
  });
});

describe('label set table lookups in a row', () => {
  it('resolves consecutive sets that share keys or values to their own ids', () => {
    const table = createLabelSetTable();
    const sequence: Record<string, string>[] = [{ resource_id: '/' }, { resource_id: '/' }, { resource_id: 'logs' }, { resource_id: 'logs', extra: 'x' }, { extra: 'x' }, {}, { resource_id: '/' }];
    const ids = sequence.map((labels) => table.intern(labels));
    sequence.forEach((labels, i) => expect(table.labels(ids[i]!)).toEqual(labels));
    expect(new Set(ids).size).toBe(5);
  });
});
