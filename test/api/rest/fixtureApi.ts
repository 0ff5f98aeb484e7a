/**
 * The REST surface over real data: the v1.26 kubelet capture decoded three times, 60 s apart
 * (every counter and the working sets advanced a distinct amount each step), run through every
 * processor into a model store, served over real HTTP on 127.0.0.1. One pod appears only from
 * the second batch on, another is gone from the third, so lists can be checked as pods come
 * and go. Kubernetes objects come from the kube-api lists of the same capture.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { gunzipSync, inflateSync } from 'node:zlib';
import { request as httpRequest } from 'node:http';
import { createQueryService } from '../../../src/api/query/service.js';
import type { KubeReader, QueryService } from '../../../src/api/query/types.js';
import { createRestSurface, type RestSurfaceOptions } from '../../../src/api/rest/index.js';
import { startHttpServer } from '../../../src/api/server.js';
import { silentLogger } from '../../../src/core/log.js';
import { createSelfMetrics, type SelfMetrics } from '../../../src/core/selfMetrics.js';
import type { DataBatch } from '../../../src/core/types.js';
import { createProcessors, runProcessors } from '../../../src/processors/pipeline.js';
import { createLiveFeed } from '../../../src/sinks/liveFeed.js';
import { decodeSummary } from '../../../src/sources/summary/decode.js';
import { createModelStore } from '../../../src/store/modelStore.js';
import type { ModelStore } from '../../../src/store/types.js';
import { readFixtureJson } from '../../helpers/fixtures.js';
import { fixtureListers, fixtureNamespaces, fixtureNodes, fixturePods } from '../../helpers/listers.js';

export const summaryFile = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
/** The node's name, and the `hostname` the source reports for it (different, to expose quirk 2). */
export const nodeName = 'minikube';
export const hostname = 'minikube.example';
export const stepMs = 60_000;
/** Batch timestamps. */
export const times = [Date.parse('2022-12-27T23:33:00Z'), Date.parse('2022-12-27T23:34:00Z'), Date.parse('2022-12-27T23:35:00Z')] as const;
/** The REST clock: 30 s after the last batch. */
export const nowMs = times[2] + 30_000;
/** In the store from the second batch on. */
export const comer = { namespace: 'scraper', name: 'e2e-statefulset-1' };
/** Gone from the third batch. */
export const leaver = { namespace: 'scraper', name: 'e2e-ds-s2h7r' };

export type Stats = { time?: string; [field: string]: unknown };
export type SummaryContainer = { name: string; cpu?: Stats; memory?: Stats; rootfs?: Stats; logs?: Stats };
export type SummaryPod = { podRef: { name: string; namespace: string }; cpu?: Stats; memory?: Stats; network?: Stats; containers: SummaryContainer[] };
export type Summary = { node: { nodeName: string; cpu: Stats; memory: Stats; network: Stats; fs?: Stats; systemContainers: SummaryContainer[] }; pods: SummaryPod[] };

/** A copy `stepMs` later with every counter and working set advanced by an amount distinct per entity. */
function advance(summary: Summary): Summary {
  const next = structuredClone(summary);
  let k = 0;
  const bump = (stats: Stats | undefined, field: string, by: number) => {
    if (stats && typeof stats[field] === 'number') stats[field] = (stats[field] as number) + by;
  };
  const move = (stats: Stats | undefined) => {
    if (stats?.time) stats.time = new Date(Date.parse(stats.time) + stepMs).toISOString();
  };
  const each = (cpu: Stats | undefined, memory: Stats | undefined, network: Stats | undefined) => {
    k++;
    bump(cpu, 'usageCoreNanoSeconds', 180_000_000 * k); // 3k millicores
    bump(memory, 'workingSetBytes', 4096 * k);
    bump(memory, 'pageFaults', 7 * k); // 7k/60 faults per second: a float rate
    bump(network, 'rxBytes', 1_000 * k);
    for (const s of [cpu, memory, network]) move(s);
  };
  each(next.node.cpu, next.node.memory, next.node.network);
  for (const c of next.node.systemContainers) each(c.cpu, c.memory, undefined);
  for (const pod of next.pods) {
    each(pod.cpu, pod.memory, pod.network);
    for (const c of pod.containers) each(c.cpu, c.memory, undefined);
  }
  return next;
}

