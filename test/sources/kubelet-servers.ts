/**
 * Loopback servers standing in for kubelets in the kubelet client and manager tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScrapeTarget } from '../../src/sources/kubelet/manager.js';

/** A kubelet stand-in with what the tests observe about its traffic. */
export interface TestKubelet {
  port: number;
  /** Every request seen, in arrival order. */
  requests: http.IncomingMessage[];
  /** TCP connections accepted so far. */
  connectionsAccepted: number;
  /** Open TCP connections right now. */
  openConnections(): number;
  /** Resolves when no connection is open (the client released or destroyed its sockets). */
  allConnectionsClosed(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** TLS settings of an HTTPS stand-in; `clientCaPem` makes it ask for (not require) a client certificate. */
export interface TestKubeletTls {
  certPem: string;
  keyPem: string;
  clientCaPem?: string;
}

/** Starts a kubelet stand-in on 127.0.0.1, port 0; HTTPS when `tls` is given. */
export async function startKubelet(handler: Handler, tls?: TestKubeletTls): Promise<TestKubelet> {
  const server = tls
    ? https.createServer({
        cert: tls.certPem,
        key: tls.keyPem,
        ...(tls.clientCaPem ? { ca: tls.clientCaPem, requestCert: true, rejectUnauthorized: false } : {}),
      })
    : http.createServer();
  const sockets = new Set<net.Socket>();
  const closeWaiters: Array<() => void> = [];
  const kubelet: TestKubelet = {
    port: 0,
    requests: [],
    connectionsAccepted: 0,
    openConnections: () => sockets.size,
    allConnectionsClosed: () =>
      sockets.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => closeWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  server.on(tls ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    kubelet.connectionsAccepted++;
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0) closeWaiters.splice(0).forEach((wake) => wake());
    });
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    kubelet.requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubelet.port = (server.address() as AddressInfo).port;
  return kubelet;
}

/** A port on 127.0.0.1 where nothing listens (bound once, then released). */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether `openssl` is on the PATH (needed to make a test certificate). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A self-signed P-256 certificate for IP 127.0.0.1, made with the `openssl` CLI. */
export function selfSignedLoopbackCert(): { certPem: string; keyPem: string } {
  const dir = mkdtempSync(join(tmpdir(), 'heapgraph-kubelet-tls-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1',
        '-addext', 'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return { certPem: readFileSync(certPath, 'utf8'), keyPem: readFileSync(keyPath, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A scrape target for a stand-in on 127.0.0.1. */
export function loopbackTarget(nodeName: string, port: number): ScrapeTarget {
  return { node: { nodeName, hostname: nodeName, hostId: '' }, host: '127.0.0.1', port };
}
