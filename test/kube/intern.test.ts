import { describe, expect, it } from 'vitest';
import { InformerError } from '../../src/kube/errors.js';
import { createInternPool, createStringPool } from '../../src/kube/intern.js';

describe('intern pools', () => {
  it('return the first value made for a key every time it is asked for again', () => {
    const pool = createInternPool<object>();
    let made = 0;
    const make = () => ({ made: ++made });
    const first = pool.intern('a', make);
    expect(pool.intern('a', make)).toBe(first);
    expect(pool.intern('b', make)).not.toBe(first);
    expect(made).toBe(2);
    expect(pool.size).toBe(2);
  });

  it('keep values in use across generations and forget ones not seen for two generations', () => {
    const pool = createInternPool<object>({ generationSize: 2 });
    const hot = pool.intern('hot', () => ({}));
    const cold = pool.intern('cold', () => ({}));
    for (let i = 0; i < 3; i++) {
      // Two fresh keys fill a generation; asking for `hot` each time carries it forward.
      pool.intern(`x${i}`, () => ({}));
      expect(pool.intern('hot', () => ({}))).toBe(hot);
    }
    expect(pool.intern('cold', () => ({}))).not.toBe(cold);
    expect(pool.size).toBeLessThanOrEqual(4);
  });

  it('pool strings by value', () => {
    const pool = createStringPool();
    const first = ['image', 'name'].join(':');
    expect(pool.intern(first)).toBe(first);
    expect(pool.intern(['image', 'name'].join(':'))).toBe('image:name');
    expect(pool.size).toBe(1);
  });

  it('refuse a generation size that is not a positive integer, naming it', () => {
    for (const generationSize of [0, -1, 1.5, Number.NaN]) {
      expect(() => createInternPool({ generationSize })).toThrow(InformerError);
      expect(() => createStringPool({ generationSize })).toThrow(/generationSize must be a positive integer/);
    }
  });
});