const without = (summary: Summary, pod: { namespace: string; name: string }): Summary => ({
  ...summary,
  pods: summary.pods.filter((p) => p.podRef.namespace !== pod.namespace || p.podRef.name !== pod.name),
});

/** The three summaries as written: [without comer, full, advanced again without leaver]. */
export function fixtureSummaries(): [Summary, Summary, Summary] {
  const full = readFixtureJson<Summary>(summaryFile);
  const second = advance(full);
  return [without(full, comer), second, without(advance(second), leaver)];
}

/** A KubeReader over the capture's pods, nodes and namespaces. */
export function fixtureKube(pods: readonly V1Pod[] = fixturePods()): KubeReader {
  const nodes = fixtureNodes();
  const namespaces = fixtureNamespaces();
  return {
    getPod: (namespace, name) => pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name),
    listPods: (namespace) => (namespace === undefined ? pods : pods.filter((p) => p.metadata?.namespace === namespace)),
    getNode: (name) => nodes.find((n) => n.metadata?.name === name),
    listNodes: () => nodes,
    getNamespace: (name) => namespaces.find((n) => n.metadata?.name === name),
  };
}

/** The processed batches of the summaries (one processor chain, so rates carry across). */
export function fixtureBatches(summaries: readonly Summary[] = fixtureSummaries()): DataBatch[] {
  const processors = createProcessors({ listers: fixtureListers() });
  return summaries.map((s, i) => {
    const t = times[i]!;
    const { metricSets } = decodeSummary(JSON.stringify(s), { nodeName, hostname, hostId: 'i-0123' }, { nowMs: t });
    return runProcessors(processors, { timestamp: t, metricSets });
  });
}

/** A response as the tests read it. */
export interface Fetched {
  status: number;
  headers: Headers;
  text: string;
  json<T = any>(): T;
}

/** A running REST surface over fixture data. */
export interface FixtureApi {
  readonly url: string;
  readonly store: ModelStore;
  readonly query: QueryService;
  readonly metrics: SelfMetrics;
  get(path: string, headers?: Record<string, string>): Promise<Fetched>;
  close(): Promise<void>;
}

/** Options of {@link startFixtureApi}. */
export interface FixtureApiOptions extends RestSurfaceOptions {
  /** Batches to store; default the three fixture batches. */
  batches?: readonly DataBatch[];
  hasModel?: boolean;
  resolutionMs?: number;
}

/** Starts the surface on 127.0.0.1, port 0. */
export async function startFixtureApi({ batches = fixtureBatches(), hasModel = true, resolutionMs = stepMs, ...surfaceOptions }: FixtureApiOptions = {}): Promise<FixtureApi> {
  const store = createModelStore();
  for (const batch of batches) store.write(batch);
  const query = createQueryService({ model: store, kube: fixtureKube() });
  const metrics = createSelfMetrics({ processMetrics: false });
  const surface = await createRestSurface(surfaceOptions)({
    query,
    feed: createLiveFeed(),
    metrics,
    logger: silentLogger(),
    clock: () => nowMs,
    resolutionMs,
    hasModel,
  });
  const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surface.handlers });
  return {
    url: server.url,
    store,
    query,
    metrics,
    get: (path, headers = {}) => rawGet(`${server.url}${path}`, headers),
    close: () => server.close(),
  };
}

/**
 * A GET over node:http (not fetch, so the test sees exactly what was sent: headers are not
 * rewritten, and `Content-Encoding` is decoded here and checked by the caller).
 */
export function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        const body = encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
        const text = body.toString('utf8');
        const responseHeaders = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') responseHeaders.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, text, json: () => JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
