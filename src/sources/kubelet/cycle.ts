/**
 * One scrape cycle: every node fetched and decoded by a fixed pool of workers, staggered
 * starts, a per-node timeout and one overall deadline (heapster-reference §5.2). Whatever
 * decoded before the deadline is merged; every node gets a status, failures included.
 *
 * @module
 */
import type { MetricSet } from '../../core/types.js';
import { SourceError } from '../errors.js';
import type { NodeInfo, NodeScrapeStatus, ScrapeOutcome } from '../types.js';
import type { KubeletClient } from './client.js';
import type { NodeDecoder } from './endpoints.js';
import type { KeyMemo } from '../summary/keyMemo.js';
import { planStarts } from './schedule.js';
import { createSliceGate } from '../../core/slices.js';
import { ShardedMap } from '../../core/shardedMap.js';

/** A node to scrape: what the decoder needs plus where its kubelet listens. */
export interface ScrapeTarget {
  node: NodeInfo;
  /** Kubelet address (the node's InternalIP, heapster-reference §3.2). */
  host: string;
  port: number;
}

/** Timer functions, injectable so tests can observe the delays asked for. */
export interface CycleTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Facts about one node's scrape beyond its status, for counters. */
export interface NodeScrapeDetail {
  /** Size of the response body, bytes; 0 when none was received. */
  bodyBytes: number;
  /** Entities the decoder dropped as incomplete. */
  droppedEntities: number;
}

/** Everything a cycle needs; the manager fills it from its options. */
export interface CycleSettings {
  client: KubeletClient;
  path: string;
  decode: NodeDecoder;
  /** Set keys of each node's previous scrape, for the decoder. */
  keys: KeyMemo;
  concurrency: number;
  perNodeTimeoutMs: number;
  deadlineMs: number;
  random: () => number;
  clock: () => number;
  timers: CycleTimers;
  /** Called once per node as soon as its outcome is known. */
  onNodeScraped: (status: Omit<NodeScrapeStatus, 'lastSuccessMs'>, detail: NodeScrapeDetail) => void;
}

/** What a cycle produced: merged sets and one status (without memory) per node. */
export interface CycleOutcome {
  metricSets: Map<string, MetricSet>;
  statuses: Map<string, Omit<NodeScrapeStatus, 'lastSuccessMs'>>;
}

interface Running {
  controller: AbortController;
  url: string;
  startedMs: number;
}

/** Runs one cycle over `targets` (unique node names). Never rejects. */
export function runCycle(targets: readonly ScrapeTarget[], settings: CycleSettings): Promise<CycleOutcome> {
  const { client, path, decode, keys, concurrency, perNodeTimeoutMs, deadlineMs, random, clock, timers } = settings;
  const cycleStartMs = clock();
  const plan = planStarts(targets, random);
  // Sharded: one Map of a 5,000-node batch held the event loop for up to 146 ms each time it doubled.
  const metricSets = new ShardedMap<MetricSet>();
  const statuses = new Map<string, Omit<NodeScrapeStatus, 'lastSuccessMs'>>();
  const running = new Map<string, Running>();
  const pendingSleeps = new Map<unknown, () => void>();
  let nextIndex = 0;
  let finished = false;
  const gate = createSliceGate();

  const record = (
    nodeName: string,
    url: string,
    outcome: ScrapeOutcome,
    latencyMs: number,
    error: string | undefined,
    detail: NodeScrapeDetail,
  ): void => {
    const status = { nodeName, url, outcome, latencyMs, ...(error === undefined ? {} : { error }) };
    statuses.set(nodeName, status);
    settings.onNodeScraped(status, detail);
  };

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const handle = timers.setTimeout(() => {
        pendingSleeps.delete(handle);
        resolve();
      }, ms);
      pendingSleeps.set(handle, resolve);
    });

  async function scrapeNode(target: ScrapeTarget): Promise<void> {
    const { nodeName } = target.node;
    const request = { host: target.host, port: target.port, path };
    const url = client.url(request);
    const controller = new AbortController();
    const startedMs = clock();
    running.set(nodeName, { controller, url, startedMs });
    const timeout = timers.setTimeout(() => {
      controller.abort(new SourceError('timeout', `no response from ${url} within ${perNodeTimeoutMs} ms`, { url }));
    }, perNodeTimeoutMs);
    let bodyBytes = 0;
    try {
      const body = await client.fetch(request, controller.signal);
      if (finished) return;
      bodyBytes = body.length;
      // Responses arriving together would otherwise be decoded back to back in one poll phase.
      await gate.run(() => {
        if (finished) return;
        const decoded = decode(body, target.node, { nowMs: clock(), keys });
        // Later nodes overwrite earlier keys, as Heapster's merge does.
        for (const [key, set] of decoded.metricSets) metricSets.set(key, set);
        const { droppedEntities } = decoded;
        record(nodeName, url, 'ok', clock() - startedMs, undefined, { bodyBytes, droppedEntities });
      });
    } catch (caught) {
      if (finished) return;
      const error = asSourceError(caught, url);
      record(nodeName, url, error.code, clock() - startedMs, error.message, { bodyBytes, droppedEntities: 0 });
    } finally {
      timers.clearTimeout(timeout);
      running.delete(nodeName);
    }
  }

  async function work(): Promise<void> {
    while (!finished && nextIndex < plan.length) {
      const { target, offsetMs } = plan[nextIndex++]!;
      const waitMs = offsetMs - (clock() - cycleStartMs);
      if (waitMs > 0) await sleep(waitMs);
      if (finished) return;
      await scrapeNode(target);
    }
  }

  return new Promise<CycleOutcome>((resolve) => {
    const finish = (): void => {
      if (finished) return;
      finished = true;
      timers.clearTimeout(deadline);
      for (const [handle, wake] of pendingSleeps) {
        timers.clearTimeout(handle);
        wake();
      }
      pendingSleeps.clear();
      const nowMs = clock();
      for (const [nodeName, { controller, url, startedMs }] of running) {
        const message = `no response from ${url} before the cycle deadline of ${deadlineMs} ms`;
        const error = new SourceError('timeout', message, { url });
        controller.abort(error);
        record(nodeName, url, 'timeout', nowMs - startedMs, error.message, { bodyBytes: 0, droppedEntities: 0 });
      }
      for (const { target } of plan) {
        const { nodeName } = target.node;
        if (statuses.has(nodeName)) continue;
        const url = client.url({ host: target.host, port: target.port, path });
        const message = `not started before the cycle deadline of ${deadlineMs} ms (concurrency ${concurrency})`;
        record(nodeName, url, 'timeout', 0, message, { bodyBytes: 0, droppedEntities: 0 });
      }
      resolve({ metricSets, statuses });
    };
    const deadline = timers.setTimeout(finish, deadlineMs);
    const workerCount = Math.min(concurrency, plan.length);
    if (workerCount === 0) {
      finish();
      return;
    }
    let working = workerCount;
    for (let i = 0; i < workerCount; i++) {
      void work().finally(() => {
        if (--working === 0) finish();
      });
    }
  });
}

/** Decoders should throw SourceError; anything else they throw is still the body's fault. */
function asSourceError(caught: unknown, url: string): SourceError {
  if (caught instanceof SourceError) return caught;
  const message = caught instanceof Error ? caught.message : String(caught);
  return new SourceError('malformed', `decoding the response of ${url} failed: ${message}`, { url });
}
