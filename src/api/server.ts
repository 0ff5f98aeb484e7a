/**
 * The one HTTP(S) server every API surface shares: REST compatibility routes, `/healthz`,
 * and GraphQL on `/graphql`. Route handlers are plain functions; anything a handler throws
 * becomes a plain-text 500 here, so no request can stop the process. With an
 * {@link AccessControl} every request except `/healthz` passes the front door first.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/log.js';
import { createAccessGate } from './auth/gate.js';
import type { TlsMaterial } from './auth/tls.js';
import type { AccessControl } from './auth/types.js';

/** Handles a request it recognises and returns true; returns false to pass it on. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

/** Options for {@link startHttpServer}. */
export interface HttpServerOptions {
  /** Address to bind; empty = all interfaces (Heapster's default). */
  listenIp: string;
  /** 0 picks a free port. */
  port: number;
  /** Tried in order; the first that returns true answered. */
  handlers: readonly RouteHandler[];
  logger?: Logger;
  /**
   * Serve HTTPS with these credentials (`--tls_cert`, `--tls_key`). With `clientCa` the server
   * asks every client for a certificate without requiring one; the front door decides.
   */
  tls?: TlsMaterial;
  /** The front door, asked before the handlers for every request except `/healthz`. @default everyone sees everything */
  access?: AccessControl;
  /** Send `WWW-Authenticate: Bearer` with 401s (bearer tokens accepted). @default false */
  bearerChallenge?: boolean;
}

/** A running HTTP server. */
export interface HttpServerHandle {
  readonly server: Server;
  /** `http://host:port` (or `https://`) as a client reaches it. */
  readonly url: string;
  close(): Promise<void>;
}

function plain(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Starts the shared HTTP server. */
export async function startHttpServer({ listenIp, port, handlers, logger, tls, access, bearerChallenge = false }: HttpServerOptions): Promise<HttpServerHandle> {
  const gate = access ? createAccessGate({ access, bearerChallenge }) : undefined;
  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (gate && !(await gate(req, res))) return;
      for (const handler of handlers) {
        if (await handler(req, res)) return;
      }
      plain(res, 404, '404: Page Not Found');
    } catch (error) {
      logger?.error({ err: error, url: req.url }, 'request handler failed');
      plain(res, 500, 'internal server error');
    }
  };
  const server: Server = tls
    ? createHttpsServer(
        // A requested (not required) certificate, judged per request: /healthz stays open to probes
        // without one, and an unverified one is a 401 rather than a failed handshake (Heapster's quirk 12 fixed).
        { cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}) },
        listener,
      )
    : createServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, listenIp === '' ? undefined : listenIp, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = listenIp === '' || listenIp === '0.0.0.0' ? '127.0.0.1' : listenIp.includes(':') ? `[${listenIp}]` : listenIp;
  return {
    server,
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
