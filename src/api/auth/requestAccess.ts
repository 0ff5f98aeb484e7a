/**
 * The decision the front door made for a request, carried to the surfaces without changing the
 * `RouteHandler` signature. Requests never checked (auth off) are unrestricted.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { UNRESTRICTED, type AccessScope, type Caller } from './types.js';

const decisions = new WeakMap<IncomingMessage, { caller: Caller; scope: AccessScope }>();

/** Records the allowed caller of a request (called by the HTTP front door). */
export function setRequestAccess(req: IncomingMessage, caller: Caller, scope: AccessScope): void {
  decisions.set(req, { caller, scope });
}

/** What this request may see; unrestricted when no front door checked it. */
export function requestScope(req: IncomingMessage): AccessScope {
  return decisions.get(req)?.scope ?? UNRESTRICTED;
}

/** Who made this request, if the front door authenticated them. */
export function requestCaller(req: IncomingMessage): Caller | undefined {
  return decisions.get(req)?.caller;
}
