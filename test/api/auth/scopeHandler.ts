/** A route handler that answers what the front door recorded for the request, for the gate tests. */
import type { RouteHandler } from '../../../src/api/server.js';
import { requestCaller, requestScope } from '../../../src/api/auth/requestAccess.js';

/** What `/test/scope` answers: the caller and the scope, namespaces probed from `probe`. */
export interface ScopeReport {
  caller: { user: string; groups: string[]; via: string } | null;
  key: string;
  unrestricted: boolean;
  nodes: boolean;
  cluster: boolean;
  visible: string[];
}

/** Answers `GET /test/scope` (and `/metrics`, so the self-metrics rule can be seen) with a {@link ScopeReport} over `probe`. */
export function scopeHandler(probe: () => readonly string[]): RouteHandler {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/test/scope' && path !== '/metrics') return false;
    const scope = requestScope(req);
    const caller = requestCaller(req);
    const report: ScopeReport = {
      caller: caller ? { user: caller.user, groups: [...caller.groups], via: caller.via } : null,
      key: scope.key,
      unrestricted: scope.unrestricted,
      nodes: scope.nodes,
      cluster: scope.cluster,
      visible: probe().filter((ns) => scope.namespace(ns)),
    };
    const body = JSON.stringify(report);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };
}
