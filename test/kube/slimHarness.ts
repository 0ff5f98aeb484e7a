/**
 * Runs everything that reads the informer caches — the processor pipeline over the v1.26
 * kubelet capture, scrape-target selection, the REST metrics APIs and the GraphQL graph — over
 * one set of Kubernetes objects, and returns what each produced, so a test can compare the
 * outputs for slim objects with those for client-node's fully decoded ones.
 */
import type { V1Job, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { createGraphqlSurface } from '../../src/api/graphql/index.js';
import { createQueryService } from '../../src/api/query/service.js';
import type { KubeReader } from '../../src/api/query/types.js';
import { createRestSurface } from '../../src/api/rest/index.js';
import { startHttpServer } from '../../src/api/server.js';
import { silentLogger } from '../../src/core/log.js';
import { createSelfMetrics } from '../../src/core/selfMetrics.js';
import type { DataBatch } from '../../src/core/types.js';
import { nodeTargets } from '../../src/kube/nodes.js';
import { createProcessors, runProcessors } from '../../src/processors/pipeline.js';
import { createLiveFeed } from '../../src/sinks/liveFeed.js';
import { decodeSummary } from '../../src/sources/summary/decode.js';
import { createModelStore } from '../../src/store/modelStore.js';
import { fixtureSummaries, hostname, nodeName, nowMs, stepMs, times } from '../api/rest/fixtureApi.js';
import { createListers } from '../helpers/listers.js';

/** The objects the caches would hold. */
export interface CachedObjects {
  pods: readonly V1Pod[];
  nodes: readonly V1Node[];
  namespaces: readonly V1Namespace[];
  replicaSets: readonly V1ReplicaSet[];
  jobs: readonly V1Job[];
}

/** Everything the readers produced. */
export interface ReaderOutputs {
  batches: DataBatch[];
  targets: unknown;
  rest: Record<string, { status: number; body: unknown }>;
  graphql: unknown;
}

/** REST paths that answer from the pod and node caches. */
export const restPaths = [
  '/apis/metrics/v1alpha1/nodes',
  '/apis/metrics/v1alpha1/nodes?labelSelector=kubernetes.io%2Fos%3Dlinux',
  '/apis/metrics/v1alpha1/pods',
  '/apis/metrics/v1alpha1/pods?labelSelector=k8s-app',
  '/apis/metrics/v1alpha1/namespaces/kube-system/pods',
  '/apis/metrics.k8s.io/v1beta1/nodes',
  '/apis/metrics.k8s.io/v1beta1/nodes/minikube',
  '/apis/metrics.k8s.io/v1beta1/pods',
  '/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app.kubernetes.io%2Fname',
  '/apis/metrics.k8s.io/v1beta1/namespaces/scraper/pods',
];

const resources = 'cpuMillicores memoryBytes ephemeralStorageBytes quantities { name quantity value }';
/** Every graph field that reads a cached object. */
export const graphQuery = `{
  nodes { nodes { name uid labels { key value } hostname hostId addresses { type address } capacity { ${resources} }
    allocatable { ${resources} } schedulable ready kubeletVersion osImage containerRuntimeVersion creationTimestamp pods { totalCount } } }
  namespaces { nodes { name uid labels { key value } phase creationTimestamp pods { totalCount } } }
  pods(first: 100) { nodes { key name uid labels { key value } phase qosClass podIp hostIp startTime creationTimestamp restartCount
    node { name } ownerReferences { kind name uid controller } owner { key } volumes { name source resourceId }
    containers { key name image requests { ${resources} } limits { ${resources} } restartCount startTime ready state } } }
  workloads(first: 100) { nodes { key pods { nodes { name } } } }
}`;

/** Processes the three fixture summaries and queries every reader over `objects`. */
export async function readerOutputs(objects: CachedObjects, hostIdAnnotation: string): Promise<ReaderOutputs> {
  const listers = createListers(objects);
  const processors = createProcessors({ listers });
  const batches = fixtureSummaries().map((summary, i) => {
    const { metricSets } = decodeSummary(JSON.stringify(summary), { nodeName, hostname, hostId: '' }, { nowMs: times[i]! });
    return runProcessors(processors, { timestamp: times[i]!, metricSets });
  });
  const targets = nodeTargets(objects.nodes, { kubeletPort: 'node', hostIdAnnotation });

  const model = createModelStore();
  for (const batch of batches) model.write(batch);
  const { pods, nodes, namespaces } = objects;
  const kube: KubeReader = {
    getPod: (namespace, name) => pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name),
    listPods: (namespace) => (namespace === undefined ? pods : pods.filter((p) => p.metadata?.namespace === namespace)),
    getNode: (name) => nodes.find((n) => n.metadata?.name === name),
    listNodes: () => nodes,
    getNamespace: (name) => namespaces.find((n) => n.metadata?.name === name),
  };
  const context = {
    query: createQueryService({ model, kube }),
    feed: createLiveFeed(),
    metrics: createSelfMetrics({ processMetrics: false }),
    logger: silentLogger(),
    clock: () => nowMs,
    resolutionMs: stepMs,
    hasModel: true,
  };
  const surfaces = [await createRestSurface()(context), await createGraphqlSurface({ landingPage: 'none', maxCost: 1_000_000 })(context)];
  const server = await startHttpServer({ listenIp: '127.0.0.1', port: 0, handlers: surfaces.flatMap((s) => s.handlers) });
  try {
    const rest: ReaderOutputs['rest'] = {};
    for (const path of restPaths) {
      const response = await fetch(`${server.url}${path}`);
      rest[path] = { status: response.status, body: await response.json() };
    }
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: graphQuery }),
    });
    return { batches, targets, rest, graphql: await response.json() };
  } finally {
    for (const surface of surfaces) await surface.stop?.();
    await server.close();
  }
}
