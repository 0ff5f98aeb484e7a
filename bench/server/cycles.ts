/**
 * Drives housekeeping cycles of a running Heapgraph by hand, one synthetic 60 s window after
 * another (`main.ts` stops Heapgraph's own timer), and measures each: wall time and
 * CPU of this process, split into scrape+decode (the source's `scrape`), processors and the store
 * write, plus the event-loop delay while the cycle ran.
 *
 * Between two cycles the driver waits {@link cyclePauseMs}, as Heapgraph idles between cycles 60 s
 * apart: once a batch is stored Heapgraph starts the full collection that frees the batch before
 * it (`core/collectionHint.ts`), and that collection runs in the pause. A cycle's CPU counts the
 * pause after it, and its event-loop delay covers it, so nothing the cycle leaves behind goes
 * unmeasured.
 *
 * The split needs no hook in src/: the manager calls `source.scrape(...)` and the metric sink
 * calls `store.write(...)` as methods of the objects `runHeapgraph` returns, so wrapping those
 * two methods on the same objects observes every cycle exactly.
 *
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Heapgraph } from '../../src/cli/heapgraph.js';

/** Wall and CPU milliseconds of one phase. */
export interface PhaseTime {
  wallMs: number;
  cpuMs: number;
}

/** Everything measured about one cycle. */
export interface CycleMeasurement {
  index: number;
  windowEndMs: number;
  /** Epoch ms when the cycle started, its scrape ended and its store write began and ended (to line up with client samples). */
  atMs: { start: number; scrapeEnd: number; storeStart: number; end: number };
  /** Wall: the cycle. CPU: the cycle and the pause after it. */
  total: PhaseTime;
  scrape: PhaseTime;
  /** Processors (the manager's own per-processor wall times are in `processorMs`). */
  processors: PhaseTime;
  store: PhaseTime;
  processorMs: Record<string, number>;
  sets: number;
  nodesOk: number;
  nodesFailed: number;
  /** Event-loop delay while the cycle ran and in the pause after it (monitorEventLoopDelay, 10 ms resolution). */
  loopDelay: { maxMs: number; p99Ms: number; meanMs: number };
  rssBytes: number;
  heapUsedBytes: number;
  storeBytes: number;
}

/** When the store finished writing a batch: epoch ms (sub-millisecond) and this process's CPU ms. */
export interface StoredMark {
  timestamp: number;
  atMs: number;
  cpuMs: number;
}

/** The cycle driver. */
export interface CycleDriver {
  /** The newest batch's end of store write. */
  lastStored(): StoredMark | undefined;
  /** Runs `count` cycles, each followed by the pause, and returns their measurements. */
  run(count: number): Promise<CycleMeasurement[]>;
  /** Cycles run so far. */
  readonly cycles: number;
}

const minuteMs = 60_000;
/**
 * Idle time after each cycle: longer than the full collection a 5,000-node cycle leaves behind
 * (~0.8 s of marking and sweeping on this machine), far shorter than the 50 s a real 60 s
 * interval leaves.
 */
