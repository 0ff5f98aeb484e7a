import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphqlSurface } from '../../../src/api/graphql/index.js';
import { createQueryService } from '../../../src/api/query/service.js';
import type { QueryService } from '../../../src/api/query/types.js';
import { startHttpServer, type HttpServerHandle } from '../../../src/api/server.js';
import type { Surface } from '../../../src/api/surface.js';
import { podContainerKey, podKey } from '../../../src/core/keys.js';
import { silentLogger } from '../../../src/core/log.js';
import { createSelfMetrics } from '../../../src/core/selfMetrics.js';
import { createMetricSet, type DataBatch, type LabeledMetric } from '../../../src/core/types.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { createModelStore } from '../../../src/store/modelStore.js';

/** A hand-built model: one pod with a GPU container, four batches a minute apart. */
const t0 = Date.UTC(2024, 0, 1, 12);
const gpu = (id: string, used: number): LabeledMetric[] => [
  { name: 'accelerator/memory_used', labels: { make: 'nvidia', model: 'tesla-t4', accelerator_id: id }, value: used },
  { name: 'accelerator/duty_cycle', labels: { make: 'nvidia', model: 'tesla-t4', accelerator_id: id }, value: used % 100 },
];

function batch(minute: number): DataBatch {
  const pod = createMetricSet({ type: 'pod', namespace_name: 'ml', pod_name: 'trainer', nodename: 'gpu-node' });
  pod.metricValues.set('memory/usage', 1_000 + minute);
  const container = createMetricSet({ type: 'pod_container', namespace_name: 'ml', pod_name: 'trainer', container_name: 'cuda', nodename: 'gpu-node' });
  container.metricValues.set('memory/usage', 900 + minute);
  container.labeledMetrics.push(...gpu('GPU-0', 4_000 + minute), ...gpu('GPU-1', 6_000 + 2 * minute));
  return { timestamp: t0 + minute * 60_000, metricSets: new Map([[podKey('ml', 'trainer'), pod], [podContainerKey('ml', 'trainer', 'cuda'), container]]) };
}

let http: HttpServerHandle;
let surface: Surface;
const reads: string[] = [];

beforeAll(async () => {
  const store = createModelStore();
  for (let minute = 0; minute < 4; minute++) store.write(batch(minute));
  const query = createQueryService({ model: store });
  // Records what reaches the store, to see what the loaders de-duplicate.
  const counted: QueryService = { ...query, series: (key, metric, range) => (reads.push(`series ${key} ${metric}`), query.series(key, metric, range)), retentionMs: query.retentionMs };
  surface = await createGraphqlSurface()({ query: counted, feed: createLiveFeed(), metrics: createSelfMetrics({ processMetrics: false }), logger: silentLogger(), clock: Date.now, resolutionMs: 60_000, hasModel: true });
  http = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surface.handlers });
  surface.attach?.(http.server);
});
afterAll(async () => {
  await surface?.stop?.();
  await http?.close();
});

async function gql(query: string): Promise<any> {
  const response = await fetch(`${http.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return response.json();
}

describe('the graph over a hand-built model', () => {
  it('returns accelerators as one series per accelerator with its labels', async () => {
    const { data, errors } = await gql(`{ pod(namespace: "ml", name: "trainer") { containers { name labeledMetricNames
      labeledMetric(name: "accelerator/memory_used") { resourceId units labels { key value } points { value } }
      one: labeledMetric(name: "accelerator/duty_cycle", labels: [{ key: "make", value: "nvidia" }, { key: "model", value: "tesla-t4" }, { key: "accelerator_id", value: "GPU-1" }]) { points { value } }
      pooled: aggregate(name: "accelerator/memory_used", labels: [{ key: "make", value: "nvidia" }, { key: "model", value: "tesla-t4" }, { key: "accelerator_id", value: "GPU-0" }]) { buckets { count minimum maximum } }
    } } }`);
    expect(errors).toBeUndefined();
    const [cuda] = data.pod.containers;
    expect(cuda.labeledMetricNames).toEqual(['accelerator/duty_cycle', 'accelerator/memory_used']);
    expect(cuda.labeledMetric).toEqual(
      ['GPU-0', 'GPU-1'].map((id, i) => ({
        resourceId: null,
        units: 'BYTES',
        labels: [{ key: 'accelerator_id', value: id }, { key: 'make', value: 'nvidia' }, { key: 'model', value: 'tesla-t4' }],
        points: [0, 1, 2, 3].map((minute) => ({ value: i === 0 ? 4_000 + minute : 6_000 + 2 * minute })),
      })),
    );
    expect(cuda.one).toEqual([{ points: [0, 1, 2, 3].map((minute) => ({ value: (6_000 + 2 * minute) % 100 })) }]);
    expect(cuda.pooled.buckets).toEqual([{ count: 4, minimum: 4_000, maximum: 4_003 }]);
  });

  it('reads a series asked for twice in one operation from the store once', async () => {
    reads.length = 0;
    const { data } = await gql(`{ pod(namespace: "ml", name: "trainer") {
      a: metric(name: "memory/usage", range: { lastMinutes: 2 }) { points { value } }
      b: metric(name: "memory/usage", range: { lastMinutes: 2 }) { points { value } }
      c: metric(name: "memory/usage") { points { value } }
    } }`);
    expect(data.pod.a).toEqual({ points: [{ value: 1_002 }, { value: 1_003 }] });
    expect(data.pod.b).toEqual(data.pod.a);
    expect(data.pod.c.points).toHaveLength(4);
    expect(reads).toEqual([`series ${podKey('ml', 'trainer')} memory/usage`, `series ${podKey('ml', 'trainer')} memory/usage`]);
  });

  it('answers with empty lists and null metadata where the Kubernetes caches know nothing', async () => {
    const { data, errors } = await gql(`{ pod(namespace: "ml", name: "trainer") { uid phase labels { key } owner { name } volumes { name } node { name uid } containers { image requests { cpuMillicores } } } }`);
    expect(errors).toBeUndefined();
    expect(data.pod).toEqual({ uid: null, phase: null, labels: [], owner: null, volumes: [], node: { name: 'gpu-node', uid: null }, containers: [{ image: null, requests: null }] });
  });

  it('serves the offline landing page to a browser, with no external resource', async () => {
    const response = await fetch(`${http.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'/);
    const html = await response.text();
    expect(html).toContain('<title>Heapgraph GraphQL</title>');
    expect(html).toContain('type Query {');
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
  });
});
