import { describe, expect, it } from 'vitest';
import { createIdPool } from '../../src/store/idPool.js';
import { seededRandom } from './batches.js';

describe('id pool', () => {
  it('hands out the lowest free id first', () => {
    const pool = createIdPool();
    const ids = Array.from({ length: 6 }, () => pool.allocate());
    expect(ids).toEqual([0, 1, 2, 3, 4, 5]);
    pool.release(4);
    pool.release(1);
    expect(pool.allocate()).toBe(1);
    expect(pool.allocate()).toBe(4);
    expect(pool.allocate()).toBe(6);
  });

  it('lowers the high-water mark when the top ids are released', () => {
    const pool = createIdPool();
    for (let i = 0; i < 10; i++) pool.allocate();
    for (const id of [9, 7, 8, 2]) pool.release(id);
    expect(pool.highWater).toBe(7);
    expect(pool.liveCount).toBe(6);
    expect(pool.allocate()).toBe(2);
    expect(pool.allocate()).toBe(7);
  });

  it('never hands out an id twice while it is in use, whatever the order of releases', () => {
    const random = seededRandom(3);
    const pool = createIdPool();
    const live = new Set<number>();
    for (let step = 0; step < 20_000; step++) {
      if (live.size > 0 && random() < 0.5) {
        const ids = [...live];
        // Prefer high ids so the high-water mark keeps falling and rising again.
        const id = random() < 0.5 ? Math.max(...ids) : ids[Math.floor(random() * ids.length)]!;
        pool.release(id);
        live.delete(id);
      } else {
        const id = pool.allocate();
        expect(live.has(id)).toBe(false);
        const lowestFree = [...Array(live.size + 1).keys()].find((candidate) => !live.has(candidate));
        expect(id).toBe(lowestFree);
        live.add(id);
      }
      if (step % 1000 === 0) pool.compact();
      expect(pool.liveCount).toBe(live.size);
    }
  });
});
