import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createRowSource, type Row } from '../../src/core/rows.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Full GCs with a turn between them, so finalization callbacks get to run. */
async function collect(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function fill(rows: readonly Row[], width: number, value: number): void {
  for (const { slab, offset } of rows) slab.fill(value, offset, offset + width);
}

function values(rows: readonly Row[], width: number): number[] {
  return rows.flatMap(({ slab, offset }) => [...slab.subarray(offset, offset + width)]);
}

describe('createRowSource', () => {
  it('hands out distinct all-NaN rows of the given width, rowsPerSlab to a slab', () => {
    const source = createRowSource(3, 4);
    const rows = Array.from({ length: 6 }, () => source.take());
    expect(values(rows, 3).every(Number.isNaN)).toBe(true);
    expect(rows.map((r) => r.offset)).toEqual([0, 3, 6, 9, 0, 3]);
    expect(new Set(rows.map((r) => r.slab)).size).toBe(2);
    expect(rows[0]!.slab.length).toBe(12);
    expect(source.counts()).toEqual({ live: 2, idle: 0, allocated: 2 });
  });

  it('reuses the buffers of collected slabs, refilled with NaN, and never touches rows still held', async () => {
    const width = 5;
    const source = createRowSource(width, 8);
    const kept = Array.from({ length: 16 }, () => source.take()); // two slabs, held throughout
    fill(kept, width, 7);
    let dropped: Row[] | undefined = Array.from({ length: 64 }, () => source.take()); // eight slabs
    fill(dropped, width, 42);
    expect(source.counts()).toMatchObject({ live: 10, allocated: 10 });

    dropped = undefined;
    await collect();
    const afterCollect = source.counts();
    expect(afterCollect.live).toBe(2);
    // Idle buffers are capped at the live slabs: the rest went back to the system.
    expect(afterCollect.idle).toBe(2);

    const fresh = Array.from({ length: 8 }, () => source.take()); // one slab: an idle buffer
    expect(source.counts()).toEqual({ live: 3, idle: 1, allocated: 10 });
    expect(values(fresh, width).every(Number.isNaN)).toBe(true);
    expect(values(kept, width).every((v) => v === 7)).toBe(true);
    expect(dropped).toBeUndefined();
  });

  it('keeps idle buffers in proportion to live slabs as the population grows back', async () => {
    const source = createRowSource(2, 2);
    const batches: Row[][] = [];
    for (let cycle = 0; cycle < 6; cycle++) {
      batches.push(Array.from({ length: 40 }, () => source.take())); // 20 slabs a batch
      if (batches.length > 2) batches.shift(); // the latest and the previous stay reachable
      await collect();
    }
    const { live, idle, allocated } = source.counts();
    expect(live).toBe(40);
    expect(idle).toBeLessThanOrEqual(live);
    // Six batches of 20 slabs; once two batches had died, later ones took recycled buffers.
    expect(allocated).toBeLessThan(6 * 20);
    for (const batch of batches) expect(values(batch, 2).every(Number.isNaN)).toBe(true);
  });
});
