import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { afterStoredMs, hintBytes, scheduleFullCollection, startFullCollection } from '../../src/core/collectionHint.js';

interface Collection {
  kind: number;
  flags: number;
  startTime: number;
}

/**
 * Resolves with the collections V8 reports within `ms` of calling `start`, keeping the event loop
 * turning meanwhile so that V8's incremental-marking tasks run, as between cycles.
 */
function collectionsWithin(ms: number, start: () => void): Promise<Collection[]> {
  return new Promise((resolve) => {
    const seen: Collection[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) seen.push({ ...(entry.detail as Omit<Collection, 'startTime'>), startTime: entry.startTime });
    });
    observer.observe({ entryTypes: ['gc'] });
    const ticker = setInterval(() => undefined, 5);
    start();
    setTimeout(() => {
      clearInterval(ticker);
      observer.disconnect();
      resolve(seen);
    }, ms);
  });
}

const isFull = (c: Collection): boolean => c.kind === constants.NODE_PERFORMANCE_GC_MAJOR;
/** Run for external memory: the hint's, not one V8 started of its own. */
const isForExternalMemory = (c: Collection): boolean => (c.flags & constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY) !== 0;

describe('startFullCollection', () => {
  it('gets V8 to run a full collection soon after, without blocking the caller for it', async () => {
    let callMs = 0;
    const collections = await collectionsWithin(3_000, () => {
      const before = performance.now();
      startFullCollection();
      callMs = performance.now() - before;
    });
    const full = collections.filter(isFull);
    expect(full.length).toBeGreaterThan(0);
    expect(full.some(isForExternalMemory)).toBe(true);
    // It starts marking; it does not mark the heap in the call.
    expect(callMs).toBeLessThan(50);
  });

  it('schedules the collection afterStoredMs later', async () => {
    let calledAt = 0;
    const collections = await collectionsWithin(afterStoredMs + 3_000, () => {
      calledAt = performance.now();
      scheduleFullCollection();
    });
    const hinted = collections.filter((c) => isFull(c) && isForExternalMemory(c));
    expect(hinted.length).toBeGreaterThan(0);
    expect(hinted[0]!.startTime - calledAt).toBeGreaterThanOrEqual(afterStoredMs);
  });

  it('leaves no resident memory behind', async () => {
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 8; i++) startFullCollection();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Eight hints are 768 MiB of address space; their untouched pages are never resident.
    expect(process.memoryUsage().rss - before).toBeLessThan(hintBytes);
  });
});
