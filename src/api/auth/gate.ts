/**
 * The gate in front of every route handler except `/healthz`: asks the {@link AccessControl},
 * answers a denial itself (plain text; `WWW-Authenticate: Bearer` on 401s when tokens are
 * accepted), and records an allowed caller's scope on the request for the surfaces.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isHealthPath } from './accessControl.js';
import { setRequestAccess } from './requestAccess.js';
import type { AccessControl } from './types.js';

/** Options of {@link createAccessGate}. */
export interface AccessGateOptions {
  access: AccessControl;
  /** Challenge 401s with `WWW-Authenticate: Bearer` (delegated auth on). @default false */
  bearerChallenge?: boolean;
}

/** Resolves true when the request may go on to the handlers; false when the gate answered it. */
export type AccessGate = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Builds the gate. */
export function createAccessGate({ access, bearerChallenge = false }: AccessGateOptions): AccessGate {
  return async (req, res) => {
    if (isHealthPath(req.url)) return true;
    const decision = await access.check(req);
    if (decision.ok) {
      setRequestAccess(req, decision.caller, decision.scope);
      return true;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(decision.message),
    };
    if (decision.status === 401 && bearerChallenge) headers['WWW-Authenticate'] = 'Bearer';
    res.writeHead(decision.status, headers);
    res.end(decision.message);
    return false;
  };
}
