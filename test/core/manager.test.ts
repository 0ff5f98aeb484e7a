import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeKey, podKey } from '../../src/core/keys.js';
import { createManager, type CycleReport, type ManagerOptions } from '../../src/core/manager.js';
import { createMetricSet, type DataBatch } from '../../src/core/types.js';
import type { Processor } from '../../src/processors/types.js';
import type { NodeScrapeStatus, SourceManager } from '../../src/sources/types.js';
import { defineProcessor } from '../../src/processors/define.js';

/** The manager yields to the (real) event loop between processors; let those turns run. */
const realImmediate = setImmediate;
async function flushProcessorYields(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => realImmediate(resolve));
}

type Window = { startMs: number; endMs: number };

const second = 1_000;
const minute = 60 * second;
/** A minute boundary; the loop starts half a minute after it. */
const t0 = Date.UTC(2024, 0, 1, 10, 0, 0);

/** A source that records windows and answers each with a one-node batch stamped with the window end. */
function recordingSource({ holdScrapes = false } = {}) {
  const windows: Window[] = [];
  const held: Array<() => void> = [];
  const statuses = (window: Window): NodeScrapeStatus[] => [
    { nodeName: 'node-1', url: 'http://10.0.0.1:10255/stats/summary', outcome: 'ok', latencyMs: 12, lastSuccessMs: window.endMs },
    { nodeName: 'node-2', url: 'http://10.0.0.2:10255/stats/summary', outcome: 'timeout', latencyMs: 20_000, error: 'timed out', lastSuccessMs: 0 },
  ];
  const source: SourceManager = {
    async scrape(window) {
      windows.push(window);
      if (holdScrapes) await new Promise<void>((release) => held.push(release));
      const set = createMetricSet({ type: 'node', nodename: 'node-1' });
      set.metricValues.set('memory/usage', 1024);
      return { batch: { timestamp: window.endMs, metricSets: new Map([[nodeKey('node-1'), set]]) }, statuses: statuses(window) };
    },
  };
  /** Lets the oldest held scrape answer. */
  const releaseOne = () => held.shift()?.();
  return { source, windows, statuses, releaseOne, heldCount: () => held.length };
}

/** A pino logger whose lines land in `lines`. */
function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { logger, lines };
}

const addPod: Processor = defineProcessor('pod aggregator', function* (batch) {
  batch.metricSets.set(podKey('default', 'web-1'), createMetricSet({ type: 'pod' }));
  return batch;
});

function managerWith(overrides: Partial<ManagerOptions> & Pick<ManagerOptions, 'source'>) {
  const exported: DataBatch[] = [];
  const reports: CycleReport[] = [];
  const manager = createManager({
    processors: [],
    exportBatch: (batch) => exported.push(batch),
    resolutionMs: minute,
    onCycle: (report) => reports.push(report),
    clock: () => Date.now(),
    ...overrides,
  });
  return { manager, exported, reports };
}

