/**
 * A client-node `Watch` that an informer can steer. client-node 1.4.0's watch has no client
 * timeout, cannot be aborted while connecting, reports an abort caused by `stop()` as an error
 * and hands watch events over as raw JSON. This subclass fixes each of those (events are
 * decoded by the informer's slimmer, as list items are) without changing `ListWatch`, which
 * drives it.
 *
 * @module
 */
import type { Agent } from 'node:http';
import * as k8s from '@kubernetes/client-node';

/** Why the informer ended a watch on purpose. */
export type WatchInterruption =
  | 'watchdog' // silent for too long: resume from the last resourceVersion
  | 'relist' // periodic resync: make ListWatch relist (reported to it as 410 Gone)
  | 'close'; // stopping: end silently, tell ListWatch nothing

/** What the owning informer learns about each watch request. */
export interface WatchHooks {
  /** A watch request is about to be sent (the cache is consistent with the last list). */
  onRequest(): void;
  /** The API server accepted the watch (HTTP 200). */
  onConnected(): void;
  /** A line of the stream arrived: ADDED, MODIFIED, DELETED, BOOKMARK or ERROR. */
  onEvent(type: string): void;
}

/** Options for {@link GuardedWatch}. */
export interface GuardedWatchOptions {
  /** Decodes the object of an ADDED, MODIFIED or DELETED event into what the cache keeps. */
  decode: (raw: unknown) => unknown;
  hooks: WatchHooks;
  /** Server-side timeout for the next watch, in seconds; undefined = none. */
  watchTimeoutSeconds?: () => number | undefined;
}

type Done = (err: unknown) => void;
type WatchCallback = (phase: string, apiObj: any, watchObj?: any) => void;

interface Attempt {
  agent?: Agent;
  controller?: AbortController;
  ended: boolean;
  interruption?: WatchInterruption;
}

const decodedPhases = new Set(['ADDED', 'MODIFIED', 'DELETED']);

function abortedController(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}

/** The watch an informer's `ListWatch` uses; see the module comment. */
export class GuardedWatch extends k8s.Watch {
  private readonly live = new Set<Attempt>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private capturing: Attempt | undefined;
  private closed = false;
  private readonly decode: (raw: unknown) => unknown;
  private readonly hooks: WatchHooks;
  private readonly watchTimeoutSeconds: () => number | undefined;

  constructor(kubeConfig: k8s.KubeConfig, { decode, hooks, watchTimeoutSeconds = () => undefined }: GuardedWatchOptions) {
    super(kubeConfig);
    this.decode = decode;
    this.hooks = hooks;
    this.watchTimeoutSeconds = watchTimeoutSeconds;
    // Watch builds a fresh agent per request; keeping it lets us cut a connection that never answers.
    const tracking = {
      getCurrentCluster: () => kubeConfig.getCurrentCluster(),
      applyToFetchOptions: async (options: Parameters<k8s.KubeConfig['applyToFetchOptions']>[0]) => {
        const attempt = this.capturing;
        const init = await kubeConfig.applyToFetchOptions(options);
        if (attempt === undefined || !(init.agent instanceof Object) || !('destroy' in init.agent)) return init;
        const agent = init.agent as Agent;
        attempt.agent = agent;
        // node-fetch resolves a function agent when it sends: a watch interrupted before that
        // point fails there instead of opening a connection nobody will close.
        const agentAtSend = (): Agent => {
          if (attempt.interruption !== undefined) throw new Error(`watch ${attempt.interruption} before it was sent`);
          return agent;
        };
        return { ...init, agent: agentAtSend };
      },
    };
    this.config = tracking as unknown as k8s.KubeConfig;
  }

  /**
   * Watch's contract (`done` once per request), plus: bookmarks requested, the server-side
   * timeout set, events decoded into their cached form, and interruptions reported as described
   * on {@link WatchInterruption}. Never rejects.
   */
  override async watch(path: string, queryParams: Record<string, string | number | boolean | undefined>, callback: WatchCallback, done: Done): Promise<AbortController> {
    // After close() nothing new starts, and ListWatch (stopped) needs no answer.
    if (this.closed) return abortedController();
    const attempt: Attempt = { ended: false };
    this.live.add(attempt);

    const finish: Done = (err) => {
      if (attempt.ended) return;
      attempt.ended = true;
      this.live.delete(attempt);
      switch (attempt.interruption) {
        case 'close':
          return;
        case 'watchdog':
          done(null);
          return;
        case 'relist':
          done({ statusCode: 410 });
          return;
        case undefined:
          done(err);
          return;
      }
    };
    const forward: WatchCallback = (phase, apiObj, watchObj) => {
      if (attempt.ended || attempt.interruption !== undefined) return;
      this.hooks.onEvent(phase);
      // Decoded as list items are, so cached objects agree whichever way they arrived.
      const object = decodedPhases.has(phase) ? this.decode(apiObj) : apiObj;
      callback(phase, object, watchObj);
    };

    this.hooks.onRequest();
    const timeoutSeconds = this.watchTimeoutSeconds();
    const params = { ...queryParams, allowWatchBookmarks: true, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
    let request: Promise<AbortController>;
    this.capturing = attempt;
    try {
      request = super.watch(path, params, forward, finish);
    } finally {
      this.capturing = undefined;
    }
    this.inFlight.add(request);
    try {
      const controller = await request;
      attempt.controller = controller;
      if (attempt.interruption !== undefined) controller.abort();
      else if (!attempt.ended) {
        // What Watch does for an agent object (it skips function agents): detect dead peers.
        for (const socket of Object.values(attempt.agent?.sockets ?? {}).flat()) socket?.setKeepAlive(true, 30_000);
        this.hooks.onConnected();
      }
      return controller;
    } catch (error) {
      // Raised before any request was made (no cluster, unreadable credentials): a failed watch.
      finish(error);
      return abortedController();
    } finally {
      this.inFlight.delete(request);
    }
  }

  /** Ends the open watch for `reason`; false when no watch is open. */
  interrupt(reason: Exclude<WatchInterruption, 'close'>): boolean {
    let interrupted = false;
    for (const attempt of this.live) {
      if (attempt.interruption !== undefined) continue;
      this.cut(attempt, reason);
      interrupted = true;
    }
    return interrupted;
  }

  /** Ends every watch silently and refuses new ones; resolves when all watch calls have returned. */
  async close(): Promise<void> {
    this.closed = true;
    for (const attempt of this.live) this.cut(attempt, 'close');
    await Promise.allSettled([...this.inFlight]);
  }

  private cut(attempt: Attempt, reason: WatchInterruption): void {
    attempt.interruption = reason;
    attempt.controller?.abort();
    // Destroying the agent also ends a request still waiting for response headers.
    attempt.agent?.destroy();
  }
}
