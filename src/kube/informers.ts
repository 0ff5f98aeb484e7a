/**
 * The informer set behind node discovery, the enrichers and the workload aggregator: one
 * resilient informer per resource (reference §3.2; Heapster ran nodes, pods and namespaces,
 * Heapgraph adds the owner kinds), exposed to the rest of the program only as listers.
 *
 * @module
 */
import type * as k8s from '@kubernetes/client-node';
import type { V1Namespace, V1Node, V1Pod } from '@kubernetes/client-node';
import { silentLogger, type Logger } from '../core/log.js';
import type { KubeListers } from '../processors/types.js';
import { createBackoff, realDelay, type BackoffOptions, type Delay } from './backoff.js';
import { InformerError } from './errors.js';
import { createSlimmers, type CachedCronJob, type CachedDaemonSet, type CachedDeployment, type CachedStatefulSet } from './slim.js';
import { createResourceInformer, type CacheChange, type InformerStatus, type ResourceInformer } from './resource-informer.js';
import { createKubeApis, kubeResources, type KubeResource, type KubeResourceTypes } from './resources.js';

export type { CacheChange, InformerPhase, InformerStatus } from './resource-informer.js';
export { kubeResources, type KubeResource } from './resources.js';
export type { CachedCronJob, CachedDaemonSet, CachedDeployment, CachedStatefulSet } from './slim.js';

/** Options for {@link createKubeInformers}. */
export interface KubeInformersOptions {
  /** API-server connection, e.g. from `buildKubeConfig(parseKubeSourceUri(uri))`. */
  kubeConfig: k8s.KubeConfig;
  /**
   * Period of a full relist of every resource, healing any missed event. Heapster's resync was
   * 1 h (client-go replays its cache then; this relists). 0 disables. @default 3600000
   */
  resyncMs?: number;
  /**
   * Items per list request; larger collections are read in pages (client-go's reflector pages
   * by 500 too). 0 asks for every item in one answer. @default 500
   */
  listPageSize?: number;
  /**
   * A list or watch that receives nothing for this long is restarted. Watches ask the server to
   * end them after 50–90 % of this, so only a stalled connection trips it. @default 300000
   */
  watchdogMs?: number;
  /** Restart delays after errors: `initialMs` doubling to `maxMs`, with jitter; reset by a sync or event. */
  backoff?: BackoffOptions;
  /** Waits between restarts and watchdog checks; must really wait (tests inject short backoffs instead). @default real timers */
  delay?: Delay;
  /** Milliseconds now. @default Date.now */
  clock?: () => number;
  /** @default a silent logger */
  logger?: Logger;
}

/**
 * Every lister the processors need, plus the remaining cached kinds and whole-cache lists.
 * Cached objects keep only the fields Heapgraph reads (slim.ts lists them) and are never
 * mutated: an update replaces the object.
 */
export interface KubeCacheListers extends KubeListers {
  listPods(namespace?: string): readonly V1Pod[];
  listNamespaces(): readonly V1Namespace[];
  getDeployment(namespace: string, name: string): CachedDeployment | undefined;
  getStatefulSet(namespace: string, name: string): CachedStatefulSet | undefined;
  getDaemonSet(namespace: string, name: string): CachedDaemonSet | undefined;
  getCronJob(namespace: string, name: string): CachedCronJob | undefined;
}

/** A node cache change, for the source manager's target list. */
export interface NodeChange {
  change: CacheChange;
  node: V1Node;
}

/** The running informer set. */
export interface KubeInformers {
  /** Starts every informer; resolves once every cache has synced once. Retries errors forever. */
  start(): Promise<void>;
  /** Stops everything; afterwards no request, timer or error event remains. Rejects a pending start(). */
  stop(): Promise<void>;
  /** Read-only views of the caches; they keep serving the last known state while the API server is away. */
  readonly listers: KubeCacheListers;
  /** Per-resource health. */
  status(): Record<KubeResource, InformerStatus>;
  /** Subscribes to node additions, updates and deletions; returns the unsubscribe function. */
  onNodesChanged(listener: (change: NodeChange) => void): () => void;
}

