import { afterEach, describe, expect, it } from 'vitest';
import { createMetricSet } from '../../src/core/types.js';
import { createKubeletClient } from '../../src/sources/kubelet/client.js';
import {
  type CycleTimers,
  type KubeletSourceManagerOptions,
  type NodeDecoder,
  type ScrapeTarget,
  createKubeletSourceManager,
} from '../../src/sources/kubelet/manager.js';
import { planStarts, startJitterBoundMs } from '../../src/sources/kubelet/schedule.js';
import { type TestKubelet, loopbackTarget, startKubelet } from './kubelet-servers.js';

const WINDOW = { startMs: 1_700_000_000_000, endMs: 1_700_000_060_000 };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function kubelet(handler: Parameters<typeof startKubelet>[0]): Promise<TestKubelet> {
  const started = await startKubelet(handler);
  cleanups.push(() => started.close());
  return started;
}

const echoDecoder: NodeDecoder = (body, node) => ({
  metricSets: new Map([[`${node.nodeName}:${Buffer.from(body).toString()}`, createMetricSet({})]]),
  droppedEntities: 0,
});

function options(nodes: () => readonly ScrapeTarget[], overrides: Partial<KubeletSourceManagerOptions> = {}) {
  const client = createKubeletClient();
  cleanups.push(() => client.close());
  return { nodes, endpoint: 'summary' as const, client, decode: echoDecoder, random: () => 0, ...overrides };
}

describe('kubelet source manager: memory across cycles', () => {
  it('keeps lastSuccessMs after a later failure', async () => {
    let nowMs = 1_000;
    let healthy = true;
    const node = await kubelet((_req, res) => (healthy ? res.end('ok') : res.writeHead(503).end('overloaded')));
    const scraper = createKubeletSourceManager(options(() => [loopbackTarget('n1', node.port)], { clock: () => nowMs }));

    expect((await scraper.scrape(WINDOW)).statuses[0]).toMatchObject({ outcome: 'ok', lastSuccessMs: 1_000 });
    nowMs = 61_000;
    healthy = false;
    const { statuses } = await scraper.scrape(WINDOW);
    expect(statuses[0]).toMatchObject({ outcome: 'http_status', lastSuccessMs: 1_000 });
    expect(statuses[0]!.error).toBe('request failed - "503 Service Unavailable", response: "overloaded"');
    expect(scraper.statuses()).toEqual(statuses);
  });

  it('forgets nodes that disappeared, including their last success', async () => {
    let nowMs = 1_000;
    let listed = ['a', 'b'];
    let bHealthy = true;
    const a = await kubelet((_req, res) => res.end('a'));
    const b = await kubelet((_req, res) => (bHealthy ? res.end('b') : res.writeHead(500).end()));
    const ports = new Map([['a', a.port], ['b', b.port]]);
    const scraper = createKubeletSourceManager(
      options(() => listed.map((name) => loopbackTarget(name, ports.get(name)!)), { clock: () => nowMs }),
    );

    await scraper.scrape(WINDOW);
    expect(scraper.statuses().map((s) => [s.nodeName, s.lastSuccessMs])).toEqual([['a', 1_000], ['b', 1_000]]);
    nowMs = 2_000;
    listed = ['a'];
    await scraper.scrape(WINDOW);
    expect(scraper.statuses().map((s) => [s.nodeName, s.lastSuccessMs])).toEqual([['a', 2_000]]);
    nowMs = 3_000;
    listed = ['a', 'b'];
    bHealthy = false;
    await scraper.scrape(WINDOW);
    expect(scraper.statuses().map((s) => [s.nodeName, s.outcome, s.lastSuccessMs])).toEqual([
      ['a', 'ok', 3_000],
      ['b', 'http_status', 0],
    ]);
  });

  it('gives the decoder a memo of set keys that forgets nodes that disappeared', async () => {
    let listed = ['a', 'b'];
    const built: string[] = [];
    const build = (node: string) => {
      built.push(node);
      return `key-of-${node}`;
    };
    const memoDecoder: NodeDecoder = (_body, node, { keys }) => {
      const cursor = keys.begin(node.nodeName);
      const key = cursor.key(build, node.nodeName);
      cursor.done();
      return { metricSets: new Map([[key, createMetricSet({})]]), droppedEntities: 0 };
    };
    const a = await kubelet((_req, res) => res.end('a'));
    const b = await kubelet((_req, res) => res.end('b'));
    const ports = new Map([['a', a.port], ['b', b.port]]);
    const scraper = createKubeletSourceManager(options(() => listed.map((name) => loopbackTarget(name, ports.get(name)!)), { decode: memoDecoder }));

    await scraper.scrape(WINDOW);
    await scraper.scrape(WINDOW);
    expect(built.sort()).toEqual(['a', 'b']);
    listed = ['a'];
    await scraper.scrape(WINDOW);
    listed = ['a', 'b'];
    const { batch } = await scraper.scrape(WINDOW);
    expect([...batch.metricSets.keys()].sort()).toEqual(['key-of-a', 'key-of-b']);
    // a was remembered throughout; b, gone for a cycle, had its key built again.
    expect(built.sort()).toEqual(['a', 'b', 'b']);
  });

  it('has no statuses before the first cycle and hands out copies', async () => {
    const node = await kubelet((_req, res) => res.end('x'));
    const scraper = createKubeletSourceManager(options(() => [loopbackTarget('n1', node.port)]));
    expect(scraper.statuses()).toEqual([]);
    await scraper.scrape(WINDOW);
    scraper.statuses()[0]!.outcome = 'timeout';
    expect(scraper.statuses()[0]!.outcome).toBe('ok');
  });
});

