/**
 * The resource catalogue the fake API server serves: group, kind, scope, discovery names and
 * the field selectors each resource supports (as the real registry strategies declare them).
 *
 * @module
 */

import type { SimResource } from '../types.js';

/** Everything the server needs to know about one resource. */
export interface ResourceInfo {
  readonly resource: SimResource;
  /** API group; '' is the core group served under `/api`. */
  readonly group: '' | 'apps' | 'batch';
  readonly version: 'v1';
  readonly kind: string;
  readonly listKind: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Field labels accepted in `fieldSelector` (anything else is a 400, as upstream). */
  readonly fieldLabels: readonly string[];
}

const NAMESPACED_FIELDS = ['metadata.name', 'metadata.namespace'] as const;

function info(
  resource: SimResource,
  group: ResourceInfo['group'],
  kind: string,
  namespaced: boolean,
  shortNames: string[],
  extraFields: string[] = [],
): ResourceInfo {
  return {
    resource,
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    singularName: kind.toLowerCase(),
    namespaced,
    shortNames,
    fieldLabels: [...(namespaced ? NAMESPACED_FIELDS : ['metadata.name']), ...extraFields],
  };
}

/** The served resources, keyed by plural name. */
export const RESOURCES: Readonly<Record<SimResource, ResourceInfo>> = {
  nodes: info('nodes', '', 'Node', false, ['no'], ['spec.unschedulable']),
  namespaces: info('namespaces', '', 'Namespace', false, ['ns'], ['status.phase']),
  pods: info('pods', '', 'Pod', true, ['po'], [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ]),
  replicasets: info('replicasets', 'apps', 'ReplicaSet', true, ['rs'], ['status.replicas']),
  deployments: info('deployments', 'apps', 'Deployment', true, ['deploy']),
  statefulsets: info('statefulsets', 'apps', 'StatefulSet', true, ['sts']),
  daemonsets: info('daemonsets', 'apps', 'DaemonSet', true, ['ds']),
  jobs: info('jobs', 'batch', 'Job', true, [], ['status.successful']),
  cronjobs: info('cronjobs', 'batch', 'CronJob', true, ['cj']),
};

/** All served resources, in catalogue order. */
export const RESOURCE_LIST: readonly ResourceInfo[] = Object.values(RESOURCES);

/** `v1` for the core group, `group/v1` otherwise. */
export function apiVersionOf(resource: ResourceInfo): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** The resource named `plural` in `group`, or undefined when that group does not serve it. */
export function findResource(group: string, plural: string): ResourceInfo | undefined {
  const found = (RESOURCES as Readonly<Record<string, ResourceInfo>>)[plural];
  return found !== undefined && found.group === group && Object.hasOwn(RESOURCES, plural) ? found : undefined;
}

/** The store key, ordered as etcd orders `/registry/<resource>/<namespace>/<name>`. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined ? name : `${namespace}/${name}`;
}
