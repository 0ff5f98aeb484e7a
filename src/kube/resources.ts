/**
 * The Kubernetes resources Heapgraph keeps in informer caches: the watch path, the model
 * name (for decoding watch events into the same classes lists return) and the list call.
 *
 * @module
 */
import * as k8s from '@kubernetes/client-node';
import type {
  KubernetesListObject,
  V1CronJob,
  V1DaemonSet,
  V1Deployment,
  V1Job,
  V1Namespace,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet,
} from '@kubernetes/client-node';

/** Object type of each cached resource (plural, lower-case, as in URLs). */
export interface KubeResourceTypes {
  nodes: V1Node;
  namespaces: V1Namespace;
  pods: V1Pod;
  replicasets: V1ReplicaSet;
  deployments: V1Deployment;
  statefulsets: V1StatefulSet;
  daemonsets: V1DaemonSet;
  jobs: V1Job;
  cronjobs: V1CronJob;
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

/** How to list and watch one resource across all namespaces. */
export interface ResourceDefinition<R extends KubeResource> {
  /** Watch path (the list path with `?watch=true`). */
  readonly path: string;
  /** client-node model name, e.g. `V1Pod`. */
  readonly model: string;
  list(apis: KubeApis, options: k8s.ConfigurationOptions): Promise<KubernetesListObject<KubeResourceTypes[R]>>;
}

/** The definition of every cached resource. */
export const resourceDefinitions: { readonly [R in KubeResource]: ResourceDefinition<R> } = {
  nodes: { path: '/api/v1/nodes', model: 'V1Node', list: ({ core }, options) => core.listNode({}, options) },
  namespaces: { path: '/api/v1/namespaces', model: 'V1Namespace', list: ({ core }, options) => core.listNamespace({}, options) },
  pods: { path: '/api/v1/pods', model: 'V1Pod', list: ({ core }, options) => core.listPodForAllNamespaces({}, options) },
  replicasets: {
    path: '/apis/apps/v1/replicasets',
    model: 'V1ReplicaSet',
    list: ({ apps }, options) => apps.listReplicaSetForAllNamespaces({}, options),
  },
  deployments: {
    path: '/apis/apps/v1/deployments',
    model: 'V1Deployment',
    list: ({ apps }, options) => apps.listDeploymentForAllNamespaces({}, options),
  },
  statefulsets: {
    path: '/apis/apps/v1/statefulsets',
    model: 'V1StatefulSet',
    list: ({ apps }, options) => apps.listStatefulSetForAllNamespaces({}, options),
  },
  daemonsets: {
    path: '/apis/apps/v1/daemonsets',
    model: 'V1DaemonSet',
    list: ({ apps }, options) => apps.listDaemonSetForAllNamespaces({}, options),
  },
  jobs: { path: '/apis/batch/v1/jobs', model: 'V1Job', list: ({ batch }, options) => batch.listJobForAllNamespaces({}, options) },
  cronjobs: {
    path: '/apis/batch/v1/cronjobs',
    model: 'V1CronJob',
    list: ({ batch }, options) => batch.listCronJobForAllNamespaces({}, options),
  },
};

/**
 * Per-request options that tie a list call to `signal`, so a hung or stopped list can be
 * aborted (the generated clients have no timeout of their own).
 */
export function abortableRequestOptions(signal: AbortSignal): k8s.ConfigurationOptions {
  return {
    middlewareMergeStrategy: 'append',
    middleware: [
      {
        pre: (context) => {
          context.setSignal(signal);
          return new k8s.Observable(Promise.resolve(context));
        },
        post: (response) => new k8s.Observable(Promise.resolve(response)),
      },
    ],
  };
}