describe('createManager', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(t0 + 30 * second);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('scrapes the window aligned to the resolution 5 s after it ends, and exports a batch stamped with its end', async () => {
    const { source, windows } = recordingSource();
    const { manager, exported } = managerWith({ source });
    manager.start();
    await vi.advanceTimersByTimeAsync(35 * second - 1);
    expect(windows).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(windows).toEqual([{ startMs: t0, endMs: t0 + minute }]);
    expect(exported.map((b) => b.timestamp)).toEqual([t0 + minute]);
    expect(manager.lastRunStartMs()).toBe(t0 + minute + 5 * second);
    await manager.stop();
  });

  it('runs once per resolution over consecutive windows', async () => {
    const { source, windows } = recordingSource();
    const { manager, exported } = managerWith({ source });
    manager.start();
    await vi.advanceTimersByTimeAsync(35 * second + 3 * minute);
    const ends = [1, 2, 3, 4].map((n) => t0 + n * minute);
    expect(windows).toEqual(ends.map((endMs) => ({ startMs: endMs - minute, endMs })));
    expect(exported.map((b) => b.timestamp)).toEqual(ends);
    await manager.stop();
  });

  it('offsets by half the resolution when that is under 5 s, and by an explicit offsetMs when given', async () => {
    const short = recordingSource();
    const { manager: halfOffset } = managerWith({ source: short.source, resolutionMs: 2 * second });
    halfOffset.start();
    await vi.advanceTimersByTimeAsync(3 * second - 1);
    expect(short.windows).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(short.windows).toEqual([{ startMs: t0 + 30 * second, endMs: t0 + 32 * second }]);
    await halfOffset.stop();

    const zero = recordingSource();
    const { manager: noOffset } = managerWith({ source: zero.source, offsetMs: 0 });
    noOffset.start();
    await vi.advanceTimersByTimeAsync(28 * second); // to the next minute boundary (t0 + 1 min)
    expect(zero.windows).toEqual([{ startMs: t0, endMs: t0 + minute }]);
    await noOffset.stop();
  });

  it.each([
    [{ resolutionMs: 0 }, 'resolutionMs must be a positive number of ms, received 0'],
    [{ resolutionMs: Number.NaN }, 'resolutionMs must be a positive number of ms, received NaN'],
    [{ offsetMs: minute }, 'offsetMs must be at least 0 and less than resolutionMs, received 60000'],
    [{ offsetMs: -1 }, 'offsetMs must be at least 0 and less than resolutionMs, received -1'],
    [{ maxParallelism: 0 }, 'maxParallelism must be an integer of at least 1, received 0'],
    [{ maxParallelism: 1.5 }, 'maxParallelism must be an integer of at least 1, received 1.5'],
    [{ housekeepTimeoutMs: -5 }, 'housekeepTimeoutMs must be at least 0 ms, received -5'],
  ])('rejects the options %j naming the option', (options, message) => {
    const { source } = recordingSource();
    expect(() => managerWith({ source, ...options })).toThrow(new RangeError(message));
  });

  it('runs at most three housekeepings at once by default and skips a window that waited half the resolution', async () => {
    const { source, windows, releaseOne } = recordingSource({ holdScrapes: true });
    const { logger, lines } = capturingLogger();
    const { manager, reports } = managerWith({ source, logger });
    const window = (n: number): Window => ({ startMs: t0 + n * minute, endMs: t0 + (n + 1) * minute });
    const runs = [0, 1, 2, 3].map((n) => manager.housekeep(window(n)));
    await vi.advanceTimersByTimeAsync(0);
    expect(windows).toEqual([window(0), window(1), window(2)]);

    await vi.advanceTimersByTimeAsync(30 * second);
    await expect(runs[3]).resolves.toBeUndefined();
    expect(lines.filter((l) => l.msg === 'Spent too long waiting for housekeeping to start')).toHaveLength(1);
    expect(windows).toHaveLength(3);

    for (let i = 0; i < 3; i++) releaseOne();
    const done = await Promise.all(runs.slice(0, 3));
    expect(done.map((r) => r?.window)).toEqual([window(0), window(1), window(2)]);
    expect(reports.map((r) => r.window)).toEqual([window(0), window(1), window(2)]);
  });

  it('hands a freed slot to a waiting housekeeping before its timeout', async () => {
    const { source, windows, releaseOne } = recordingSource({ holdScrapes: true });
    const { manager } = managerWith({ source, maxParallelism: 1, housekeepTimeoutMs: 10 * second });
    const first = manager.housekeep({ startMs: t0, endMs: t0 + minute });
    const queued = manager.housekeep({ startMs: t0 + minute, endMs: t0 + 2 * minute });
    await vi.advanceTimersByTimeAsync(10 * second - 1);
    expect(windows).toHaveLength(1);
    releaseOne();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(windows).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(5 * second); // past the first run's wait deadline: the slot is kept
    releaseOne();
    await expect(queued).resolves.toMatchObject({ window: { startMs: t0 + minute }, sets: 1 });
  });

  it('skips ticks whose slot stays taken longer than the housekeep timeout, then resumes', async () => {
    const { source, windows, releaseOne } = recordingSource({ holdScrapes: true });
    const { logger, lines } = capturingLogger();
    const { manager, exported } = managerWith({ source, logger, maxParallelism: 1 });
    manager.start();
    await vi.advanceTimersByTimeAsync(35 * second + minute + 30 * second); // first run held; second tick waited 30 s
    expect(windows).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'Spent too long waiting for housekeeping to start')).toHaveLength(1);
    releaseOne();
    await vi.advanceTimersByTimeAsync(minute); // third tick gets the slot
    expect(windows.map((w) => w.endMs)).toEqual([t0 + minute, t0 + 3 * minute]);
    releaseOne();
    await vi.advanceTimersByTimeAsync(0);
    expect(exported.map((b) => b.timestamp)).toEqual([t0 + minute, t0 + 3 * minute]);
    await manager.stop();
  });

  it('drops the batch of a failing processor, reports the error and keeps the loop going', async () => {
    const { source } = recordingSource();
    const failure = new Error('pod lister broke');
    let fail = true;
    const flaky: Processor = defineProcessor('pod based enricher', function* (batch) {
      if (fail) throw failure;
      return batch;
    });
    const { logger, lines } = capturingLogger();
    const { manager, exported, reports } = managerWith({ source, processors: [addPod, flaky], logger });
    manager.start();
    await vi.advanceTimersByTimeAsync(35 * second);
    await flushProcessorYields();
    expect(exported).toEqual([]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ sets: 0, error: failure });
    expect(Object.keys(reports[0]!.processorMs)).toEqual(['pod aggregator']);
    expect(lines.filter((l) => l.msg === 'processing failed; batch dropped')).toHaveLength(1);

    fail = false;
    await vi.advanceTimersByTimeAsync(minute);
    await flushProcessorYields();
    expect(exported.map((b) => b.timestamp)).toEqual([t0 + 2 * minute]);
    expect(reports[1]).toMatchObject({ sets: 2 });
    expect(reports[1]!.error).toBeUndefined();
    await manager.stop();
  });

  it('reports the window, scrape and processor timings, set count and node statuses of each cycle', async () => {
    const { source, statuses, releaseOne } = recordingSource({ holdScrapes: true });
    const { manager, reports } = managerWith({ source, processors: [addPod, defineProcessor('rate calculator', function* (b) {
      return b;
    })] });
    const window = { startMs: t0, endMs: t0 + minute };
    const run = manager.housekeep(window);
    await vi.advanceTimersByTimeAsync(250);
    releaseOne();
    const report = await run;
    expect(reports).toEqual([report]);
    expect(report).toEqual({
      window,
      scrapeMs: 250,
      processMs: expect.any(Number),
      processorMs: { 'pod aggregator': expect.any(Number), 'rate calculator': expect.any(Number) },
      sets: 2,
      statuses: statuses(window),
    });
    expect(report!.processMs).toBeGreaterThanOrEqual(0);
  });

  it('waits for a run in flight on stop, then never ticks again', async () => {
    const { source, windows, releaseOne } = recordingSource({ holdScrapes: true });
    const { manager, exported } = managerWith({ source });
    expect(manager.phase()).toBe('idle');
    expect(manager.lastRunStartMs()).toBe(0);
    manager.start();
    expect(manager.phase()).toBe('running');
    await vi.advanceTimersByTimeAsync(35 * second);
    expect(windows).toHaveLength(1);

    let stopped = false;
    const stopping = manager.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.phase()).toBe('stopping');
    expect(stopped).toBe(false);
    releaseOne();
    await stopping;
    expect(manager.phase()).toBe('stopped');
    expect(exported).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(windows).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    manager.start();
    expect(manager.phase()).toBe('stopped');
    await manager.stop();
  });

  it('stops at once when it never started', async () => {
    const { source } = recordingSource();
    const { manager } = managerWith({ source });
    await manager.stop();
    expect(manager.phase()).toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
  });
});
