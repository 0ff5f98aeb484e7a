/**
 * Property-based tests of the REST surface over real HTTP: requests generated from the route
 * grammar (restArbitraries.ts) against the REST surface serving the v1.26 kubelet capture
 * (three processed batches, Kubernetes objects from the same capture). Whatever is sent, the
 * answer is never a 5xx, a refusal says what was wrong, the server keeps answering `/healthz`,
 * logs nothing at warn or above, and the process sees no unhandled rejection.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueryService } from '../../src/api/query/service.js';
import type { QueryService } from '../../src/api/query/types.js';
import { goQuote } from '../../src/api/rest/errors.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { startHttpServer, type HttpServerHandle } from '../../src/api/server.js';
import { createSelfMetrics } from '../../src/core/selfMetrics.js';
import { createLiveFeed } from '../../src/sinks/liveFeed.js';
import { createModelStore } from '../../src/store/modelStore.js';
import { fixtureBatches, fixtureKube, nowMs, stepMs } from '../api/rest/fixtureApi.js';
import { fixturePods } from '../helpers/listers.js';
import { propertySeed, recordingLogger, send, watchProcess, type Exchange, type ProcessWatch, type RecordingLogger } from './harness.js';
import { restRequests, type ModelNames, type RestCase } from './restArbitraries.js';

/** Generated requests (about 5 s on the 2-core development machine, 11 s under a load of 17). */
export const restRuns = 3_000;

let server: HttpServerHandle;
let query: QueryService;
let log: RecordingLogger;
let watch: ProcessWatch;

beforeAll(async () => {
  watch = watchProcess();
  log = recordingLogger();
  const store = createModelStore();
  for (const batch of fixtureBatches()) store.write(batch);
  query = createQueryService({ model: store, kube: fixtureKube() });
  const surface = await createRestSurface()({
    query,
    feed: createLiveFeed(),
    metrics: createSelfMetrics({ processMetrics: false }),
    logger: log.logger,
    clock: () => nowMs,
    resolutionMs: stepMs,
    hasModel: true,
  });
  server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surface.handlers, logger: log.logger });
});

afterAll(async () => {
  await server?.close();
  watch?.stop();
});

/** Real names of the served model, read from it. */
function modelNames(): ModelNames {
  const keys = query.keys();
  const labeled = keys.flatMap((key) => query.labeledMetricNames(key).flatMap((metric) => query.labeledSeries(key, metric, undefined)));
  const pods = query.pods();
  return {
    nodes: query.nodes().map((n) => n.labels.nodename!),
    hostnames: query.nodes().map((n) => n.labels.hostname!),
    namespaces: query.namespaces().map((n) => n.labels.namespace_name!),
    pods: pods.map((p) => p.labels.pod_name!),
    containers: [...new Set(pods.flatMap((p) => query.containers(p.labels.namespace_name!, p.labels.pod_name!).map((c) => c.labels.container_name!)))],
    systemContainers: query.nodes().flatMap((n) => query.systemContainers(n.labels.hostname!).map((c) => c.labels.container_name!)),
    metrics: [...new Set(keys.flatMap((key) => [...query.metricNames(key), ...query.labeledMetricNames(key)]))].sort(),
    labelPairs: [...new Set(labeled.flatMap((s) => Object.entries(s.labels).map(([k, v]) => `${k}:${v}`)))],
    kubeLabels: [...new Set(fixturePods().flatMap((p) => Object.entries(p.metadata?.labels ?? {}).map(([k, v]) => `${k}=${v}`)))],
    timestamps: [...query.timestamps()],
  };
}

/** Which parameter a refusal text is about, by the words Heapster's messages use. */
const parameterWords: Readonly<Record<string, RegExp>> = {
  start: /timestamp/,
  end: /timestamp/,
  labels: /label pair/,
  bucket: /bucket/,
  aggs: /aggregation/i,
  labelSelector: /selector|requirement/,
  fieldSelector: /field selector/,
};

/** Pieces of a value a message may quote: the value, its comma and colon parts, the digits of a duration. */
function fragments(value: string): string[] {
  const parts = value.split(',').flatMap((p) => [p, ...p.split(':')]);
  return [value, ...parts, value.slice(0, -1), value.slice(0, -2)].filter((f) => f !== '');
}

/** A 400's text names the parameter that was wrong, or quotes the offending part of what was sent. */
function namesTheProblem(text: string, request: RestCase): boolean {
  if (request.sent.some((s) => parameterWords[s.name]?.test(text))) return true;
  return request.sent.some((s) => fragments(s.value).some((f) => text.includes(goQuote(f))));
}

/** The `message` of a Kubernetes Status body, else the text itself. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { kind?: string; message?: unknown };
    if (parsed.kind === 'Status' && typeof parsed.message === 'string') return parsed.message;
  } catch {
    // plain text
  }
  return text;
}

/** Not-found texts that need no name: Heapster's unknown route and Kubernetes' unknown resource. */
const genericNotFound = ['404: Page Not Found', 'the server could not find the requested resource'];

/** Every property of one answer; throws (with the answer) when one fails. */
function checkAnswer(request: RestCase, answer: Exchange): void {
  const context = `${request.method} ${request.target} → ${answer.status} ${JSON.stringify(answer.text.slice(0, 300))}`;
  expect(answer.status, context).toBeLessThan(500);
  if (answer.status >= 400 && request.method !== 'HEAD') {
    expect(answer.text.trim(), context).not.toBe('');
    const message = messageOf(answer.text);
    switch (answer.status) {
      case 400:
        expect(namesTheProblem(answer.text, request), `400 without the parameter or value: ${context}`).toBe(true);
        break;
      case 404: {
        const namesIt = request.sent.some((s) => s.value !== '' && message.includes(s.value));
        expect(genericNotFound.includes(message) || namesIt, `404 names nothing: ${context}`).toBe(true);
        break;
      }
      case 405:
        expect(answer.text, context).toBe('405: Method Not Allowed');
        expect(answer.headers.allow, context).toBe('GET');
        break;
      case 406:
        expect(answer.text, context).toBe('406: Not Acceptable');
        break;
      default:
        throw new Error(`unexpected status: ${context}`);
    }
  }
  if (answer.status === 200 && request.method === 'GET' && String(answer.headers['content-type']).startsWith('application/json')) {
    expect(() => JSON.parse(answer.text), context).not.toThrow();
  }
}

describe('REST requests generated from the route grammar', () => {
  it(`never answer 5xx, name what was wrong, and leave the server healthy (${restRuns} requests)`, async () => {
    const requests = restRequests(modelNames()).filter((r) => r.target.length <= 12_000);

    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const answer = await send(server.url, request);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        checkAnswer(request, answer);
        const health = await send(server.url, { method: 'GET', target: '/healthz' });
        expect(health.status, `healthz after ${request.method} ${request.target}`).toBe(200);
      }),
      { seed: propertySeed, numRuns: restRuns },
    );
    // The mix reached every outcome the grammar can produce, not only 404s.
    for (const status of [200, 400, 404, 405, 406]) expect(statuses.get(status) ?? 0, `status ${status} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(20);
    expect(log.entries.map((e) => `${e.msg}: ${e.err?.message ?? ''}`)).toEqual([]);
    expect(watch.problems).toEqual([]);
  });

  it('answers a request line over Node\'s 16 KiB header limit with 431 and keeps serving', async () => {
    const answer = await send(server.url, { method: 'GET', target: `/api/v1/model/nodes/${'x'.repeat(20_000)}/metrics` });
    expect(answer.status).toBe(431);
    expect((await send(server.url, { method: 'GET', target: '/healthz' })).status).toBe(200);
  });
});
