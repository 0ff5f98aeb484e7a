/**
 * Overlapping cycles: with a resolution under 20 s the cycle deadline equals the resolution, so
 * a slow node's timeout in one cycle lands just as the next cycle starts — and can arrive after
 * that cycle already heard the node answer (seen in the soak: a recovered node logged as failing
 * again, then recovered again). The older report must not overwrite the newer state.
 */
import { describe, expect, it } from 'vitest';
import type { NodeScrapeStatus } from '../../src/sources/types.js';
import type { KubeletClient } from '../../src/sources/kubelet/client.js';
import { createKubeletSourceManager, type CycleTimers, type NodeScrapeReport } from '../../src/sources/kubelet/manager.js';
import { SourceError } from '../../src/sources/errors.js';

/** Timers fired by the test, never by the clock. */
function manualTimers() {
  const pending = new Map<number, { callback: () => void; ms: number }>();
  let next = 1;
  const timers: CycleTimers = {
    setTimeout(callback, ms) {
      pending.set(next, { callback, ms });
      return next++;
    },
    clearTimeout: (handle) => void pending.delete(handle as number),
  };
  /** Fires the oldest pending timer of `ms`. */
  const fire = (ms: number) => {
    const [handle, timer] = [...pending].find(([, t]) => t.ms === ms) ?? [];
    if (handle === undefined) throw new Error(`no pending ${ms} ms timer`);
    pending.delete(handle);
    timer!.callback();
  };
  return { timers, fire };
}

describe('overlapping scrape cycles', () => {
  it('keep the newer cycle\'s status of a node when the older cycle\'s timeout reports after it, and mark that report stale', async () => {
    const deadlineMs = 1_000;
    const { timers, fire } = manualTimers();
    let calls = 0;
    // The first request hangs until aborted (the kubelet was slow); later ones answer at once.
    const client: KubeletClient = {
      scheme: 'http',
      url: (t) => `http://${t.host}:${t.port}${t.path}`,
      fetch: (_target, signal) =>
        ++calls === 1
          ? new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as SourceError), { once: true }))
          : Promise.resolve(Buffer.from('{}')),
      close() {},
    };
    const reports: Array<[NodeScrapeStatus, NodeScrapeReport]> = [];
    let now = 1_000_000;
    const sources = createKubeletSourceManager({
      nodes: () => [{ node: { nodeName: 'n1', hostname: 'n1', hostId: '' }, host: '127.0.0.1', port: 10255 }],
      endpoint: 'summary',
      client,
      decode: () => ({ metricSets: new Map(), droppedEntities: 0 }),
      deadlineMs,
      perNodeTimeoutMs: 5_000,
      random: () => 0,
      clock: () => now,
      timers,
      onNodeScraped: (status, detail) => reports.push([status, detail]),
    });

    const older = sources.scrape({ startMs: 0, endMs: 5_000 });
    now += 500;
    const newer = await sources.scrape({ startMs: 5_000, endMs: 10_000 });
    expect(newer.statuses.map((s) => s.outcome)).toEqual(['ok']);
    expect(sources.statuses()).toMatchObject([{ nodeName: 'n1', outcome: 'ok', lastSuccessMs: now }]);

    now += 10;
    fire(deadlineMs); // the older cycle's deadline
    const late = await older;
    expect(late.statuses).toMatchObject([{ outcome: 'timeout' }]);

    // The node's state is still the newer cycle's, including its last success.
    expect(sources.statuses()).toMatchObject([{ nodeName: 'n1', outcome: 'ok', lastSuccessMs: now - 10 }]);
    expect(reports.map(([s, d]) => [s.outcome, d.stale ?? false])).toEqual([
      ['ok', false],
      ['timeout', true],
    ]);
    // The late report carries the node's real last success, not one made up for it.
    expect(reports[1]![0].lastSuccessMs).toBe(now - 10);
  });

  it('report a node in order when cycles do not overlap', async () => {
    const { timers } = manualTimers();
    const client: KubeletClient = { scheme: 'http', url: () => 'http://127.0.0.1:10255/stats/summary/', fetch: () => Promise.resolve(Buffer.from('{}')), close() {} };
    const reports: NodeScrapeReport[] = [];
    const sources = createKubeletSourceManager({
      nodes: () => [{ node: { nodeName: 'n1', hostname: 'n1', hostId: '' }, host: '127.0.0.1', port: 10255 }],
      endpoint: 'summary',
      client,
      decode: () => ({ metricSets: new Map(), droppedEntities: 0 }),
      random: () => 0,
      timers,
      onNodeScraped: (_status, detail) => reports.push(detail),
    });
    await sources.scrape({ startMs: 0, endMs: 5_000 });
    await sources.scrape({ startMs: 5_000, endMs: 10_000 });
    expect(reports.map((d) => d.stale)).toEqual([undefined, undefined]);
  });
});
