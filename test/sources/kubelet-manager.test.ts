import { afterEach, describe, expect, it } from 'vitest';
import { nodeKey, podKey } from '../../src/core/keys.js';
import { createMetricSet } from '../../src/core/types.js';
import { type KubeletClient, createKubeletClient } from '../../src/sources/kubelet/client.js';
import {
  type KubeletSourceManagerOptions,
  type NodeDecoder,
  type NodeScrapeDetail,
  type ScrapeTarget,
  createKubeletSourceManager,
} from '../../src/sources/kubelet/manager.js';
import { decodeResourceMetrics } from '../../src/sources/resource/decode.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import type { NodeScrapeStatus } from '../../src/sources/types.js';
import { readFixture, readFixtureJson } from '../helpers/fixtures.js';
import { type TestKubelet, loopbackTarget, refusedPort, startKubelet } from './kubelet-servers.js';

const SUMMARY = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
const RESOURCE = 'kubelet-resource/resource-k8s1.21-kind-70pods-metrics-server.txt';
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

function client(maxBodyBytes?: number): KubeletClient {
  const created = createKubeletClient(maxBodyBytes === undefined ? {} : { maxBodyBytes });
  cleanups.push(() => created.close());
  return created;
}

/** A decoder that turns a body into one set keyed by the body text, labelled with the node. */
const echoDecoder: NodeDecoder = (body, node) => {
  const set = createMetricSet({ nodename: node.nodeName });
  return { metricSets: new Map([[Buffer.from(body).toString(), set]]), droppedEntities: 0 };
};

function manager(targets: readonly ScrapeTarget[], overrides: Partial<KubeletSourceManagerOptions> = {}) {
  return createKubeletSourceManager({
    nodes: () => targets,
    endpoint: 'summary',
    client: overrides.client ?? client(),
    random: () => 0,
    ...overrides,
  });
}

describe('kubelet source manager: one cycle with every kind of failure', () => {
  it('merges the healthy node and gives every node its outcome', async () => {
    const summary = readFixture(SUMMARY);
    const summaryJson = readFixtureJson(SUMMARY);
    const nowMs = 1_700_000_065_000;
    const ok = await kubelet((_req, res) => res.end(summary));
    const slow = await kubelet(() => undefined); // never answers
    const failing = await kubelet((_req, res) => res.writeHead(500).end('internal error'));
    const garbage = await kubelet((_req, res) => res.end('<html>not a summary</html>'));
    const oversized = await kubelet((_req, res) => res.end('x'.repeat(200 * 1024)));
    const down = await refusedPort();
    const targets = [
      loopbackTarget('down', down),
      loopbackTarget('slow', slow.port),
      loopbackTarget('failing', failing.port),
      loopbackTarget('garbage', garbage.port),
      loopbackTarget('oversized', oversized.port),
      loopbackTarget('ok', ok.port),
    ];
    const hooked: Array<[NodeScrapeStatus, NodeScrapeDetail]> = [];
    const deadlineMs = 1000;
    const perNodeTimeoutMs = 120_000; // beyond the test timeout: only the deadline can end the slow request
    const scraper = manager(targets, {
      client: client(128 * 1024), // no decode option: the summary endpoint's own decoder runs
      clock: () => nowMs,
      deadlineMs,
      perNodeTimeoutMs,
      onNodeScraped: (status, detail) => hooked.push([status, detail]),
    });

    const { batch, statuses } = await scraper.scrape(WINDOW);

    expect(batch.timestamp).toBe(WINDOW.endMs);
    const expected = decodeSummary(summary, targets[5]!.node, { nowMs });
    expect([...batch.metricSets.keys()]).toEqual([...expected.metricSets.keys()]);
    expect(batch.metricSets).toEqual(expected.metricSets);
    expect(batch.metricSets.has(nodeKey(summaryJson.node.nodeName))).toBe(true);
    for (const { podRef } of summaryJson.pods) {
      expect(batch.metricSets.has(podKey(podRef.namespace, podRef.name))).toBe(true);
    }

    expect(statuses.map((s) => [s.nodeName, s.outcome])).toEqual([
      ['down', 'connection'],
      ['slow', 'timeout'],
      ['failing', 'http_status'],
      ['garbage', 'malformed'],
      ['oversized', 'too_large'],
      ['ok', 'ok'],
    ]);
    const byName = new Map(statuses.map((s) => [s.nodeName, s]));
    expect(byName.get('ok')).toEqual({
      nodeName: 'ok',
      url: `http://127.0.0.1:${ok.port}/stats/summary/`,
      outcome: 'ok',
      latencyMs: 0,
      lastSuccessMs: nowMs,
    });
    expect(byName.get('slow')!.error).toBe(
      `no response from http://127.0.0.1:${slow.port}/stats/summary/ before the cycle deadline of ${deadlineMs} ms`,
    );
    expect(byName.get('failing')!.error).toBe('request failed - "500 Internal Server Error", response: "internal error"');
    expect(byName.get('down')!.error).toContain('ECONNREFUSED');
    for (const status of statuses.filter((s) => s.outcome !== 'ok')) {
      expect(status.lastSuccessMs).toBe(0);
      expect(status.error).toBeTruthy();
    }
    expect(scraper.statuses()).toEqual(statuses);

    expect(hooked.map(([status]) => status).sort(byNodeName)).toEqual([...statuses].sort(byNodeName));
    const okDetail = hooked.find(([status]) => status.nodeName === 'ok')![1];
    expect(okDetail).toEqual({ bodyBytes: Buffer.byteLength(summary), droppedEntities: expected.droppedEntities });

    expect(slow.connectionsAccepted).toBe(1);
    await slow.allConnectionsClosed(); // the request cut at the deadline left no socket behind
    await oversized.allConnectionsClosed();
  });
});

