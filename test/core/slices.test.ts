import { describe, expect, it } from 'vitest';
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
