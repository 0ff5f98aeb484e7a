import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SourceError } from '../../src/sources/errors.js';
import { type KubeletClient, type KubeletClientOptions, createKubeletClient } from '../../src/sources/kubelet/client.js';
import { readFixture } from '../helpers/fixtures.js';
import { type TestKubelet, refusedPort, startKubelet } from './kubelet-servers.js';

const SUMMARY = 'kubelet-summary/summary-k8s1.26-minikube-containerd-nri.json';
const PATH = '/stats/summary/';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(options: KubeletClientOptions = {}): KubeletClient {
  const created = createKubeletClient(options);
  cleanups.push(() => created.close());
  return created;
}

async function kubelet(handler: Parameters<typeof startKubelet>[0]): Promise<TestKubelet> {
  const started = await startKubelet(handler);
  cleanups.push(() => started.close());
  return started;
}

function fetchFrom(c: KubeletClient, port: number, signal = new AbortController().signal): Promise<Buffer> {
  return c.fetch({ host: '127.0.0.1', port, path: PATH }, signal);
}

async function rejection(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('kubelet client: successful responses', () => {
  it('returns the whole body of a response sent with Content-Length', async () => {
    const body = Buffer.from(readFixture(SUMMARY));
    const server = await kubelet((_req, res) => res.writeHead(200, { 'content-length': body.length }).end(body));
    const received = await fetchFrom(client(), server.port);
    expect(received.equals(body)).toBe(true);
    expect(server.requests[0]!.url).toBe(PATH);
    expect(server.requests[0]!.method).toBe('GET');
  });

  it('returns the whole body of a chunked response written in pieces', async () => {
    const body = Buffer.from(readFixture(SUMMARY));
    const server = await kubelet((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let offset = 0; offset < body.length; offset += 4096) res.write(body.subarray(offset, offset + 4096));
      res.end();
    });
    const received = await fetchFrom(client(), server.port);
    expect(received.equals(body)).toBe(true);
  });

  it('reuses one keep-alive socket for consecutive requests to a node', async () => {
    const server = await kubelet((_req, res) => res.end('{}'));
    const c = client();
    for (let i = 0; i < 3; i++) expect((await fetchFrom(c, server.port)).toString()).toBe('{}');
    expect(server.requests).toHaveLength(3);
    expect(server.connectionsAccepted).toBe(1);
  });

  it('keeps one idle socket per kubelet without holding up requests to other kubelets', async () => {
    const servers = await Promise.all([1, 2, 3].map(() => kubelet((_req, res) => res.end('{}'))));
    const c = client({ maxSockets: 1 });
    for (const server of servers) expect((await fetchFrom(c, server.port)).toString()).toBe('{}');
    expect(servers.map((server) => server.openConnections())).toEqual([1, 1, 1]);
  });

  it('closes an idle socket after idleSocketTimeoutMs', async () => {
    const server = await kubelet((_req, res) => res.end('{}'));
    await fetchFrom(client({ idleSocketTimeoutMs: 50 }), server.port);
    expect(server.openConnections()).toBe(1);
    await server.allConnectionsClosed();
  });

  it('lets a request outlast idleSocketTimeoutMs', async () => {
    const server = await kubelet((_req, res) => setTimeout(() => res.end('{"late":true}'), 150));
    expect((await fetchFrom(client({ idleSocketTimeoutMs: 50 }), server.port)).toString()).toBe('{"late":true}');
  });

  it('opens a connection per request and closes it when keep-alive is off', async () => {
    const server = await kubelet((_req, res) => res.end('{}'));
    const c = client({ keepAlive: false });
    await fetchFrom(c, server.port);
    await fetchFrom(c, server.port);
    expect(server.connectionsAccepted).toBe(2);
    await server.allConnectionsClosed();
  });

  it('formats URLs with the scheme, brackets around IPv6 hosts and the path', () => {
    expect(client().url({ host: '10.0.0.7', port: 10255, path: PATH })).toBe('http://10.0.0.7:10255/stats/summary/');
    expect(client({ https: true }).url({ host: 'fd00::7', port: 10250, path: '/metrics/resource' })).toBe(
      'https://[fd00::7]:10250/metrics/resource',
    );
  });
});

