/**
 * Shared helpers for the fake API server's tests: one server factory that closes itself when
 * the test ends, object builders, and a watch-stream reader over real HTTP.
 */

import { onTestFinished } from 'vitest';
import { startApiServer, type ApiServerHandle, type ApiServerOptions } from '../../src/sim/apiserver/server.js';
import type { KubeObject } from '../../src/sim/types.js';

/** Starts a server on 127.0.0.1:0 that is closed when the current test finishes. */
export async function startTestServer(options: ApiServerOptions = {}): Promise<ApiServerHandle> {
  const server = await startApiServer(options);
  onTestFinished(() => server.close());
  return server;
}

/** A minimal Pod. */
export function pod(name: string, namespace = 'default', labels: Record<string, string> = {}, nodeName = 'node-1'): KubeObject {
  return { metadata: { name, namespace, labels }, spec: { nodeName, containers: [{ name: 'main', image: 'busybox' }] }, status: { phase: 'Running' } };
}

/** GETs `path` and parses the JSON body. */
export async function getJson(server: ApiServerHandle, path: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(server.url + path, init);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** A watch event as read off the wire. */
export interface WireEvent {
  type: string;
  object: any;
}

/** A watch stream being read line by line. */
export interface WatchReader {
  status: number;
  headers: Headers;
  /** The next event; rejects if the stream ends (or breaks) first. */
  next(): Promise<WireEvent>;
  /** Reads `count` events. */
  take(count: number): Promise<WireEvent[]>;
  /** Settles when the stream ends: 'ended' for a clean end, 'broken' when the connection was cut. */
  readonly finished: Promise<'ended' | 'broken'>;
  /** Events received so far and not yet taken. */
  readonly pending: WireEvent[];
  cancel(): void;
}

/** Opens a watch (`path` must include `watch=true` or equivalent). */
export async function openWatch(server: ApiServerHandle, path: string, init: RequestInit = {}): Promise<WatchReader> {
  const controller = new AbortController();
  const response = await fetch(server.url + path, { ...init, signal: controller.signal });
  const queue: WireEvent[] = [];
  const waiters: Array<{ resolve: (e: WireEvent) => void; reject: (e: Error) => void }> = [];
  let outcome: 'ended' | 'broken' | undefined;
  const finished = (async (): Promise<'ended' | 'broken'> => {
    const decoder = new TextDecoder();
    let partial = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        partial += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = partial.indexOf('\n')) >= 0) {
          const event = JSON.parse(partial.slice(0, newline)) as WireEvent;
          partial = partial.slice(newline + 1);
          const waiter = waiters.shift();
          if (waiter) waiter.resolve(event);
          else queue.push(event);
        }
      }
      outcome = 'ended';
    } catch {
      outcome = 'broken';
    }
    for (const waiter of waiters.splice(0)) waiter.reject(new Error(`watch stream ${outcome} before the next event`));
    return outcome;
  })();
  const next = (): Promise<WireEvent> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (outcome) return Promise.reject(new Error(`watch stream ${outcome} before the next event`));
    return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
  };
  onTestFinished(() => controller.abort());
  return {
    status: response.status,
    headers: response.headers,
    next,
    async take(count) {
      const events: WireEvent[] = [];
      for (let i = 0; i < count; i++) events.push(await next());
      return events;
    },
    finished,
    pending: queue,
    cancel: () => controller.abort(),
  };
}
