import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShardedMap } from '../../src/core/shardedMap.js';

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string } | { kind: 'clear' };

// Few distinct keys, so that sets overwrite and deletes hit; tails alike, as a batch's keys are.
const key = fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `namespace:ns-${i % 3}/pod:web-${i}/container:app`), '', 'x');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

function apply(map: Map<string, number>, ops: readonly Op[]): unknown[] {
  const results: unknown[] = [];
  for (const o of ops) {
    if (o.kind === 'set') results.push(map.set(o.key, o.value) === map);
    else if (o.kind === 'delete') results.push(map.delete(o.key));
    else map.clear();
  }
  return results;
}

describe('a sharded map', () => {
  it('answers every operation as a Map does, in the same order', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const reference = new Map<string, number>();
        const sharded = new ShardedMap<number>();
        expect(apply(sharded, ops)).toEqual(apply(reference, ops));
        expect(sharded.size).toBe(reference.size);
        expect([...sharded]).toEqual([...reference]);
        expect([...sharded.keys()]).toEqual([...reference.keys()]);
        expect([...sharded.values()]).toEqual([...reference.values()]);
        const visited: Array<[string, number]> = [];
        sharded.forEach((value, k, map) => {
          expect(map).toBe(sharded);
          visited.push([k, value]);
        });
        expect(visited).toEqual([...reference.entries()]);
        for (const k of ['', 'x', 'namespace:ns-1/pod:web-1/container:app', 'absent']) {
          expect(sharded.get(k)).toBe(reference.get(k));
          expect(sharded.has(k)).toBe(reference.has(k));
        }
      }),
    );
  });

  it('holds many keys that differ only before a common tail, and is a Map to code that asks', () => {
    const entries = Array.from({ length: 20_000 }, (_, i) => [`namespace:default/pod:web-${i}/container:application`, i] as const);
    const sharded = new ShardedMap(entries);
    expect(sharded).toBeInstanceOf(Map);
    expect(sharded.size).toBe(20_000);
    expect(entries.every(([k, value]) => sharded.get(k) === value)).toBe(true);
    expect(sharded).toEqual(new Map(entries));
    expect(Object.prototype.toString.call(sharded)).toBe('[object Map]');
  });

  it('visits by position in steps, and sees entries added while it visits', () => {
    const sharded = new ShardedMap<number>([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    sharded.delete('b');
    const seen: string[] = [];
    let at = sharded.visitFrom(0, 1, (value, k) => seen.push(`${k}=${value}`));
    expect(seen).toEqual(['a=1']);
    sharded.set('d', 4);
    while (at !== -1) at = sharded.visitFrom(at, 1, (value, k) => seen.push(`${k}=${value}`));
    expect(seen).toEqual(['a=1', 'c=3', 'd=4']);
  });
});
