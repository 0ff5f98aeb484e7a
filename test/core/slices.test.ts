import { describe, expect, it } from 'vitest';
import { ShardedMap } from '../../src/core/shardedMap.js';
import { createSliceGate, eachInSteps, itemsPerStep, runInSlices, runToEnd, type Steps } from '../../src/core/slices.js';

function* summing(values: number[]): Steps<number> {
  let total = 0;
  yield* eachInSteps(values.entries(), (value) => {
    total += value;
  });
  return total;
}

describe('work in slices', () => {
  const values = Array.from({ length: itemsPerStep * 4 + 1 }, (_, i) => i);
  const expected = values.reduce((a, b) => a + b, 0);

  it('pauses after every step of items and returns the same result run at once or in slices', async () => {
    const steps = summing(values);
    let pauses = 0;
    let next = steps.next();
    for (; !next.done; next = steps.next()) pauses++;
    expect(pauses).toBe(4);
    expect(next.value).toBe(expected);
    expect(runToEnd(summing(values))).toBe(expected);
    expect(await runInSlices(summing(values))).toBe(expected);
  });

  it.each([
    ['a Map', (entries: Array<readonly [string, number]>) => new Map(entries)],
    ['a sharded map (a batch)', (entries: Array<readonly [string, number]>) => new ShardedMap(entries)],
  ])('visits %s as for…of would, pausing the same way, even when visiting changes it', (_, create) => {
    const initial = Array.from({ length: itemsPerStep * 2 + 10 }, (_, i) => [`k${i}`, i] as const);
    // Deletes entries ahead and behind, overwrites some, and adds new ones while visiting.
    const mutate = (map: Map<string, number>, key: string, value: number) => {
      if (value % 7 === 0) map.delete(`k${value + 3}`);
      if (value % 11 === 0) map.delete(`k${value - 5}`);
      if (value % 13 === 0) map.set(`k${value + 1}`, -value);
      if (value % 50 === 0 && value < 400) map.set(`new${value}`, 1000 + value);
      return `${key}=${value}`;
    };
    const expected: string[] = [];
    // The reference is always a Map, walked by for…of.
    const reference = new Map(initial);
    for (const [key, value] of reference) expected.push(mutate(reference, key, value));

    const visited: string[] = [];
    const map = create(initial);
    const steps = eachInSteps(map, (value, key) => visited.push(mutate(map, key, value)));
    let pauses = 0;
    while (!steps.next().done) pauses++;
    expect(visited).toEqual(expected);
    expect(visited.some((entry) => entry.startsWith('new'))).toBe(true);
    expect(pauses).toBe(Math.floor(expected.length / itemsPerStep));
    expect([...map]).toEqual([...reference]);
  });

  it('lets other callbacks run between slices', async () => {
    const order: string[] = [];
    function* work(): Steps<void> {
      for (let i = 0; i < 3; i++) {
        order.push(`step ${i}`);
        yield;
      }
    }
    setImmediate(() => order.push('request'));
    // A zero budget ends the slice after every step.
    await runInSlices(work(), 0);
    expect(order.indexOf('request')).toBeGreaterThan(0);
    expect(order.indexOf('request')).toBeLessThan(order.length - 1);
  });

  it('rejects with what a step throws', async () => {
    function* failing(): Steps<void> {
      yield;
      throw new RangeError('bad set');
    }
    await expect(runInSlices(failing(), 0)).rejects.toThrow('bad set');
  });
});

describe('a slice gate', () => {
  it('runs queued pieces in arrival order and hands back their results and errors', async () => {
    const gate = createSliceGate(1_000);
    const order: number[] = [];
    const results = await Promise.allSettled([1, 2, 3].map((n) => gate.run(() => {
      order.push(n);
      if (n === 2) throw new RangeError('bad body');
      return n * 10;
    })));
    expect(order).toEqual([1, 2, 3]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 'bad body', 30]);
  });

  it('gives other callbacks a turn of the loop once a turn has spent its budget', async () => {
    const gate = createSliceGate(5);
    const order: string[] = [];
    const busy = (label: string) => () => {
      const until = performance.now() + 6;
      while (performance.now() < until);
      order.push(label);
    };
    const pieces = [gate.run(busy('a')), gate.run(busy('b'))];
    setImmediate(() => order.push('other work'));
    await Promise.all(pieces);
    expect(order).toEqual(['a', 'other work', 'b']);
  });
});