describe('kubelet source manager: node list', () => {
  it('returns an empty batch at once when there are no nodes', async () => {
    const scraper = createKubeletSourceManager(options(() => [], { deadlineMs: 60_000 }));
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(batch).toEqual({ timestamp: WINDOW.endMs, metricSets: new Map() });
    expect(statuses).toEqual([]);
  });

  it('scrapes nothing when the node list throws', async () => {
    const scraper = createKubeletSourceManager(
      options(() => {
        throw new Error('informer not synced');
      }),
    );
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(batch.metricSets.size).toBe(0);
    expect(statuses).toEqual([]);
  });

  it('scrapes a node listed twice once, at its later address', async () => {
    const stale = await kubelet((_req, res) => res.end('stale'));
    const current = await kubelet((_req, res) => res.end('current'));
    const scraper = createKubeletSourceManager(
      options(() => [loopbackTarget('n1', stale.port), loopbackTarget('n1', current.port)]),
    );
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect([...batch.metricSets.keys()]).toEqual(['n1:current']);
    expect(statuses).toHaveLength(1);
    expect(stale.requests).toHaveLength(0);
  });

  it('keeps scraping when the onNodeScraped hook throws', async () => {
    const node = await kubelet((_req, res) => res.end('x'));
    const scraper = createKubeletSourceManager(
      options(() => [loopbackTarget('n1', node.port)], {
        onNodeScraped: () => {
          throw new Error('counter broke');
        },
      }),
    );
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(statuses[0]!.outcome).toBe('ok');
    expect(batch.metricSets.size).toBe(1);
  });
});

describe('kubelet source manager: start stagger', () => {
  it('bounds the stagger at 8 ms per node up to 4 s', () => {
    expect([1, 10, 499, 500, 501, 5_000].map(startJitterBoundMs)).toEqual([8, 80, 3_992, 4_000, 4_000, 4_000]);
  });

  it('plans starts within the bound, earliest first', () => {
    const draws = [0.9, 0.1, 0.5, 0];
    const plan = planStarts(['a', 'b', 'c', 'd'], () => draws.shift()!);
    const bound = startJitterBoundMs(4);
    expect(plan).toEqual([
      { target: 'd', offsetMs: 0 },
      { target: 'b', offsetMs: 0.1 * bound },
      { target: 'c', offsetMs: 0.5 * bound },
      { target: 'a', offsetMs: 0.9 * bound },
    ]);
  });

  it('waits each node’s planned offset before requesting it', async () => {
    const requested: number[] = [];
    const timers: CycleTimers = {
      setTimeout: (callback, ms) => {
        requested.push(ms);
        return setTimeout(callback, ms);
      },
      clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    const nodes = await Promise.all(['a', 'b', 'c'].map(() => kubelet((_req, res) => res.end('x'))));
    const targets = nodes.map((node, i) => loopbackTarget(`n${i}`, node.port));
    const scraper = createKubeletSourceManager(
      options(() => targets, { random: () => 0.5, clock: () => 0, timers, deadlineMs: 30_000, perNodeTimeoutMs: 9_000 }),
    );
    const { statuses } = await scraper.scrape(WINDOW);
    expect(statuses.every((s) => s.outcome === 'ok')).toBe(true);
    const halfBound = 0.5 * startJitterBoundMs(3);
    expect(requested.sort((x, y) => x - y)).toEqual([halfBound, halfBound, halfBound, 9_000, 9_000, 9_000, 30_000]);
  });
});

describe('kubelet source manager: options', () => {
  it.each([
    [{ concurrency: 0 }, /concurrency must be a positive integer; received 0/],
    [{ perNodeTimeoutMs: 2.5 }, /perNodeTimeoutMs must be a positive integer; received 2.5/],
    [{ deadlineMs: Number.NaN }, /deadlineMs must be a positive integer; received NaN/],
    [{ endpoint: 'cadvisor' }, /endpoint must be 'summary' or 'resource'; received cadvisor/],
  ] as Array<[Partial<KubeletSourceManagerOptions>, RegExp]>)('rejects %o', (overrides, message) => {
    expect(() => createKubeletSourceManager(options(() => [], overrides))).toThrow(message);
  });
});
