/**
 * The front door's decision for one request: a verified client certificate (Heapster's
 * `--tls_client_ca` / `--allowed_users`), else a bearer token reviewed by the API server
 * (`--delegated_auth`), else nothing — deny by default whenever either is configured.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../../core/log.js';
import { bearerToken, verifiedClientName } from './credentials.js';
import { AuthError } from './errors.js';
import type { AccessReviewer, ReviewSubject } from './reviewer.js';
import { grantsNothing, resolveGrants, scopeOf, selfMetricsAttributes } from './scope.js';
import { UNRESTRICTED, type AccessControl, type AccessDecision, type Caller } from './types.js';

/** Options of {@link createAccessControl}; at least one of the two modes. */
export interface AccessControlOptions {
  /**
   * Client-certificate authentication (the server was given a client CA). A verified certificate
   * whose CN is in `allowedUsers` — or any verified certificate when the list is empty — is
   * unrestricted; any other verified certificate is 403.
   */
  clientCertificates?: { allowedUsers: readonly string[] };
  /** Delegated authentication and authorization of bearer tokens. */
  delegated?: {
    /** Usually `createCachingReviewer(createKubeReviewer(...))`. */
    reviewer: AccessReviewer;
    /** Namespace names that exist now (the informer cache). */
    namespaces: () => readonly string[];
  };
  /** Denials at debug, review failures at warn; never a token. @default none */
  logger?: Logger;
}

/** The decoded request path without its leading and trailing slashes, as the REST router routes it. */
function routedPath(url: string | undefined): string | undefined {
  let target = url ?? '/';
  if (/^https?:\/\//i.test(target)) {
    if (!URL.canParse(target)) return undefined;
    target = new URL(target).pathname;
  }
  const question = target.indexOf('?');
  try {
    return decodeURIComponent(question < 0 ? target : target.slice(0, question)).replace(/^\/+|\/+$/g, '');
  } catch {
    return undefined;
  }
}

/** True for `/healthz` and `/healthz/healthz` (any slashes around): never behind the front door, as in Heapster. */
export function isHealthPath(url: string | undefined): boolean {
  const path = routedPath(url);
  return path === 'healthz' || path === 'healthz/healthz';
}

const allow = (caller: Caller, scope = UNRESTRICTED): AccessDecision => ({ ok: true, caller, scope });
const deny = (status: 401 | 403 | 500, message: string): AccessDecision => ({ ok: false, status, message });

/** Builds the front door. */
export function createAccessControl({ clientCertificates, delegated, logger }: AccessControlOptions): AccessControl {
  if (!clientCertificates && !delegated) {
    throw new AuthError('invalid_option', 'createAccessControl needs clientCertificates, delegated or both', { option: 'clientCertificates' });
  }
  const allowedUsers = new Set(clientCertificates?.allowedUsers ?? []);

  async function decideToken(token: string, selfMetrics: boolean): Promise<AccessDecision> {
    const { reviewer, namespaces } = delegated!;
    try {
      const review = await reviewer.reviewToken(token);
      if (!review.authenticated) {
        logger?.debug({ reason: review.reason }, 'bearer token not authenticated');
        return deny(401, 'Unauthorized: the bearer token was not accepted');
      }
      const { subject } = review;
      const caller: Caller = { user: subject.user, groups: subject.groups, via: 'token' };
      if (selfMetrics) {
        if (await reviewer.reviewAccess(subject, selfMetricsAttributes)) return allow(caller, scopeOf({ nodes: false, cluster: false, namespaces: [] }));
        return forbidden(subject, `may not get path "/metrics"`);
      }
      const grants = await resolveGrants({ reviewer, subject, namespaces: namespaces() });
      if (grantsNothing(grants)) return forbidden(subject, 'may not get pods.metrics.k8s.io in any namespace, nor nodes.metrics.k8s.io');
      return allow(caller, scopeOf(grants));
    } catch (error) {
      // Whatever failed, the answer is no: a 500 the caller can retry, never an allow.
      const reason = error instanceof AuthError ? error.message : 'access review failed';
      logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'access review failed');
      return deny(500, `Internal Server Error: ${reason}`);
    }
  }

  function forbidden(subject: ReviewSubject, what: string): AccessDecision {
    logger?.debug({ user: subject.user }, `access denied: ${what}`);
    return deny(403, `Forbidden: user "${subject.user}" ${what}`);
  }

  return {
    async check(req: IncomingMessage) {
      if (clientCertificates) {
        const name = verifiedClientName(req);
        if (name !== undefined) {
          if (allowedUsers.size > 0 && !allowedUsers.has(name)) {
            logger?.debug({ user: name }, 'client certificate not in --allowed_users');
            return deny(403, 'Forbidden');
          }
          return allow({ user: name, groups: [], via: 'client-cert' });
        }
        if (!delegated) return deny(401, 'Unauthorized');
      }
      const token = bearerToken(req.headers.authorization);
      if (token === undefined) return deny(401, 'Unauthorized: a bearer token is required (Authorization: Bearer <token>)');
      return decideToken(token, routedPath(req.url) === 'metrics');
    },
    checkToken(token: string) {
      if (!delegated) return Promise.resolve(deny(401, 'Unauthorized: bearer tokens are not accepted (--delegated_auth is off)'));
      // graphql-ws clients send either the bare token or the whole header value.
      const bare = bearerToken(token) ?? token.trim();
      if (bare === '') return Promise.resolve(deny(401, 'Unauthorized: empty bearer token'));
      return decideToken(bare, false);
    },
  } satisfies AccessControl;
}
