/**
 * Discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/<group>`, `/apis/<group>/v1`) and
 * `/version`, shaped as the real API server returns them. Only read verbs are advertised:
 * this server serves get, list and watch.
 *
 * @module
 */

import { RESOURCE_LIST, type ResourceInfo } from './resources.js';

/** The version this simulator reports; build metadata marks it as not a real release. */
export const SIM_VERSION = {
  major: '1',
  minor: '26',
  gitVersion: 'v1.26.0+heapgraph.sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: 'go1.19.4',
  compiler: 'gc',
  platform: 'linux/amd64',
} as const;

const GROUPS = ['apps', 'batch'] as const;

function groupDocument(name: string): object {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
}

function resourceEntry(r: ResourceInfo): object {
  return {
    name: r.resource,
    singularName: r.singularName,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: ['get', 'list', 'watch'],
    ...(r.shortNames.length > 0 ? { shortNames: [...r.shortNames] } : {}),
  };
}

function resourceList(group: string): object {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group === '' ? 'v1' : `${group}/v1`,
    resources: RESOURCE_LIST.filter((r) => r.group === group).map(resourceEntry),
  };
}

/**
 * The discovery document at `path`, or undefined when `path` is not a discovery path.
 *
 * @param serverAddress - `host:port` the server is reachable at, reported by `/api`.
 */
export function discoveryDocument(path: string, serverAddress: string): object | undefined {
  switch (path) {
    case '/version':
      return SIM_VERSION;
    case '/api':
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
      };
    case '/api/v1':
      return resourceList('');
    case '/apis':
      return { kind: 'APIGroupList', apiVersion: 'v1', groups: GROUPS.map(groupDocument) };
  }
  for (const group of GROUPS) {
    if (path === `/apis/${group}`) return { kind: 'APIGroup', apiVersion: 'v1', ...groupDocument(group) };
    if (path === `/apis/${group}/v1`) return resourceList(group);
  }
  return undefined;
}