function byNodeName(a: NodeScrapeStatus, b: NodeScrapeStatus): number {
  return a.nodeName.localeCompare(b.nodeName);
}

describe('kubelet source manager: time limits', () => {
  it('times a node out after perNodeTimeoutMs while the others finish', async () => {
    const slow = await kubelet(() => undefined);
    const quick = await kubelet((_req, res) => res.end('quick-set'));
    const scraper = manager([loopbackTarget('slow', slow.port), loopbackTarget('quick', quick.port)], {
      decode: echoDecoder,
      perNodeTimeoutMs: 150,
      deadlineMs: 60_000,
    });
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(statuses.map((s) => s.outcome)).toEqual(['timeout', 'ok']);
    expect(statuses[0]!.error).toBe(`no response from http://127.0.0.1:${slow.port}/stats/summary/ within 150 ms`);
    expect([...batch.metricSets.keys()]).toEqual(['quick-set']);
    await slow.allConnectionsClosed();
  });

  it('does not start nodes still queued at the deadline and marks them timed out', async () => {
    const slow = await kubelet(() => undefined);
    const queued = await kubelet((_req, res) => res.end('never-asked'));
    const scraper = manager([loopbackTarget('slow', slow.port), loopbackTarget('queued', queued.port)], {
      decode: echoDecoder,
      concurrency: 1,
      deadlineMs: 200,
    });
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(statuses.map((s) => s.outcome)).toEqual(['timeout', 'timeout']);
    expect(statuses[1]).toMatchObject({ latencyMs: 0, error: 'not started before the cycle deadline of 200 ms (concurrency 1)' });
    expect(batch.metricSets.size).toBe(0);
    expect(queued.connectionsAccepted).toBe(0);
  });

  it('counts latency from request start to decoded result on the injected clock', async () => {
    let nowMs = 5_000;
    const node = await kubelet((_req, res) => {
      nowMs += 250;
      res.end('set');
    });
    const scraper = manager([loopbackTarget('n1', node.port)], { decode: echoDecoder, clock: () => nowMs });
    const { statuses } = await scraper.scrape(WINDOW);
    expect(statuses[0]).toMatchObject({ outcome: 'ok', latencyMs: 250, lastSuccessMs: 5_250 });
  });
});

