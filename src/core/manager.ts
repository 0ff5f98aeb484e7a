/**
 * The housekeeping loop (heapster-reference §5.1): windows aligned to the resolution, each run
 * `offsetMs` after its window ends, at most `maxParallelism` runs at once; a run scrapes,
 * processes and hands the batch to the sink manager. The batch timestamp is the window end.
 *
 * Depends only on the seams of the stages (types), never on their implementations.
 *
 * @module
 */
import type { Logger } from './log.js';
import { runInSlices } from './slices.js';
import type { DataBatch } from './types.js';
import type { Processor } from '../processors/types.js';
import type { NodeScrapeStatus, SourceManager } from '../sources/types.js';

/** Timings and outcome of one housekeeping run, for metrics and benchmarks. */
export interface CycleReport {
  window: { startMs: number; endMs: number };
  scrapeMs: number;
  processMs: number;
  processorMs: Record<string, number>;
  /** Metric sets in the exported batch; 0 when the batch was dropped. */
  sets: number;
  statuses: readonly NodeScrapeStatus[];
  /** Set when a processor failed and the batch was dropped. */
  error?: unknown;
}

/** Options for {@link createManager}. */
export interface ManagerOptions {
  source: SourceManager;
  processors: readonly Processor[];
  /** Receives each processed batch (the sink manager's `exportData`). */
  exportBatch: (batch: DataBatch) => void;
  /** `--metric_resolution`. */
  resolutionMs: number;
  /** Delay after a window's end before it is scraped. @default min(5 s, resolution / 2) */
  offsetMs?: number;
  /** Concurrent housekeeping runs. @default 3 */
  maxParallelism?: number;
  /** How long a run may wait for a free slot before its window is skipped. @default resolution / 2 */
  housekeepTimeoutMs?: number;
  onCycle?: (report: CycleReport) => void;
  logger?: Logger;
  clock?: () => number;
}

type Phase =
  | { phase: 'idle' }
  | { phase: 'running'; timer: NodeJS.Timeout | undefined }
  | { phase: 'stopping' }
  | { phase: 'stopped' };

/** The housekeeping loop. */
export interface Manager {
  /** Starts ticking; the first run covers the window that ends next. */
  start(): void;
  /** Stops ticking and waits for runs in progress. Idempotent. */
  stop(): Promise<void>;
  /** Runs one housekeeping for `window` now (tests, benchmarks). Resolves to its report. */
  housekeep(window: { startMs: number; endMs: number }): Promise<CycleReport | undefined>;
  /** Wall time (ms) the last run started, 0 before the first; liveness = within 1.5 × resolution. */
  lastRunStartMs(): number;
  phase(): Phase['phase'];
}

/** Throws a RangeError naming the option, the rule and the value received, unless `valid`. */
function requireOption(name: keyof ManagerOptions, value: number, valid: boolean, rule: string): void {
  if (!valid || !Number.isFinite(value)) throw new RangeError(`${name} must be ${rule}, received ${String(value)}`);
}

/** Creates the housekeeping loop. Throws a RangeError for an option out of range. */
export function createManager({
  source,
  processors,
  exportBatch,
  resolutionMs,
  offsetMs = Math.min(5_000, resolutionMs / 2),
  maxParallelism = 3,
  housekeepTimeoutMs = resolutionMs / 2,
  onCycle,
  logger,
  clock = Date.now,
}: ManagerOptions): Manager {
  requireOption('resolutionMs', resolutionMs, resolutionMs > 0, 'a positive number of ms');
  // An offset of a whole resolution or more would make every tick skip the following window.
  requireOption('offsetMs', offsetMs, offsetMs >= 0 && offsetMs < resolutionMs, 'at least 0 and less than resolutionMs');
  requireOption('maxParallelism', maxParallelism, Number.isInteger(maxParallelism) && maxParallelism >= 1, 'an integer of at least 1');
  requireOption('housekeepTimeoutMs', housekeepTimeoutMs, housekeepTimeoutMs >= 0, 'at least 0 ms');
  let state: Phase = { phase: 'idle' };
  let active = 0;
  let lastStart = 0;
  const waiters: Array<() => void> = [];
  const inFlight = new Set<Promise<unknown>>();

  async function acquire(): Promise<boolean> {
    if (active < maxParallelism) {
      active++;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        clearTimeout(timer);
        active++;
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(grant), 1);
        resolve(false);
      }, housekeepTimeoutMs);
      waiters.push(grant);
    });
  }

  function release(): void {
    active--;
    waiters.shift()?.();
  }

  async function runProcessors(batch: DataBatch, processorMs: Record<string, number>): Promise<DataBatch> {
    let current = batch;
    for (const processor of processors) {
      const started = performance.now();
      // In slices: requests wait for one slice (~8 ms), not for a processor over 300k sets.
      current = await runInSlices(processor.steps(current));
      processorMs[processor.name] = performance.now() - started;
    }
    return current;
  }

  async function housekeep(window: { startMs: number; endMs: number }): Promise<CycleReport | undefined> {
    if (!(await acquire())) {
      logger?.warn({ window }, 'Spent too long waiting for housekeeping to start');
      return undefined;
    }
    lastStart = clock();
    try {
      const scrapeStarted = performance.now();
      const { batch, statuses } = await source.scrape(window);
      const scrapeMs = performance.now() - scrapeStarted;
      const processorMs: Record<string, number> = {};
      const processStarted = performance.now();
      let report: CycleReport;
      try {
        const processed = await runProcessors(batch, processorMs);
        exportBatch(processed);
        report = { window, scrapeMs, processMs: performance.now() - processStarted, processorMs, sets: processed.metricSets.size, statuses };
      } catch (error) {
        logger?.error({ err: error, window }, 'processing failed; batch dropped');
        report = { window, scrapeMs, processMs: performance.now() - processStarted, processorMs, sets: 0, statuses, error };
      }
      onCycle?.(report);
      return report;
    } finally {
      release();
    }
  }

  function schedule(): void {
    if (state.phase !== 'running') return;
    const now = clock();
    const startMs = Math.floor(now / resolutionMs) * resolutionMs;
    const endMs = startMs + resolutionMs;
    const timer = setTimeout(() => {
      const run = housekeep({ startMs, endMs }).catch((error: unknown) => logger?.error({ err: error }, 'housekeeping failed'));
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
      schedule();
    }, Math.max(0, endMs + offsetMs - now));
    state = { phase: 'running', timer };
  }

  return {
    start() {
      if (state.phase !== 'idle') return;
      state = { phase: 'running', timer: undefined };
      schedule();
    },
    async stop() {
      if (state.phase === 'running') clearTimeout(state.timer);
      if (state.phase === 'stopped') return;
      state = { phase: 'stopping' };
      await Promise.allSettled([...inFlight]);
      state = { phase: 'stopped' };
    },
    housekeep,
    lastRunStartMs: () => lastStart,
    phase: () => state.phase,
  };
}
