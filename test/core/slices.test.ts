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
  it('lets pieces through at once while the slice has time, then makes them wait for a turn of the loop', async () => {
    const gate = createSliceGate(1_000);
    expect(gate.pass()).toBeUndefined();
    const spent = createSliceGate(0);
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const turn = spent.pass();
    expect(turn).toBeInstanceOf(Promise);
    await turn;
    order.push('piece');
    expect(order).toEqual(['other work', 'piece']);
  });
});
