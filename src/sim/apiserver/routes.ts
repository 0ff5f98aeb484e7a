/**
 * Maps request paths to what they address: a discovery document, a health check, a
 * collection (list or watch) or a single object. Paths follow the real API server's layout:
 * `/api/v1[/namespaces/<ns>]/<resource>[/<name>]` for the core group and
 * `/apis/<group>/v1[/namespaces/<ns>]/<resource>[/<name>]` for the others, with the legacy
 * `/watch/` prefix (`/api/v1/watch/pods`) also understood.
 *
 * @module
 */

import { findResource, type ResourceInfo } from './resources.js';

/** What a request path addresses. */
export type Route =
  | { kind: 'discovery'; path: string }
  | { kind: 'health' }
  | { kind: 'collection'; resource: ResourceInfo; namespace: string | undefined; watchPath: boolean }
  | { kind: 'object'; resource: ResourceInfo; namespace: string | undefined; name: string }
  | { kind: 'notFound' };

const DISCOVERY_PATHS = new Set(['/version', '/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/apis/batch', '/apis/batch/v1']);
const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);
const NOT_FOUND: Route = { kind: 'notFound' };

/** Resolves a decoded URL path (no query string). */
export function resolveRoute(pathname: string): Route {
  if (DISCOVERY_PATHS.has(pathname)) return { kind: 'discovery', path: pathname };
  if (HEALTH_PATHS.has(pathname)) return { kind: 'health' };
  const segments = pathname.split('/').slice(1).map(decodeSegment);
  if (segments.some((s) => s === '' || s === undefined)) return NOT_FOUND;
  let group: string;
  let rest = segments as string[];
  if (segments[0] === 'api' && segments[1] === 'v1') {
    group = '';
    rest = rest.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3 && segments[2] === 'v1') {
    group = segments[1]!;
    rest = rest.slice(3);
  } else {
    return NOT_FOUND;
  }
  const watchPath = rest[0] === 'watch';
  if (watchPath) rest = rest.slice(1);
  return resolveResourcePath(group, rest, watchPath);
}

/** A percent-decoded path segment, or undefined when its escapes are malformed. */
function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function resolveResourcePath(group: string, rest: string[], watchPath: boolean): Route {
  // `/api/v1/namespaces/<name>` is the Namespace object itself, not a namespace scope.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const [, namespace, plural, name, ...extra] = rest;
    const resource = findResource(group, plural!);
    if (resource === undefined || !resource.namespaced || extra.length > 0) return NOT_FOUND;
    if (name === undefined) return { kind: 'collection', resource, namespace, watchPath };
    return watchPath ? NOT_FOUND : { kind: 'object', resource, namespace, name };
  }
  const [plural, name, ...extra] = rest;
  const resource = plural === undefined ? undefined : findResource(group, plural);
  if (resource === undefined || extra.length > 0) return NOT_FOUND;
  if (name === undefined) return { kind: 'collection', resource, namespace: undefined, watchPath };
  if (resource.namespaced || watchPath) return NOT_FOUND;
  return { kind: 'object', resource, namespace: undefined, name };
}