export const cyclePauseMs = 2_000;
/** Most cycles one driver runs; its synthetic clock starts this many minutes in the past. */
const maxCycles = 240;
/** Sampling interval of the event-loop delay histogram. */
const loopResolutionMs = 10;

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Instruments `app` and returns the driver. */
export function createCycleDriver(app: Heapgraph): CycleDriver {
  const { store: maybeStore, sources } = app;
  if (!maybeStore) throw new Error('the benchmark needs the model store (do not pass --disable_metric_sink)');
  const store = maybeStore;
  // Phase marks of the cycle in progress; cycles run one at a time.
  let lastStored: StoredMark | undefined;
  let marks = { scrapeStart: 0, scrapeEnd: 0, scrapeCpuStart: 0, scrapeCpuEnd: 0, storeWall: 0, storeCpu: 0, storeStartWall: 0, storeStartCpu: 0 };
  const scrape = sources.scrape.bind(sources);
  sources.scrape = async (window) => {
    marks.scrapeStart = performance.now();
    marks.scrapeCpuStart = cpuMs();
    const result = await scrape(window);
    marks.scrapeEnd = performance.now();
    marks.scrapeCpuEnd = cpuMs();
    return result;
  };
  // The metric sink writes in slices (store.writeSteps); only time inside the steps counts as store time.
  const writeSteps = store.writeSteps.bind(store);
  store.writeSteps = function* timedWrite(batch) {
    marks.storeStartWall = performance.now();
    marks.storeStartCpu = cpuMs();
    const inner = writeSteps(batch);
    for (;;) {
      const wall = performance.now();
      const cpu = cpuMs();
      const next = inner.next();
      marks.storeWall += performance.now() - wall;
      marks.storeCpu += cpuMs() - cpu;
      if (next.done) break;
      yield;
    }
    lastStored = { timestamp: batch.timestamp, atMs: performance.timeOrigin + performance.now(), cpuMs: cpuMs() };
  };

  // Windows end in the past (REST reads default to "up to now"), one minute apart, for up to maxCycles cycles.
  const base = Math.floor(Date.now() / minuteMs) * minuteMs - maxCycles * minuteMs;
  let cycles = 0;
  const histogram = monitorEventLoopDelay({ resolution: loopResolutionMs });

  async function one(): Promise<CycleMeasurement> {
    const index = cycles++;
    if (index >= maxCycles) throw new Error(`a driver runs at most ${maxCycles} cycles`);
    const window = { startMs: base + index * minuteMs, endMs: base + (index + 1) * minuteMs };
    marks = { scrapeStart: 0, scrapeEnd: 0, scrapeCpuStart: 0, scrapeCpuEnd: 0, storeWall: 0, storeCpu: 0, storeStartWall: 0, storeStartCpu: 0 };
    histogram.reset();
    histogram.enable();
    const wallStart = performance.now();
    const cpuStart = cpuMs();
    const report = await app.manager.housekeep(window);
    // idle() waits for the metric sink's sliced write and any other sink.
    await app.sinks.idle();
    const wallEnd = performance.now();
    // Idle until the next cycle, as between real ones; the histogram keeps recording (and records
    // a stall only when its timer fires after it, which the pause also gives it the chance to).
    await new Promise((resolve) => setTimeout(resolve, cyclePauseMs));
    const cpuEnd = cpuMs();
    histogram.disable();
    if (!report) throw new Error(`cycle ${index} was skipped (no housekeeping slot)`);
    if (marks.storeStartWall === 0) throw new Error(`cycle ${index} wrote nothing to the store${report.error ? `: ${String(report.error)}` : ''}`);
    const scrapeTime = { wallMs: marks.scrapeEnd - marks.scrapeStart, cpuMs: marks.scrapeCpuEnd - marks.scrapeCpuStart };
    const processors = { wallMs: marks.storeStartWall - marks.scrapeEnd, cpuMs: marks.storeStartCpu - marks.scrapeCpuEnd };
    const failed = report.statuses.filter((s) => s.outcome !== 'ok').length;
    const memory = process.memoryUsage();
    const nsToMs = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0);
    const epoch = (t: number) => performance.timeOrigin + t;
    return {
      index,
      windowEndMs: window.endMs,
      atMs: { start: epoch(wallStart), scrapeEnd: epoch(marks.scrapeEnd), storeStart: epoch(marks.storeStartWall), end: epoch(wallEnd) },
      total: { wallMs: wallEnd - wallStart, cpuMs: cpuEnd - cpuStart },
      scrape: scrapeTime,
      processors,
      store: { wallMs: marks.storeWall, cpuMs: marks.storeCpu },
      processorMs: report.processorMs,
      sets: report.sets,
      nodesOk: report.statuses.length - failed,
      nodesFailed: failed,
      loopDelay: { maxMs: nsToMs(histogram.max), p99Ms: nsToMs(histogram.percentile(99)), meanMs: nsToMs(histogram.mean) },
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      storeBytes: store.memoryBytes(),
    };
  }

  return {
    lastStored: () => lastStored,
    async run(count) {
      const results: CycleMeasurement[] = [];
      for (let i = 0; i < count; i++) results.push(await one());
      return results;
    },
    get cycles() {
      return cycles;
    },
  };
}
