/**
 * One TCP listener per kubelet address, all on the same port. Thousands of addresses cost one
 * file descriptor each and nothing else: the listeners only hand accepted sockets on.
 *
 * @module
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SimError } from '../errors.js';

/** Bound listeners. */
export interface LoopbackListeners {
  /** The port every address listens on. */
  readonly port: number;
  /** Stops accepting on every address (open sockets are the caller's). */
  close(): Promise<void>;
}

/** Options of {@link listenOnLoopback}. */
export interface LoopbackListenOptions {
  /** IPv4 addresses inside 127.0.0.0/8; nothing else is ever bound. */
  addresses: readonly string[];
  /** Port for every address; 0 picks a free one on the first address and reuses it. */
  port: number;
  /** Receives each accepted socket with the address it arrived on. */
  onConnection: (address: string, socket: Socket) => void;
  /** Listens started at once. @default 256 */
  bindConcurrency?: number;
  /** Fresh ports tried when port 0 was asked and a picked port is taken on a later address. @default 5 */
  portAttempts?: number;
}

const loopbackPattern = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkLoopback(address: string): void {
  const match = loopbackPattern.exec(address);
  if (!match || match.slice(1).some((octet) => Number(octet) > 255)) {
    throw new SimError('bind_failed', `kubelets bind only 127.x.y.z addresses, received ${JSON.stringify(address)}`, { address });
  }
}

function listen(server: Server, address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen({ host: address, port, exclusive: true }, () => {
      server.off('error', onError);
      const bound = server.address();
      resolve(typeof bound === 'object' && bound ? bound.port : port);
    });
  });
}

function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(
    servers.map((server) => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()))),
  ).then(() => undefined);
}

async function bindAll(options: LoopbackListenOptions, servers: Server[]): Promise<number> {
  const { addresses, onConnection, bindConcurrency = 256 } = options;
  const make = (address: string) => {
    const server = createServer((socket) => onConnection(address, socket));
    servers.push(server);
    return server;
  };
  const [first, ...rest] = addresses;
  if (first === undefined) return options.port;
  const port = await listen(make(first), first, options.port);
  for (let i = 0; i < rest.length; i += bindConcurrency) {
    // Settle the whole batch before failing, so no listen completes after the cleanup.
    const results = await Promise.allSettled(rest.slice(i, i + bindConcurrency).map((address) => listen(make(address), address, port)));
    const failure = results.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
  }
  return port;
}

/** Binds every address on one port. */
export async function listenOnLoopback(options: LoopbackListenOptions): Promise<LoopbackListeners> {
  const { addresses, port: requestedPort, portAttempts = 5 } = options;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
    throw new SimError('invalid_option', `port must be an integer from 0 to 65535, received ${JSON.stringify(requestedPort)}`, { option: 'port' });
  }
  addresses.forEach(checkLoopback);
  for (let attempt = 1; ; attempt++) {
    const servers: Server[] = [];
    try {
      const port = await bindAll(options, servers);
      return { port, close: () => closeAll(servers) };
    } catch (error) {
      await closeAll(servers);
      const code = (error as NodeJS.ErrnoException).code;
      if (requestedPort === 0 && code === 'EADDRINUSE' && attempt < portAttempts) continue;
      const detail = error instanceof Error ? error.message : String(error);
      throw new SimError('bind_failed', `could not bind kubelet listeners on port ${requestedPort}: ${detail}`, { port: requestedPort });
    }
  }
}
