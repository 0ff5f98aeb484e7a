import { describe, expect, it } from 'vitest';
import { createSlotArena } from '../../src/store/arena.js';
import { createModelStore } from '../../src/store/modelStore.js';
import type { MetricSet } from '../../src/core/types.js';
import { at, batchOf, labeled, minute, pod } from './batches.js';

const small = { minLength: 4, minChunkBytes: 64 * 8, maxChunkBytes: 1024 * 8 };

describe('slot arena', () => {
  it('allocates arrays below the minimum length plainly and keeps nothing of them', () => {
    const arena = createSlotArena(small);
    const a = arena.take(3);
    const b = arena.take(3);
    expect(a.buffer).not.toBe(b.buffer);
    arena.give(a);
    expect(arena.idleBytes()).toBe(0);
    expect(arena.take(3)).not.toBe(a);
  });

  it('carves arrays from one buffer without overlap', () => {
    const arena = createSlotArena(small);
    const arrays = Array.from({ length: 6 }, () => arena.take(10));
    expect(new Set(arrays.map((values) => values.buffer)).size).toBe(1);
    arrays.forEach((values, i) => values.fill(i));
    arrays.forEach((values, i) => expect([...values]).toEqual(Array(10).fill(i)));
    expect(arena.idleBytes()).toBe(0);
  });

  it('hands the space of an array given back to a later request of its length or less', () => {
    const arena = createSlotArena(small);
    const a = arena.take(10);
    const keep = arena.take(10);
    arena.give(a);
    expect(arena.idleBytes()).toBe(10 * 8);
    const shorter = arena.take(6);
    expect([shorter.buffer, shorter.byteOffset]).toEqual([a.buffer, 0]);
    const rest = arena.take(4);
    expect([rest.buffer, rest.byteOffset]).toEqual([a.buffer, 6 * 8]);
    expect(arena.idleBytes()).toBe(0);
    const longer = arena.take(10);
    expect(longer.byteOffset).toBe(20 * 8);
    expect(keep.byteOffset).toBe(10 * 8);
  });

  it('merges neighbouring free space, and space at the end goes back to the unused end', () => {
    const arena = createSlotArena(small);
    const [a, b, c, d] = [arena.take(10), arena.take(10), arena.take(10), arena.take(10)];
    arena.give(b);
    arena.give(a);
    expect(arena.take(20).byteOffset).toBe(0);
    arena.give(d);
    arena.give(c);
    // c and d went back to the unused end: a longer array starts where c did.
    expect(arena.take(30).byteOffset).toBe(20 * 8);
    expect(arena.idleBytes()).toBe(0);
  });

  it('never hands out space of an array in use, through any order of takes and gives', () => {
    const arena = createSlotArena(small);
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const live = new Map<number, Float64Array>();
    for (let step = 0; step < 3000; step++) {
      if (live.size > 0 && random(3) === 0) {
        const ids = [...live.keys()];
        const id = ids[random(ids.length)]!;
        arena.give(live.get(id)!);
        live.delete(id);
      } else {
        const values = arena.take(4 + random(random(2) === 0 ? 4 : 60));
        values.fill(step);
        live.set(step, values);
      }
      if (step % 100 === 0) for (const [id, values] of live) expect(values.every((value) => value === id)).toBe(true);
    }
    for (const [id, values] of live) expect(values.every((value) => value === id)).toBe(true);
    for (const values of live.values()) arena.give(values);
    expect(arena.idleBytes()).toBe(0);
  });

  it('makes each new buffer as large as all before it, up to the maximum', () => {
    const arena = createSlotArena(small);
    const arrays = Array.from({ length: 200 }, () => arena.take(16));
    const buffers = [...new Set(arrays.map((values) => values.buffer))];
    // 64, 64, 128, 256, 512, then 1,024-number buffers: 3,200 numbers in 8 buffers, not 50.
    expect(buffers.map((buffer) => buffer.byteLength / 8)).toEqual([64, 64, 128, 256, 512, 1024, 1024, 1024]);
  });

  it('gives an array larger than the maximum buffer a buffer of its own', () => {
    const arena = createSlotArena(small);
    const big = arena.take(5000);
    expect(big.length).toBe(5000);
    expect(big.buffer.byteLength).toBe(5000 * 8);
  });

  it('drops a buffer once none of its arrays is in use, with its idle arrays', () => {
    const arena = createSlotArena(small);
    const first = Array.from({ length: 4 }, () => arena.take(16));
    const second = arena.take(16);
    expect(second.buffer).not.toBe(first[0]!.buffer);
    arena.give(first[0]!);
    arena.give(first[1]!);
    expect(arena.idleBytes()).toBe(32 * 8);
    arena.give(first[2]!);
    arena.give(first[3]!);
    expect(arena.idleBytes()).toBe(0);
    // The dropped buffer's arrays are never handed out again.
    expect(first.map((values) => values.buffer)).not.toContain(arena.take(16).buffer);
  });
});