describe('kubelet source manager: concurrency', () => {
  it('never has more than `concurrency` requests in flight', async () => {
    const nodeCount = 10;
    const concurrency = 3;
    const real = client();
    let fetching = 0;
    let maxFetching = 0;
    let atServers = 0;
    let maxAtServers = 0;
    const held: Array<() => void> = [];
    // Answers are held until every request the manager has started has reached its server, so
    // all of them are in flight at once: an unbounded manager would show all ten.
    const releaseWhenAllArrived = (): void => {
      if (held.length > 0 && held.length === fetching) held.splice(0).forEach((release) => release());
    };
    const counting: KubeletClient = {
      ...real,
      fetch: async (target, signal) => {
        maxFetching = Math.max(maxFetching, ++fetching);
        try {
          return await real.fetch(target, signal);
        } finally {
          fetching--;
          releaseWhenAllArrived();
        }
      },
    };
    const handler: Parameters<typeof startKubelet>[0] = (req, res) => {
      maxAtServers = Math.max(maxAtServers, ++atServers);
      held.push(() => {
        atServers--;
        res.end(String(req.socket.localPort));
      });
      releaseWhenAllArrived();
    };
    const nodes = await Promise.all(Array.from({ length: nodeCount }, () => kubelet(handler)));
    const scraper = manager(
      nodes.map((node, i) => loopbackTarget(`n${i}`, node.port)),
      { client: counting, decode: echoDecoder, concurrency },
    );
    const { batch, statuses } = await scraper.scrape(WINDOW);
    expect(statuses.every((s) => s.outcome === 'ok')).toBe(true);
    expect(batch.metricSets.size).toBe(nodeCount);
    expect(maxFetching).toBe(concurrency);
    expect(maxAtServers).toBe(concurrency);
  });
});

describe('kubelet source manager: merging', () => {
  it('lets a later node overwrite an earlier node’s set with the same key', async () => {
    const first = await kubelet((_req, res) => res.end('shared-key'));
    const second = await kubelet((_req, res) => res.end('shared-key'));
    const scraper = manager([loopbackTarget('first', first.port), loopbackTarget('second', second.port)], {
      decode: echoDecoder,
      concurrency: 1,
    });
    const { batch } = await scraper.scrape(WINDOW);
    expect(batch.metricSets.get('shared-key')!.labels.nodename).toBe('second');
  });

  it('requests the summary path with its trailing slash', async () => {
    const node = await kubelet((_req, res) => res.end('set'));
    await manager([loopbackTarget('n1', node.port)], { decode: echoDecoder }).scrape(WINDOW);
    expect(node.requests.map((req) => req.url)).toEqual(['/stats/summary/']);
  });

  it('requests /metrics/resource for the resource endpoint', async () => {
    const node = await kubelet((_req, res) => res.end('set'));
    await manager([loopbackTarget('n1', node.port)], { decode: echoDecoder, endpoint: 'resource' }).scrape(WINDOW);
    expect(node.requests.map((req) => req.url)).toEqual(['/metrics/resource']);
  });

  it('decodes a /metrics/resource capture with the resource decoder by default', async () => {
    const text = readFixture(RESOURCE);
    const pods = new Set(
      [...text.matchAll(/^pod_cpu_usage_seconds_total\{namespace="([^"]+)",pod="([^"]+)"\}/gm)].map(([, ns, pod]) => podKey(ns!, pod!)),
    );
    const node = await kubelet((_req, res) => res.end(text));
    const target = loopbackTarget('e2e-control-plane', node.port);
    const nowMs = 1_633_253_820_000;
    const { batch, statuses } = await manager([target], { endpoint: 'resource', clock: () => nowMs }).scrape(WINDOW);
    expect(statuses[0]!.outcome).toBe('ok');
    expect(batch.metricSets).toEqual(decodeResourceMetrics(text, target.node, { nowMs }).metricSets);
    expect(pods.size).toBe(70);
    for (const key of pods) expect(batch.metricSets.has(key)).toBe(true);
    expect(batch.metricSets.has(nodeKey('e2e-control-plane'))).toBe(true);
  });

  it('reports a decoder that throws something other than a SourceError as malformed', async () => {
    const node = await kubelet((_req, res) => res.end('set'));
    const scraper = manager([loopbackTarget('n1', node.port)], {
      decode: () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    const { statuses } = await scraper.scrape(WINDOW);
    expect(statuses[0]).toMatchObject({
      outcome: 'malformed',
      error: `decoding the response of http://127.0.0.1:${node.port}/stats/summary/ failed: cannot read properties of undefined`,
    });
  });
});
