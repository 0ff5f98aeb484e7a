/**
 * Request/response over a child process's IPC channel: the orchestrator drives the Heapgraph
 * process (and the client processes) with named commands and awaits typed answers. Unsolicited
 * messages from the child (`{ event, data }`) go to `onEvent`.
 *
 * @module
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  id: number;
  command: string;
  args: unknown;
}

interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

interface EventMessage {
  event: string;
  data: unknown;
}

/** The orchestrator's end of one child. */
export interface RpcClient {
  /** Sends `command` and resolves to the child's answer; rejects with its error or when the child exits. */
  call<T>(command: string, args?: unknown, timeoutMs?: number): Promise<T>;
  /** Calls `listener` for every event the child sends; returns the function that stops it. */
  onEvent(listener: (event: string, data: unknown) => void): () => void;
}

/** Wraps `child` (forked with an IPC channel). */
export function createRpcClient(child: ChildProcess, name: string): RpcClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout | undefined }>();
  const listeners: Array<(event: string, data: unknown) => void> = [];
  child.on('message', (message: Response | EventMessage) => {
    if ('event' in message) {
      for (const listener of listeners) listener(message.event, message.data);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${name}: ${message.error ?? 'failed'}`));
  });
  let exited: string | undefined;
  // A send to a child that just died is reported here; the waiter is rejected by 'exit'.
  child.on('error', () => {});
  child.once('exit', (code, signal) => {
    exited = `${name} exited (code ${code}, signal ${signal})`;
    for (const [id, waiter] of pending) {
      pending.delete(id);
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${exited} before answering`));
    }
  });
  return {
    call<T>(command: string, args?: unknown, timeoutMs = 600_000): Promise<T> {
      const id = nextId++;
      if (exited || !child.connected) return Promise.reject(new Error(`${name}: cannot send ${command}: ${exited ?? 'IPC channel closed'}`));
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${command} did not answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        const request: Request = { id, command, args };
        child.send(request);
      });
    },
    onEvent(listener) {
      listeners.push(listener);
      return () => {
        const index = listeners.indexOf(listener);
        if (index >= 0) listeners.splice(index, 1);
      };
    },
  };
}

/** A command handler of the child's end. */
export type RpcHandler = (args: any) => unknown;

/**
 * Serves `handlers` on this process's IPC channel. Exits the process when the parent goes away,
 * so no benchmark process outlives its orchestrator.
 */
export function serveRpc(handlers: Record<string, RpcHandler>): { emit(event: string, data: unknown): void } {
  if (!process.send) throw new Error('serveRpc needs an IPC channel (start this file with child_process.fork)');
  const send = process.send.bind(process);
  process.on('message', (message: Request) => {
    const handler = handlers[message.command];
    if (!handler) {
      send({ id: message.id, ok: false, error: `unknown command ${message.command}` } satisfies Response);
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (result) => send({ id: message.id, ok: true, result } satisfies Response),
        (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Response),
      );
  });
  process.on('disconnect', () => process.exit(0));
  return { emit: (event, data) => send({ event, data } satisfies EventMessage) };
}
