/**
 * The simulator's fake Kubernetes API server: serves a {@link SimObjectStore} over the real
 * list/watch protocol on loopback, with discovery, selectors, paging and fault injection, so
 * `@kubernetes/client-node` informers can be tested against it unchanged.
 *
 * @module
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { SimObjectStore } from '../types.js';
import { discoveryDocument } from './discovery.js';
import { ApiServerError, StatusError } from './errors.js';
import { createFailureQueue, type ApiServerFaults } from './faults.js';
import { getObject, listCollection } from './list.js';
import { parseListQuery } from './query.js';
import { createSimReviews, type SimReviewPolicy, type SimReviews } from './reviews.js';
import { resolveRoute } from './routes.js';
import { acceptsJson, notAcceptable, pathNotFound, sendJson, sendStatus } from './status.js';
import { createObjectStore, storeInternals, type StoreInternals } from './store.js';
import { createWatchHub, type WatchHub } from './watch.js';

export type { ApiServerFaults } from './faults.js';
export { defaultReviewPolicy, type SimAccessRule, type SimReviewPolicy, type SimReviews, type SimTokenUser } from './reviews.js';

/** A running server. */
export interface ApiServerHandle {
  /** Base URL, e.g. `http://127.0.0.1:39211`. */
  url: string;
  store: SimObjectStore;
  faults: ApiServerFaults;
  /** TokenReview and SubjectAccessReview: the policy in force and how many were answered. */
  reviews: SimReviews;
  /** HTTP requests received so far (every path, including refused ones). */
  requests: number;
  /** Ends open watches and closes the server and every connection. */
  close(): Promise<void>;
}

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  /** Address to bind. @default '127.0.0.1' */
  host?: string;
  /** Port to bind; 0 picks a free one. @default 0 */
  port?: number;
  /** The store to serve; must come from createObjectStore (the server needs its history). @default a new empty store */
  store?: SimObjectStore;
  /** Interval between BOOKMARK events on watches with allowWatchBookmarks=true. @default 60_000 (upstream's one minute) */
  bookmarkIntervalMs?: number;
  /** Tokens and rules TokenReview and SubjectAccessReview answer from. @default defaultReviewPolicy */
  reviews?: SimReviewPolicy;
}

/** Upstream picks each watch's timeout at random in [minRequestTimeout, 2 × minRequestTimeout). */
const MIN_REQUEST_TIMEOUT_SECONDS = 1800;

function validateOptions(port: number, bookmarkIntervalMs: number, store: SimObjectStore): StoreInternals {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ApiServerError('invalid_option', `port must be an integer in 0-65535, received ${JSON.stringify(port)}`, { option: 'port' });
  }
  if (!Number.isFinite(bookmarkIntervalMs) || bookmarkIntervalMs <= 0) {
    throw new ApiServerError('invalid_option', `bookmarkIntervalMs must be a positive number, received ${JSON.stringify(bookmarkIntervalMs)}`, { option: 'bookmarkIntervalMs' });
  }
  const internals = storeInternals(store);
  if (internals === undefined) {
    throw new ApiServerError('invalid_option', 'store must be created by createObjectStore() (the server resumes watches from its change history)', { option: 'store' });
  }
  return internals;
}

/** Starts the server and resolves once it is listening. */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const { host = '127.0.0.1', port = 0, store = createObjectStore(), bookmarkIntervalMs = 60_000 } = options;
  const internals = validateOptions(port, bookmarkIntervalMs, store);
  const reviews = createSimReviews(options.reviews);
  const failures = createFailureQueue();
  const sockets = new Set<Socket>();
  let down = false;
  let requests = 0;
  let serverAddress = '';
  const hub: WatchHub = createWatchHub({
    store,
    internals,
    bookmarkIntervalMs,
    defaultTimeoutSeconds: () => Math.floor(MIN_REQUEST_TIMEOUT_SECONDS * (1 + Math.random())),
  });

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://apiserver.invalid');
    if (reviews.handles(url.pathname)) return reviews.serve(req, res, url.pathname);
    const route = resolveRoute(url.pathname);
    if (route.kind === 'notFound') return sendStatus(res, pathNotFound());
    if (req.method !== 'GET') {
      return sendStatus(res, new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {}));
    }
    if (route.kind === 'health') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
      return void res.end('ok');
    }
    if (!acceptsJson(req.headers.accept)) return sendStatus(res, notAcceptable());
    if (route.kind === 'discovery') return sendJson(res, 200, discoveryDocument(route.path, serverAddress));
    const failure = failures.take();
    if (failure) return sendStatus(res, failure);
    if (route.kind === 'object') return sendJson(res, 200, getObject(store, route.resource, route.namespace, route.name));
    const query = parseListQuery(url.searchParams, route.resource, route.watchPath);
    if (query.watch) return hub.open(req, res, route.resource, route.namespace, query);
    sendJson(res, 200, listCollection(store, internals, route.resource, route.namespace, query));
  }

  const server = createServer((req, res) => {
    if (down) return void req.socket.destroy();
    requests++;
    try {
      serve(req, res);
    } catch (error) {
      if (error instanceof StatusError) return sendStatus(res, error);
      const message = error instanceof Error ? error.message : String(error);
      if (!res.headersSent) sendStatus(res, new StatusError(500, 'InternalError', `Internal error occurred: ${message}`));
      else res.destroy();
    }
  });
  server.on('connection', (socket: Socket) => {
    if (down) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  serverAddress = `${hostInUrl}:${address.port}`;

  const faults: ApiServerFaults = {
    failNextRequests: (count, status = 500) => failures.inject(count, status),
    dropWatches: () => hub.dropAll(),
    expireWatches() {
      internals.compact();
      hub.endAll();
    },
    setDown(value) {
      down = value;
      if (down) for (const socket of [...sockets]) socket.destroy();
    },
    stallWatches: (stalled) => hub.stall(stalled),
  };

  let closing: Promise<void> | undefined;
  const handle: ApiServerHandle = {
    url: `http://${serverAddress}`,
    store,
    faults,
    reviews,
    get requests() {
      return requests;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        hub.close();
        server.close(() => resolve());
        // Watches just ended cleanly; give their last chunk a turn to flush, then cut the rest.
        setImmediate(() => server.closeAllConnections());
      });
      return closing;
    },
  };
  return handle;
}
