/**
 * TokenReview and SubjectAccessReview for the fake API server, so delegated auth is tested
 * against the same HTTP exchange a real cluster gives: `POST` a review, get it back `201` with
 * `status` filled in. Who a token is comes from a token table; what they may do from a list of
 * RBAC-like rules. Both can be replaced at run time.
 *
 * The default policy ({@link defaultReviewPolicy}):
 * - `demo-admin-token` → user `demo-admin`, group `system:masters`: everything (as on a real cluster);
 * - `demo-shop-token` → user `demo-shop-viewer`: `get` and `list` of `pods.metrics.k8s.io` in namespace `shop` only.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiServerError, StatusError } from './errors.js';
import { reasonForCode, sendJson, sendStatus } from './status.js';

/** Who a token belongs to. */
export interface SimTokenUser {
  username: string;
  uid?: string;
  /** `system:authenticated` is added to every authenticated user, as the real server does. */
  groups?: readonly string[];
}

/**
 * One permission, granted to the listed users and groups. Resource rules name `resources`
 * (`'*'` = any, `'pods/log'` for a subresource); non-resource rules name `nonResourceURLs`
 * (`'/metrics'`, `'/debug/*'`, `'*'`).
 */
export interface SimAccessRule {
  users?: readonly string[];
  groups?: readonly string[];
  /** `'*'` = any verb. */
  verbs: readonly string[];
  /** API groups (`''` = core, `'*'` = any). @default any */
  apiGroups?: readonly string[];
  resources?: readonly string[];
  /** Namespaces the rule holds in (a RoleBinding). @default every namespace and cluster-scoped resources (a ClusterRoleBinding) */
  namespaces?: readonly string[];
  nonResourceURLs?: readonly string[];
}

/** The token table and the rules. */
export interface SimReviewPolicy {
  tokens: Readonly<Record<string, SimTokenUser>>;
  rules: readonly SimAccessRule[];
}

/** The policy a simulated cluster starts with (documented in the module comment and docs/security.md). */
export const defaultReviewPolicy: SimReviewPolicy = {
  tokens: {
    'demo-admin-token': { username: 'demo-admin', uid: 'sim-demo-admin', groups: ['system:masters'] },
    'demo-shop-token': { username: 'demo-shop-viewer', uid: 'sim-demo-shop-viewer' },
  },
  rules: [
    { groups: ['system:masters'], verbs: ['*'], apiGroups: ['*'], resources: ['*'], nonResourceURLs: ['*'] },
    { users: ['demo-shop-viewer'], verbs: ['get', 'list'], apiGroups: ['metrics.k8s.io'], resources: ['pods'], namespaces: ['shop'] },
  ],
};

/** The reviews of a running server, for tests. */
export interface SimReviews {
  /** The policy in force. */
  readonly policy: SimReviewPolicy;
  /** Replaces the token table and rules (checked: throws ApiServerError `invalid_option`). */
  setPolicy(policy: SimReviewPolicy): void;
  /** The next `count` reviews of either kind answer `status` (default 500) with a Status body. */
  failNextReviews(count: number, status?: number): void;
  /** TokenReviews answered (201) so far. */
  readonly tokenReviews: number;
  /** SubjectAccessReviews answered (201) so far. */
  readonly accessReviews: number;
}

