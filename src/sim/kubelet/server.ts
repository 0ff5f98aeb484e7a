/**
 * The fake kubelets: every node of the cluster answers on its own loopback address (its
 * InternalIP), all on one port. One HTTP server parses every connection; the address a socket
 * arrived on says which node it is talking to.
 *
 * Routes (GET/HEAD): `/stats/summary` and `/stats/summary/`, `/metrics/resource`, `/healthz`,
 * `/pods`; anything else is 404 as Go's mux answers it.
 *
 * @module
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { NodeState } from '../cluster/state.js';
import type { SimCluster } from '../cluster/types.js';
import { toWholeSeconds } from '../cluster/time.js';
import { createKubeletFaults, type KubeletFaults } from './faults.js';
import { listenOnLoopback } from './listeners.js';
import { renderResourceMetrics } from './resource.js';
import { sendWithFault, type KubeletResponse } from './respond.js';
import { renderSummary } from './summary.js';

/** Options of {@link startKubelets}. */
export interface KubeletServerOptions {
  cluster: SimCluster;
  /** Port of every kubelet; 0 picks one free port for all. @default cluster.kubeletPort */
  port?: number;
  /** Fault table to obey. @default a new one that accepts this cluster's node names */
  faults?: KubeletFaults;
}

/** Running kubelets. */
export interface KubeletServer {
  /** The port every kubelet listens on. */
  readonly port: number;
  readonly faults: KubeletFaults;
  /** HTTP requests answered or refused so far. */
  readonly requests: number;
  /** Stops listening, drops every connection and pending delayed response. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json';
const PROMETHEUS_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

function render(cluster: SimCluster, node: NodeState, path: string): KubeletResponse {
  switch (path) {
    case '/stats/summary':
    case '/stats/summary/':
      return { status: 200, contentType: JSON_TYPE, body: renderSummary(cluster.sample(node, toWholeSeconds(cluster.now()))) };
    case '/metrics/resource':
      return { status: 200, contentType: PROMETHEUS_TYPE, body: renderResourceMetrics(cluster.sample(node)) };
    case '/healthz':
      return { status: 200, contentType: TEXT_TYPE, body: 'ok' };
    case '/pods':
    case '/pods/':
      return {
        status: 200,
        contentType: JSON_TYPE,
        body: JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: cluster.podObjects(node) }),
      };
    default:
      return { status: 404, contentType: TEXT_TYPE, body: '404 page not found\n' };
  }
}

/** Binds a kubelet for every node of the cluster and serves them. */
export async function startKubelets(options: KubeletServerOptions): Promise<KubeletServer> {
  const { cluster, port: requestedPort = cluster.kubeletPort } = options;
  const faults = options.faults ?? createKubeletFaults({ isKnownNode: (name) => cluster.node(name) !== undefined });
  const nodeOfSocket = new WeakMap<Socket, NodeState>();
  const socketsByNode = new Map<string, Set<Socket>>();
  const timers = new Set<NodeJS.Timeout>();
  let requests = 0;
  let closed = false;

  function respond(node: NodeState, req: IncomingMessage, res: ServerResponse): void {
    if (res.destroyed) return;
    const fault = faults.get(node.name);
    let response: KubeletResponse;
    try {
      const path = (req.url ?? '/').split('?', 1)[0] as string;
      response = render(cluster, node, path);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      response = { status: 500, contentType: TEXT_TYPE, body: `Internal Error: ${message}\n` };
    }
    sendWithFault(res, response, fault, node.name);
  }

  // Idle connections are kept like the kubelet keeps them (90 s), not Node's default 5 s, so a
  // client's keep-alive sockets survive between scrapes as they would against real nodes.
  const http = createServer({ keepAlive: true, keepAliveTimeout: 90_000 }, (req, res) => {
    requests++;
    const node = nodeOfSocket.get(req.socket);
    if (!node) {
      res.socket?.destroy();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'Content-Type': TEXT_TYPE, Allow: 'GET, HEAD' }).end('405 method not allowed\n');
      return;
    }
    const fault = faults.get(node.name);
    if (fault?.kind === 'slow' && fault.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond(node, req, res);
      }, fault.delayMs);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    respond(node, req, res);
  });

  function accept(address: string, socket: Socket): void {
    const node = cluster.nodeByAddress(address);
    if (closed || !node || faults.get(node.name)?.kind === 'down') {
      socket.destroy();
      return;
    }
    nodeOfSocket.set(socket, node);
    let sockets = socketsByNode.get(node.name);
    if (!sockets) socketsByNode.set(node.name, (sockets = new Set()));
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    http.emit('connection', socket);
  }

  const stopWatchingFaults = faults.onChange((nodeName, fault) => {
    // A node that goes down drops its open keep-alive connections too.
    if (nodeName !== undefined && fault?.kind === 'down') {
      for (const socket of socketsByNode.get(nodeName) ?? []) socket.destroy();
    }
  });

  let listeners;
  try {
    listeners = await listenOnLoopback({ addresses: cluster.nodes.map((node) => node.address), port: requestedPort, onConnection: accept });
  } catch (error) {
    stopWatchingFaults();
    throw error;
  }
  if (listeners.port !== cluster.kubeletPort) cluster.setKubeletPort(listeners.port);
  const bound = listeners;

  return {
    port: bound.port,
    faults,
    get requests() {
      return requests;
    },
    async close() {
      if (closed) return;
      closed = true;
      stopWatchingFaults();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = bound.close();
      for (const sockets of socketsByNode.values()) for (const socket of sockets) socket.destroy();
      await stopped;
    },
  };
}