describe('model store on arena arrays', () => {
  const cpu = 'cpu/usage_rate';
  const keyOf = (name: string) => `namespace:default/pod:${name}`;
  // Above the arena's minimum, shrunk for the test, so slot arrays come from shared buffers and
  // are given back and reused as columns grow, compact and go.
  const arena = { minLength: 1024, minChunkBytes: 64 * 1024 };
  const many = 1500;

  function pods(prefix: string, count: number, m: number): [string, MetricSet][] {
    return Array.from({ length: count }, (_, i) => {
      const entry = pod('default', `${prefix}-${i}`, { [cpu]: m * 100_000 + i });
      entry[1].labeledMetrics.push(labeled('filesystem/usage', { resource_id: `Volume:${prefix}-${i}` }, m * 100_000 + i));
      return entry;
    });
  }

  it('keeps every value of its own row while columns grow, compact and give arrays back', () => {
    const store = createModelStore({ retentionMs: 2 * minute, arena });
    for (let m = 0; m < 12; m++) {
      // The population swings between ~9,000 and ~27,000 pods, renamed every third minute.
      const generation = Math.floor(m / 3);
      const count = many * (1 + (m % 3));
      store.write(batchOf(at(m), [...pods(`g${generation}`, count, m), ...pods('steady', 3, m)]));
      for (const i of [0, many - 1, count - 1]) {
        const key = keyOf(`g${generation}-${i}`);
        const expected = [m - 1, m]
          .filter((t) => t >= generation * 3 && i < many * (1 + (t % 3)))
          .map((t) => ({ timestamp: at(t), value: t * 100_000 + i }));
        expect(store.series(key, cpu).points).toEqual(expected);
        expect(store.labeledSeries(key, 'filesystem/usage', undefined).map((s) => s.points)).toEqual([expected]);
      }
      expect(store.series(keyOf('steady-2'), cpu).points.at(-1)).toEqual({ timestamp: at(m), value: m * 100_000 + 2 });
    }
  });

  it('hands a gone metric\'s arrays to a new metric without mixing their values', () => {
    const store = createModelStore({ retentionMs: 2 * minute, arena });
    const gone = 'memory/usage';
    const later = 'memory/working_set';
    const withMetric = (prefix: string, metric: string, m: number) =>
      Array.from({ length: many }, (_, i) => pod('default', `${prefix}-${i}`, { [metric]: m * 100_000 + i }));
    for (let m = 0; m < 9; m++) {
      // `steady` keeps the shared buffers in use; `gone`'s column is dropped at minute 3 and
      // `later`'s, from minute 5, grows through the same lengths and takes its arrays.
      const sets = withMetric('steady', cpu, m);
      if (m < 2) sets.push(...withMetric('first', gone, m));
      if (m >= 5) sets.push(...withMetric('second', later, m));
      store.write(batchOf(at(m), sets));
      for (const i of [0, many - 1]) {
        const points = (metric: string, from: number) =>
          [m - 1, m].filter((t) => t >= from).map((t) => ({ timestamp: at(t), value: t * 100_000 + i }));
        expect(store.series(keyOf(`steady-${i}`), cpu).points).toEqual(points(cpu, 0));
        if (m >= 5) expect(store.series(keyOf(`second-${i}`), later).points).toEqual(points(later, 5));
      }
    }
  });

  it('returns its memory once a burst of pods has aged out', () => {
    const store = createModelStore({ retentionMs: 3 * minute, arena });
    let m = 0;
    for (; m < 4; m++) store.write(batchOf(at(m), pods('steady', 10, m)));
    const baseline = store.memoryBytes();
    for (let end = m + 2; m < end; m++) store.write(batchOf(at(m), [...pods('steady', 10, m), ...pods(`burst${m}`, 3 * many, m)]));
    expect(store.memoryBytes()).toBeGreaterThan(baseline + 6 * many * 8 * 3);
    for (let end = m + 5; m < end; m++) store.write(batchOf(at(m), pods('steady', 10, m)));
    expect(store.memoryBytes()).toBeLessThan(baseline * 1.25);
  });
});