type InformerMap = { [R in KubeResource]: ResourceInformer<KubeResourceTypes[R]> };

/** Creates the informer set; nothing is requested before `start()`. */
export function createKubeInformers({
  kubeConfig,
  resyncMs = 3_600_000,
  listPageSize = 500,
  watchdogMs = 300_000,
  backoff = {},
  delay = realDelay,
  clock = Date.now,
  logger = silentLogger(),
}: KubeInformersOptions): KubeInformers {
  if (!(watchdogMs > 0)) throw new InformerError('invalid_option', `watchdogMs must be > 0, received ${watchdogMs}`);
  if (!(resyncMs >= 0)) throw new InformerError('invalid_option', `resyncMs must be >= 0 (0 disables), received ${resyncMs}`);
  if (!Number.isInteger(listPageSize) || listPageSize < 0) {
    throw new InformerError('invalid_option', `listPageSize must be an integer >= 0 (0 = unpaged), received ${listPageSize}`);
  }
  createBackoff(backoff); // validates once, before any informer exists

  const apis = createKubeApis(kubeConfig);
  // One set of pools for every cache: namespaces, node names and label values recur across kinds.
  const slimmers = createSlimmers();
  const nodeListeners = new Set<(change: NodeChange) => void>();
  let stopped = false;

  const make = <R extends KubeResource>(resource: R, onChange?: (change: CacheChange, object: KubeResourceTypes[R]) => void) =>
    createResourceInformer({
      resource,
      kubeConfig,
      apis,
      slim: slimmers[resource],
      listPageSize,
      resyncMs,
      watchdogMs,
      backoff: createBackoff(backoff),
      delay,
      clock,
      logger: logger.child({ informer: resource }),
      ...(onChange === undefined ? {} : { onChange }),
    });

  const informers: InformerMap = {
    nodes: make('nodes', (change, node) => {
      for (const listener of [...nodeListeners]) listener({ change, node });
    }),
    namespaces: make('namespaces'),
    pods: make('pods'),
    replicasets: make('replicasets'),
    deployments: make('deployments'),
    statefulsets: make('statefulsets'),
    daemonsets: make('daemonsets'),
    jobs: make('jobs'),
    cronjobs: make('cronjobs'),
  };
  const all = (): ResourceInformer<unknown>[] => kubeResources.map((resource) => informers[resource]);

  const listers: KubeCacheListers = {
    getPod: (namespace, name) => informers.pods.get(name, namespace),
    listPods: (namespace) => informers.pods.list(namespace),
    getNamespace: (name) => informers.namespaces.get(name),
    listNamespaces: () => informers.namespaces.list(),
    getNode: (name) => informers.nodes.get(name),
    listNodes: () => informers.nodes.list(),
    getReplicaSet: (namespace, name) => informers.replicasets.get(name, namespace),
    getJob: (namespace, name) => informers.jobs.get(name, namespace),
    getDeployment: (namespace, name) => informers.deployments.get(name, namespace),
    getStatefulSet: (namespace, name) => informers.statefulsets.get(name, namespace),
    getDaemonSet: (namespace, name) => informers.daemonsets.get(name, namespace),
    getCronJob: (namespace, name) => informers.cronjobs.get(name, namespace),
  };

  return {
    async start() {
      if (stopped) throw new InformerError('already_stopped', 'informers were stopped; create a new set');
      logger.info({ resources: kubeResources }, 'starting informers');
      await Promise.all(all().map((informer) => informer.start()));
      logger.info('informer caches synced');
    },
    async stop() {
      stopped = true;
      nodeListeners.clear();
      await Promise.all(all().map((informer) => informer.stop()));
    },
    listers,
    status() {
      const result = {} as Record<KubeResource, InformerStatus>;
      for (const resource of kubeResources) result[resource] = informers[resource].status();
      return result;
    },
    onNodesChanged(listener) {
      nodeListeners.add(listener);
      return () => {
        nodeListeners.delete(listener);
      };
    },
  };
}
