/**
 * The Kubernetes resources Heapgraph keeps in informer caches: the watch path and the list
 * call of each, and the type its cache holds (see `slim.ts` for what is kept of each object).
 *
 * @module
 */
import * as k8s from '@kubernetes/client-node';
import type { KubernetesListObject, KubernetesObject, V1Job, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import type { CachedCronJob, CachedDaemonSet, CachedDeployment, CachedStatefulSet } from './slim.js';

/**
 * Object type of each cached resource (plural, lower-case, as in URLs). The kinds the pipeline
 * reads are valid client-node models; the others are narrower (slim.ts).
 */
export interface KubeResourceTypes {
  nodes: V1Node;
  namespaces: V1Namespace;
  pods: V1Pod;
  replicasets: V1ReplicaSet;
  deployments: CachedDeployment;
  statefulsets: CachedStatefulSet;
  daemonsets: CachedDaemonSet;
  jobs: V1Job;
  cronjobs: CachedCronJob;
}

/** A cached resource. */
export type KubeResource = keyof KubeResourceTypes;

/** Every cached resource, nodes first (the scrape depends on them). */
export const kubeResources: readonly KubeResource[] = [
  'nodes',
  'namespaces',
  'pods',
  'replicasets',
  'deployments',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
];

/** The API clients the list calls use. */
export interface KubeApis {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  batch: k8s.BatchV1Api;
}

/** Builds the API clients for `kubeConfig`. */
export function createKubeApis(kubeConfig: k8s.KubeConfig): KubeApis {
  return {
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    batch: kubeConfig.makeApiClient(k8s.BatchV1Api),
  };
}

/** One page of a list: at most `limit` items (all when undefined), from the `_continue` token. */
export interface ListPage {
  limit?: number;
  _continue?: string;
}

/** How to list and watch one resource across all namespaces. */
export interface ResourceDefinition {
  /** Watch path (the list path with `?watch=true`). */
  readonly path: string;
  /** The list call; its items are whatever the response processor decodes (see list.ts). */
  list(apis: KubeApis, page: ListPage, options: k8s.ConfigurationOptions): Promise<KubernetesListObject<KubernetesObject>>;
}

/** The definition of every cached resource. */
export const resourceDefinitions: { readonly [R in KubeResource]: ResourceDefinition } = {
  nodes: { path: '/api/v1/nodes', list: ({ core }, page, options) => core.listNode(page, options) },
  namespaces: { path: '/api/v1/namespaces', list: ({ core }, page, options) => core.listNamespace(page, options) },
  pods: { path: '/api/v1/pods', list: ({ core }, page, options) => core.listPodForAllNamespaces(page, options) },
  replicasets: {
    path: '/apis/apps/v1/replicasets',
    list: ({ apps }, page, options) => apps.listReplicaSetForAllNamespaces(page, options),
  },
  deployments: {
    path: '/apis/apps/v1/deployments',
    list: ({ apps }, page, options) => apps.listDeploymentForAllNamespaces(page, options),
  },
  statefulsets: {
    path: '/apis/apps/v1/statefulsets',
    list: ({ apps }, page, options) => apps.listStatefulSetForAllNamespaces(page, options),
  },
  daemonsets: {
    path: '/apis/apps/v1/daemonsets',
    list: ({ apps }, page, options) => apps.listDaemonSetForAllNamespaces(page, options),
  },
  jobs: { path: '/apis/batch/v1/jobs', list: ({ batch }, page, options) => batch.listJobForAllNamespaces(page, options) },
  cronjobs: {
    path: '/apis/batch/v1/cronjobs',
    list: ({ batch }, page, options) => batch.listCronJobForAllNamespaces(page, options),
  },
};

/**
 * Per-request options that tie a list call to `signal`, so a hung or stopped list can be
 * aborted (the generated clients have no timeout of their own). `decode`, when given, sees each
 * response before client-node deserialises it (the slim list path).
 */
export function abortableRequestOptions(
  signal: AbortSignal,
  decode: (response: k8s.ResponseContext) => Promise<k8s.ResponseContext> = (response) => Promise.resolve(response),
): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new k8s.Observable(Promise.resolve(context));
        },
        post: (response) => new k8s.Observable(decode(response)),
      },
    ],
  };
}

/** The `message` of a Status body, which client-node hands over as text or as parsed JSON; else the text's first line. */
export function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body === '' ? undefined : body.split('\n')[0];
    }
  }
  const message = (parsed as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}