/** {@link SimReviews} plus the route hook the server calls. */
export interface SimReviewRoutes extends SimReviews {
  /** True when `pathname` is a review collection (the server then calls {@link serve}). */
  handles(pathname: string): boolean;
  /** Answers the request; never throws. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): void;
}

const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';
const MAX_BODY_BYTES = 1 << 20;

function invalidPolicy(message: string): ApiServerError {
  return new ApiServerError('invalid_option', `reviews policy: ${message}`, { option: 'reviews' });
}

const isStringList = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');

/** Checks a policy given by a test or option; throws ApiServerError naming the bad entry. */
export function checkReviewPolicy(policy: SimReviewPolicy): SimReviewPolicy {
  if (typeof policy !== 'object' || policy === null || typeof policy.tokens !== 'object' || policy.tokens === null || !Array.isArray(policy.rules)) {
    throw invalidPolicy(`expected { tokens, rules }, received ${JSON.stringify(policy)}`);
  }
  for (const [token, user] of Object.entries(policy.tokens)) {
    if (token === '') throw invalidPolicy('a token must not be empty');
    if (typeof user?.username !== 'string' || user.username === '') throw invalidPolicy(`tokens[…].username must be a non-empty string, received ${JSON.stringify(user?.username)}`);
    if (user.groups !== undefined && !isStringList(user.groups)) throw invalidPolicy(`groups of ${user.username} must be a list of strings`);
  }
  policy.rules.forEach((rule, i) => {
    if (!isStringList(rule.verbs) || rule.verbs.length === 0) throw invalidPolicy(`rules[${i}].verbs must be a non-empty list, received ${JSON.stringify(rule.verbs)}`);
    if (rule.users === undefined && rule.groups === undefined) throw invalidPolicy(`rules[${i}] names neither users nor groups`);
    if (rule.resources === undefined && rule.nonResourceURLs === undefined) throw invalidPolicy(`rules[${i}] names neither resources nor nonResourceURLs`);
    for (const field of ['users', 'groups', 'apiGroups', 'resources', 'namespaces', 'nonResourceURLs'] as const) {
      if (rule[field] !== undefined && !isStringList(rule[field])) throw invalidPolicy(`rules[${i}].${field} must be a list of strings`);
    }
  });
  return policy;
}

const matches = (allowed: readonly string[] | undefined, value: string): boolean => allowed === undefined || allowed.includes('*') || allowed.includes(value);

function urlMatches(patterns: readonly string[], path: string): boolean {
  return patterns.some((p) => p === '*' || p === path || (p.endsWith('*') && path.startsWith(p.slice(0, -1))));
}

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
}

interface AccessSpec {
  user?: string;
  groups?: string[];
  resourceAttributes?: ResourceAttributes;
  nonResourceAttributes?: { path?: string; verb?: string };
}

/** The index of the first rule that allows the request, or -1. */
function allowingRule(rules: readonly SimAccessRule[], spec: AccessSpec): number {
  const groups = spec.groups ?? [];
  return rules.findIndex((rule) => {
    const subject = (spec.user !== undefined && (rule.users ?? []).includes(spec.user)) || (rule.groups ?? []).some((g) => groups.includes(g));
    if (!subject) return false;
    const resource = spec.resourceAttributes;
    if (resource) {
      if (rule.resources === undefined || !matches(rule.verbs, resource.verb ?? '') || !matches(rule.apiGroups, resource.group ?? '')) return false;
      const name = resource.subresource ? `${resource.resource ?? ''}/${resource.subresource}` : resource.resource ?? '';
      if (!matches(rule.resources, name)) return false;
      // A namespaced grant never covers "every namespace" (namespace ""), as a RoleBinding does not.
      return rule.namespaces === undefined || (resource.namespace !== undefined && resource.namespace !== '' && rule.namespaces.includes(resource.namespace));
    }
    const nonResource = spec.nonResourceAttributes!;
    return rule.nonResourceURLs !== undefined && matches(rule.verbs, nonResource.verb ?? '') && urlMatches(rule.nonResourceURLs, nonResource.path ?? '');
  });
}

