/**
 * Path routing as go-restful's CurlyRouter did it for Heapster (heapster-reference §1.2): the
 * path is split on `/` after trimming slashes (so a trailing slash is optional), `{name}`
 * matches one segment, `{name:*}` the rest of the path (at least one segment), and among
 * matching routes the one with more literal segments, then fewer parameters, wins.
 *
 * @module
 */
import type { AccessScope } from '../auth/types.js';

/** What a route's answer gets. */
export interface RouteRequest {
  /** Path parameters by name, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Request time, ms (the context clock). */
  readonly nowMs: number;
  /** What the caller may see (`requestScope`: unrestricted when no front door checked the request). */
  readonly scope: AccessScope;
}

/** A finished response, before content negotiation and compression. */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
}

/** One GET route. */
export interface Route {
  /** e.g. `/api/v1/model/nodes/{node-name}/metrics/{metric-name:*}`. */
  readonly pattern: string;
  /** The `handler` label of the request metrics (Heapster's operation names). */
  readonly handler: string;
  /** `json` routes answer 406 to clients whose `Accept` excludes JSON. */
  readonly produces: 'json' | 'text';
  answer(request: RouteRequest): Reply | Promise<Reply>;
}

/** The route a path selected, with its parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Record<string, string>;
}

/** Routes a decoded path; undefined when no route's pattern matches it. */
export interface Router {
  match(path: string): RouteMatch | undefined;
}

interface CompiledRoute {
  route: Route;
  tokens: string[];
  literals: number;
  parameters: number;
}

const tokensOf = (path: string): string[] => {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [] : trimmed.split('/');
};

function matchTokens(compiled: CompiledRoute, request: readonly string[]): Record<string, string> | undefined {
  const { tokens } = compiled;
  const last = tokens[tokens.length - 1] ?? '';
  if (tokens.length < request.length && !last.endsWith(':*}')) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    if (i === request.length) return undefined;
    const token = tokens[i]!;
    if (!token.startsWith('{')) {
      if (token !== request[i]) return undefined;
      continue;
    }
    const wildcard = token.endsWith(':*}');
    const name = token.slice(1, wildcard ? -3 : -1);
    if (wildcard) {
      params[name] = request.slice(i).join('/');
      return params;
    }
    params[name] = request[i]!;
  }
  return params;
}

/** Compiles the routes once. */
export function createRouter(routes: readonly Route[]): Router {
  const compiled: CompiledRoute[] = routes.map((route) => {
    const tokens = tokensOf(route.pattern);
    const parameters = tokens.filter((t) => t.startsWith('{')).length;
    return { route, tokens, literals: tokens.length - parameters, parameters };
  });
  // Most specific first, so the first match is the one go-restful would pick.
  compiled.sort((a, b) => b.literals - a.literals || a.parameters - b.parameters);
  return {
    match(path) {
      const request = tokensOf(path);
      for (const candidate of compiled) {
        const params = matchTokens(candidate, request);
        if (params) return { route: candidate.route, params };
      }
      return undefined;
    },
  };
}
