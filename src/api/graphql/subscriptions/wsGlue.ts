/**
 * graphql-ws on a `ws` server, as graphql-ws's own `useServer` (graphql-ws/use/ws, 6.4.2) does
 * it, with one difference: socket and handler errors go to the logger at a level we choose,
 * not to `console.error` with a stack per event. With `useServer`, every oversized frame a
 * client sends (ws closes it with 1009) printed a stack trace to stderr, bypassing pino: any
 * client could flood the log (found by test/api/graphql/wsAbuse.test.ts).
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from 'graphql-ws';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../../core/log.js';

/** What graphql-ws hands to hooks as `ctx.extra`. */
export interface SocketExtra {
  readonly socket: WebSocket;
  readonly request: IncomingMessage;
}

/** Serves graphql-ws on `wss`; `keepAliveMs` pings idle sockets and drops those that stop answering. */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined>(
  options: ServerOptions<P, SocketExtra>,
  wss: WebSocketServer,
  keepAliveMs: number,
  logger: Logger,
): { dispose(): Promise<void> } {
  const server = makeServer<P, SocketExtra>(options);
  wss.options.handleProtocols = handleProtocols;
  wss.on('error', (error) => logger.error({ err: error }, 'WebSocket server error'));

  wss.on('connection', (socket, request) => {
    // A client's protocol violation (an oversized or malformed frame): ws closes the socket
    // with the right code (1009, 1002) itself; it is the client's fault, so debug only.
    socket.once('error', (error) => {
      logger.debug({ err: error }, 'WebSocket client error');
      if (socket.readyState === socket.OPEN) socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    let pongWait: NodeJS.Timeout | undefined;
    const ping = keepAliveMs > 0 && Number.isFinite(keepAliveMs)
      ? setInterval(() => {
          if (socket.readyState !== socket.OPEN) return;
          pongWait = setTimeout(() => socket.terminate(), keepAliveMs);
          socket.once('pong', () => {
            clearTimeout(pongWait);
            pongWait = undefined;
          });
          socket.ping();
        }, keepAliveMs)
      : undefined;
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on('message', async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              logger.error({ err: error }, 'graphql-ws message handling failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      { socket, request },
    );
    socket.once('close', (code, reason) => {
      clearTimeout(pongWait);
      clearInterval(ping);
      void closed(code, String(reason));
    });
  });

  return {
    async dispose() {
      for (const client of wss.clients) client.close(1001, 'Going away');
      wss.removeAllListeners();
      await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
