/**
 * Watch streams: chunked JSON, one event per line, as the real API server streams them.
 * A watch from resourceVersion N replays the retained changes after N, then goes live; one
 * without a resourceVersion (or "0") first sends the current state as synthetic ADDED events.
 * A resourceVersion older than the history gets HTTP 200 and one ERROR event (410 Expired),
 * then the stream ends: the behaviour informers rely on to relist.
 *
 * @module
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, SimObjectStore } from '../types.js';
import { StatusError } from './errors.js';
import type { ChangeRecord } from './history.js';
import type { ListQuery } from './query.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { statusBody } from './status.js';
import type { StoreInternals } from './store.js';

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** The open watches of one server. */
export interface WatchHub {
  /** Starts streaming on `res` (headers are sent before this returns). */
  open(req: IncomingMessage, res: ServerResponse, resource: ResourceInfo, namespace: string | undefined, query: ListQuery): void;
  /** Open watch streams right now. */
  readonly size: number;
  /** Destroys every open watch's socket mid-stream. */
  dropAll(): void;
  /** Ends every open watch cleanly (buffered events of stalled ones are flushed first). */
  endAll(): void;
  /** Stalls the watches open now (they stay connected and buffer events), or releases them. */
  stall(stalled: boolean): void;
  /** Ends every watch and stops listening to the store. */
  close(): void;
}

/** Options of {@link createWatchHub}. */
export interface WatchHubOptions {
  store: SimObjectStore;
  internals: StoreInternals;
  /** Interval between BOOKMARK events for watches that allow them. */
  bookmarkIntervalMs: number;
  /** Duration of a watch that gives no timeoutSeconds (upstream: 30–60 minutes, random). */
  defaultTimeoutSeconds: () => number;
}

interface Watcher {
  readonly resource: ResourceInfo;
  deliver(change: ChangeRecord): void;
  finish(): void;
  destroy(): void;
  setStalled(stalled: boolean): void;
}

/** Creates the hub and subscribes it to the store's changes. */
export function createWatchHub(options: WatchHubOptions): WatchHub {
  const { store, internals, bookmarkIntervalMs, defaultTimeoutSeconds } = options;
  const watchers = new Set<Watcher>();
  const unsubscribe = internals.subscribe((change) => {
    for (const watcher of [...watchers]) if (watcher.resource.resource === change.resource) watcher.deliver(change);
  });

  function open(req: IncomingMessage, res: ServerResponse, resource: ResourceInfo, namespace: string | undefined, query: ListQuery): void {
    const passes = (object: KubeObject | undefined): object is KubeObject =>
      object !== undefined &&
      (namespace === undefined || object.metadata.namespace === namespace) &&
      query.labelSelector.matches(object.metadata.labels) &&
      query.fieldSelector.matches(object);
    let stalled = false;
    let endPending = false;
    const buffered: string[] = [];
    const timers: NodeJS.Timeout[] = [];

    const send = (type: EventType, object: unknown): void => {
      const line = `${JSON.stringify({ type, object })}\n`;
      if (stalled) buffered.push(line);
      else res.write(line);
    };
    const bookmark = (annotations?: Record<string, string>): void =>
      send('BOOKMARK', {
        kind: resource.kind,
        apiVersion: apiVersionOf(resource),
        metadata: { resourceVersion: String(store.resourceVersion), ...(annotations ? { annotations } : {}) },
      });
    const cleanup = (): void => {
      watchers.delete(watcher);
      for (const timer of timers) clearTimeout(timer);
    };

    const start = query.resourceVersion;
    const initialState = query.sendInitialEvents ?? (start === undefined || start === 0);
    // A watch from a resourceVersion the store has not reached yet sees only changes after it.
    const floor = initialState ? 0 : (start ?? 0);
    const watcher: Watcher = {
      resource,
      deliver(change) {
        if (change.resourceVersion <= floor) return;
        const now = passes(change.object);
        const before = passes(change.previous);
        if (change.type === 'DELETED') {
          if (before) send('DELETED', change.object);
        } else if (now) {
          send(before ? 'MODIFIED' : 'ADDED', change.object);
        } else if (before) {
          // Left the selection: watchers see a delete of the old state at this revision, as upstream.
          send('DELETED', { ...change.previous, metadata: { ...change.previous!.metadata, resourceVersion: String(change.resourceVersion) } });
        }
      },
      finish() {
        if (stalled) {
          endPending = true;
          return;
        }
        cleanup();
        res.end();
      },
      destroy() {
        cleanup();
        res.socket?.destroy();
        res.destroy();
      },
      setStalled(value) {
        stalled = value;
        if (value) return;
        for (const line of buffered.splice(0)) res.write(line);
        if (endPending) watcher.finish();
      },
    };

    res.on('close', cleanup);
    req.socket.setNoDelay(true);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();

    if (initialState) {
      const objects = internals.objects(resource.resource);
      for (const key of [...objects.keys()].sort()) {
        const object = objects.get(key);
        if (passes(object)) send('ADDED', object);
      }
      if (query.sendInitialEvents === true) bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else if (start !== undefined && start !== 0) {
      const missed = internals.history.since(start);
      if (missed === undefined) {
        const compacted = internals.history.compactedResourceVersion;
        send('ERROR', statusBody(new StatusError(410, 'Expired', `too old resource version: ${start} (${compacted})`)));
        res.end();
        return;
      }
      for (const change of missed) if (change.resource === resource.resource) watcher.deliver(change);
    }
    watchers.add(watcher);
    timers.push(setTimeout(() => watcher.finish(), (query.timeoutSeconds ?? defaultTimeoutSeconds()) * 1000));
    if (query.allowWatchBookmarks) timers.push(setInterval(() => bookmark(), bookmarkIntervalMs));
  }

  return {
    open,
    get size() {
      return watchers.size;
    },
    dropAll() {
      for (const watcher of [...watchers]) watcher.destroy();
    },
    endAll() {
      for (const watcher of [...watchers]) {
        watcher.setStalled(false);
        watcher.finish();
      }
    },
    stall(stalled) {
      for (const watcher of watchers) watcher.setStalled(stalled);
    },
    close() {
      unsubscribe();
      this.endAll();
    },
  };
}
