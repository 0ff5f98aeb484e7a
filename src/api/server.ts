/**
 * The one node:http server every API surface shares: REST compatibility routes, `/healthz`,
 * and later GraphQL on `/graphql`. Route handlers are plain functions; anything a handler
 * throws becomes a plain-text 500 here, so no request can stop the process.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../core/log.js';

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
}

/** A running HTTP server. */
export interface HttpServerHandle {
  readonly server: Server;
  /** `http://host:port` as a client reaches it. */
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
export async function startHttpServer({ listenIp, port, handlers, logger }: HttpServerOptions): Promise<HttpServerHandle> {
  const server = createServer(async (req, res) => {
    try {
      for (const handler of handlers) {
        if (await handler(req, res)) return;
      }
      plain(res, 404, '404: Page Not Found');
    } catch (error) {
      logger?.error({ err: error, url: req.url }, 'request handler failed');
      plain(res, 500, 'internal server error');
    }
  });
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
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