describe('kubelet client: failures', () => {
  it("rejects a 500 with Heapster's message, the status and the first 200 characters of the body", async () => {
    const body = 'e'.repeat(150) + 'f'.repeat(5000);
    const server = await kubelet((_req, res) => res.writeHead(500).end(body));
    const error = await rejection(fetchFrom(client(), server.port));
    expect(error.code).toBe('http_status');
    expect(error.message).toBe(`request failed - "500 Internal Server Error", response: "${body.slice(0, 200)}"`);
    expect(error.context.status).toBe(500);
    await server.allConnectionsClosed();
  });

  it('keeps the socket of a short error response for the next request', async () => {
    let calls = 0;
    const server = await kubelet((_req, res) => (calls++ === 0 ? res.writeHead(404).end('404 page not found') : res.end('{}')));
    const c = client();
    const error = await rejection(fetchFrom(c, server.port));
    expect(error.message).toBe('request failed - "404 Not Found", response: "404 page not found"');
    expect((await fetchFrom(c, server.port)).toString()).toBe('{}');
    expect(server.connectionsAccepted).toBe(1);
  });

  it('rejects a body whose Content-Length exceeds the cap without reading it, and closes the socket', async () => {
    const server = await kubelet((_req, res) => {
      res.writeHead(200, { 'content-length': 1000 });
      res.write('x'.repeat(10)); // the rest never comes: only the header may decide
    });
    const error = await rejection(fetchFrom(client({ maxBodyBytes: 999 }), server.port));
    expect(error.code).toBe('too_large');
    expect(error.message).toContain('Content-Length 1000');
    await server.allConnectionsClosed();
  });

  it('rejects a chunked body as soon as it grows past the cap, and closes the socket', async () => {
    const server = await kubelet((_req, res) => {
      res.writeHead(200);
      res.write('x'.repeat(60));
      setImmediate(() => res.write('y'.repeat(60))); // then stalls: the client must not wait for the end
    });
    const error = await rejection(fetchFrom(client({ maxBodyBytes: 100 }), server.port));
    expect(error.code).toBe('too_large');
    expect(error.context.limitBytes).toBe(100);
    await server.allConnectionsClosed();
  });

  it('accepts a body of exactly the cap', async () => {
    const server = await kubelet((_req, res) => res.end('z'.repeat(100)));
    expect((await fetchFrom(client({ maxBodyBytes: 100 }), server.port)).length).toBe(100);
  });

  it('rejects with timeout when the signal aborts mid-request, and closes the socket', async () => {
    const controller = new AbortController();
    const server = await kubelet(() => controller.abort()); // never answers
    const error = await rejection(fetchFrom(client(), server.port, controller.signal));
    expect(error.code).toBe('timeout');
    expect(error.message).toContain(`http://127.0.0.1:${server.port}${PATH}`);
    await server.allConnectionsClosed();
  });

  it('passes a SourceError abort reason through as the rejection', async () => {
    const controller = new AbortController();
    const reason = new SourceError('timeout', 'cycle deadline passed');
    const server = await kubelet((_req, res) => {
      controller.abort(reason);
      res.writeHead(200);
      res.write('{"node":'); // headers and part of the body arrive; the abort still wins
    });
    expect(await rejection(fetchFrom(client(), server.port, controller.signal))).toBe(reason);
    await server.allConnectionsClosed();
  });

  it('does not connect when the signal is already aborted', async () => {
    const server = await kubelet((_req, res) => res.end('{}'));
    const error = await rejection(fetchFrom(client(), server.port, AbortSignal.abort()));
    expect(error.code).toBe('timeout');
    expect(server.connectionsAccepted).toBe(0);
  });

  it('rejects a refused connection as a connection error', async () => {
    const port = await refusedPort();
    const error = await rejection(fetchFrom(client(), port));
    expect(error.code).toBe('connection');
    expect(error.context.errno).toBe('ECONNREFUSED');
  });

  it('rejects an address Node refuses outright as a connection error', async () => {
    const error = await rejection(client().fetch({ host: '127.0.0.1', port: 70_000, path: PATH }, new AbortController().signal));
    expect(error.code).toBe('connection');
    expect(error.context.errno).toBe('ERR_SOCKET_BAD_PORT');
  });

  it('rejects a response cut off mid-body as a connection error', async () => {
    const server = await kubelet((req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('x'.repeat(10), () => req.socket.destroy());
    });
    const error = await rejection(fetchFrom(client(), server.port));
    expect(error.code).toBe('connection');
  });
});

/** A raw HTTP/1.1 server whose `onRequest` decides per connection and request index what happens. */
async function rawServer(onRequest: (socket: net.Socket, connection: number, request: number) => void) {
  let connections = 0;
  const server = net.createServer((socket) => {
    const connection = connections++;
    let buffered = '';
    let requests = 0;
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        onRequest(socket, connection, requests++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}';

describe('kubelet client: stale keep-alive sockets', () => {
  it('retries once on a fresh socket when a reused socket is reset', async () => {
    const raw = await rawServer((socket, connection, request) => {
      if (connection === 0 && request === 1) socket.resetAndDestroy();
      else socket.write(OK_RESPONSE);
    });
    const c = client();
    expect((await fetchFrom(c, raw.port)).toString()).toBe('{}');
    expect((await fetchFrom(c, raw.port)).toString()).toBe('{}');
    expect(raw.connections()).toBe(2);
  });

  it('does not retry a reset on a fresh socket', async () => {
    const raw = await rawServer((socket) => socket.resetAndDestroy());
    const error = await rejection(fetchFrom(client(), raw.port));
    expect(error.code).toBe('connection');
    expect(raw.connections()).toBe(1);
  });
});

describe('kubelet client: options', () => {
  it.each([
    [{ maxBodyBytes: 0 }, /maxBodyBytes must be a positive integer; received 0/],
    [{ maxSockets: 1.5 }, /maxSockets must be a positive integer; received 1.5/],
    [{ idleSocketTimeoutMs: -1 }, /idleSocketTimeoutMs must be a positive integer; received -1/],
    [{ https: true, certPem: 'cert' }, /certPem and keyPem must be given together; received certPem only/],
    [{ https: true, keyPem: 'key' }, /certPem and keyPem must be given together; received keyPem only/],
    [{ bearerToken: 'a\nb' }, /bearerToken must be a string without line breaks/],
  ] as Array<[KubeletClientOptions, RegExp]>)('rejects %o', (options, message) => {
    expect(() => createKubeletClient(options)).toThrow(message);
  });
});
