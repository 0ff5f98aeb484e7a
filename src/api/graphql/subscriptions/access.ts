/**
 * Who a graphql-ws connection belongs to. A WebSocket upgrade does not pass the HTTP front door's
 * route handlers, so the connection is decided here, at `connection_init`: by the upgrade request
 * (its `Authorization` header or client certificate), or, when the upgrade carries no
 * `Authorization` header (browsers cannot set one on a WebSocket), by a bearer token in
 * `connectionParams` (`{ "Authorization": "Bearer <token>" }`, key in either case). A refused
 * connection is closed with graphql-ws's 4403 Forbidden, one whose review failed with 4500.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import type { AccessControl, AccessDecision } from '../../auth/types.js';

/** The bearer token of `connectionParams`, or undefined when there is none. */
export function connectionParamsToken(connectionParams: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const header = connectionParams?.Authorization ?? connectionParams?.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * The decision for a connection: the upgrade request's, unless it was refused, carried no
 * `Authorization` header, and `connectionParams` carry a token, which is then reviewed instead.
 * A reviewer that throws instead of answering is a failed review (500), never an allowed one.
 */
export async function decideConnection(access: AccessControl, upgrade: IncomingMessage, connectionParams: Readonly<Record<string, unknown>> | undefined): Promise<AccessDecision> {
  try {
    const byRequest = await access.check(upgrade);
    if (byRequest.ok || upgrade.headers.authorization !== undefined) return byRequest;
    const token = connectionParamsToken(connectionParams);
    return token === undefined ? byRequest : await access.checkToken(token);
  } catch (error) {
    return { ok: false, status: 500, message: error instanceof Error ? error.message : String(error) };
  }
}
