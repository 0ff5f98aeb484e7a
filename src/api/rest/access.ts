/**
 * How the REST routes apply the caller's scope (docs/security.md, "How each API enforces the
 * scope"). Every route reads through the query service as the caller sees it
 * (`scopeQueryService`), so an entity of a hidden namespace answers as an unknown one would.
 * Routes whose whole subject is the cluster aggregate or nodes answer 403 to a caller without
 * that right: the refusal depends on the caller alone, never on the path's names, so it
 * confirms nothing about what exists.
 *
 * @module
 */
import type { AccessScope } from '../auth/types.js';
import { scopeQueryService } from '../query/scope.js';
import type { QueryService } from '../query/types.js';
import { textReply } from './reply.js';
import type { Reply, Route, RouteRequest } from './router.js';

/** A cluster-wide right a route may need: the cluster aggregate and cluster-wide listings, or nodes. */
export type Permission = 'cluster' | 'nodes';

/** The front door's refusal: plain text, as Heapster answered a certificate it did not allow. */
export function forbiddenReply(): Reply {
  return textReply(403, 'Forbidden');
}

/** Whether `scope` has `permission` (absent: every caller). */
export function permits(scope: AccessScope, permission: Permission | undefined): boolean {
  return permission === undefined || scope[permission];
}

/** A route's answer, given the query service as the caller sees it. */
export type ScopedAnswer = (request: RouteRequest, view: QueryService) => Reply | Promise<Reply>;

/** Options of {@link scopedAnswer}. */
export interface ScopedAnswerOptions {
  /** Refused without this right. */
  permission?: Permission | undefined;
  /** The refusal; {@link forbiddenReply} unless the API has its own error shape. */
  refuse?: (request: RouteRequest) => Reply;
}

/** Wraps `answer` so it reads the caller's view of `query`, refused (before anything is read) without `permission`. */
export function scopedAnswer(query: QueryService, answer: ScopedAnswer, { permission, refuse = forbiddenReply }: ScopedAnswerOptions = {}): Route['answer'] {
  return (request) => (permits(request.scope, permission) ? answer(request, scopeQueryService(query, request.scope)) : refuse(request));
}