/** Reads the body; rejects with a 400 StatusError past {@link MAX_BODY_BYTES}. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new StatusError(400, 'BadRequest', `the request body is larger than ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The review object of the body, checked for its kind and group version as the real decoder does. */
function decodeReview(text: string, apiVersion: string, kind: string): { spec?: unknown } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new StatusError(400, 'BadRequest', `couldn't get version/kind; json parse error: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new StatusError(400, 'BadRequest', `the body is not a ${kind} object`);
  const given = body as { apiVersion?: unknown; kind?: unknown; spec?: unknown };
  if (given.apiVersion !== undefined && given.apiVersion !== apiVersion) {
    throw new StatusError(400, 'BadRequest', `the API version in the data (${String(given.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  if (given.kind !== undefined && given.kind !== kind) throw new StatusError(400, 'BadRequest', `the kind in the data (${String(given.kind)}) does not match the expected kind (${kind})`);
  return given;
}

function invalid(kind: string, field: string, message: string): StatusError {
  return new StatusError(422, 'Invalid', `${kind}.authorization.k8s.io "" is invalid: ${field}: ${message}`, { kind, causes: [{ reason: 'FieldValueInvalid', message, field }] });
}

/** Creates the review routes with `policy` (checked). */
export function createSimReviews(policy: SimReviewPolicy = defaultReviewPolicy): SimReviewRoutes {
  let current = checkReviewPolicy(policy);
  let tokenReviews = 0;
  let accessReviews = 0;
  let failures = 0;
  let failureStatus = 500;

  function tokenReview(text: string): unknown {
    const review = decodeReview(text, 'authentication.k8s.io/v1', 'TokenReview');
    const spec = (review.spec ?? {}) as { token?: unknown; audiences?: unknown };
    if (typeof spec.token !== 'string' || spec.token === '') throw new StatusError(400, 'BadRequest', 'token is required for TokenReview in authentication');
    const user = Object.hasOwn(current.tokens, spec.token) ? current.tokens[spec.token] : undefined;
    tokenReviews++;
    const status = user
      ? { authenticated: true, user: { username: user.username, ...(user.uid ? { uid: user.uid } : {}), groups: [...new Set([...(user.groups ?? []), 'system:authenticated'])] } }
      : { user: {}, error: 'invalid bearer token' };
    return { kind: 'TokenReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  }

  function accessReview(text: string): unknown {
    const review = decodeReview(text, 'authorization.k8s.io/v1', 'SubjectAccessReview');
    const spec = (review.spec ?? {}) as AccessSpec;
    if ((spec.resourceAttributes === undefined) === (spec.nonResourceAttributes === undefined)) {
      throw invalid('SubjectAccessReview', 'spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
    }
    if ((spec.user ?? '') === '' && (spec.groups ?? []).length === 0) throw invalid('SubjectAccessReview', 'spec.user', 'at least one of user or group must be specified');
    const rule = allowingRule(current.rules, spec);
    accessReviews++;
    const status = rule >= 0 ? { allowed: true, reason: `allowed by sim rule ${rule}` } : { allowed: false };
    return { kind: 'SubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  }

  async function answer(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'POST') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
    const text = await readBody(req);
    if (failures > 0) {
      failures--;
      throw new StatusError(failureStatus, reasonForCode(failureStatus), `injected fault: HTTP ${failureStatus}`);
    }
    sendJson(res, 201, pathname === TOKEN_REVIEWS ? tokenReview(text) : accessReview(text));
  }

  return {
    get policy() {
      return current;
    },
    setPolicy(next) {
      current = checkReviewPolicy(next);
    },
    failNextReviews(count, status = 500) {
      if (!Number.isInteger(count) || count < 0) throw new ApiServerError('invalid_option', `failNextReviews: count must be a non-negative integer, received ${JSON.stringify(count)}`, { option: 'count' });
      if (!Number.isInteger(status) || status < 400 || status > 599) throw new ApiServerError('invalid_option', `failNextReviews: status must be 400-599, received ${JSON.stringify(status)}`, { option: 'status' });
      failures = count;
      failureStatus = status;
    },
    get tokenReviews() {
      return tokenReviews;
    },
    get accessReviews() {
      return accessReviews;
    },
    handles: (pathname) => pathname === TOKEN_REVIEWS || pathname === ACCESS_REVIEWS,
    serve(req, res, pathname) {
      answer(req, res, pathname).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        if (error instanceof StatusError) return sendStatus(res, error);
        sendStatus(res, new StatusError(500, 'InternalError', `Internal error occurred: ${error instanceof Error ? error.message : String(error)}`));
      });
    },
  };
}
