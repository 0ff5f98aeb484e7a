/**
 * One resource's informer: client-node's `ListWatch` (cache, relist on 410, resume after a
 * server-side watch end) wrapped with what 1.4.0 lacks — restart with backoff after any other
 * error, a watchdog for silent watches and hung lists, a periodic relist, and a stop that
 * leaks no error event, timer or socket.
 *
 * @module
 */
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import type { Backoff, Delay } from './backoff.js';
import { InformerError } from './errors.js';
import { listResource } from './list.js';
import { resourceDefinitions, statusMessage, type KubeApis, type KubeResource, type KubeResourceTypes } from './resources.js';
import type { Slimmer } from './slim.js';
import { GuardedWatch } from './watch.js';

/** Where an informer is in its life. */
export type InformerPhase =
  | 'starting' // never synced yet
  | 'synced' // cache filled from a list and the watch is (re)connected
  | 'restarting' // an error or the watchdog ended the watch; the cache keeps serving the last state
  | 'stopped';

/** One informer's health, for status APIs and readiness. */
export interface InformerStatus {
  phase: InformerPhase;
  /** Text of the error behind the last restart. */
  lastError?: string;
  /** Restarts after errors and watchdog interventions (410 relists and server-side watch ends are routine, not counted). */
  restarts: number;
  /** Time of the last successful list or watch event (clock ms); 0 = never. */
  lastEventMs: number;
}

/** A cache change, as ListWatch reports it (a relist reports differences the same way). */
export type CacheChange = 'add' | 'update' | 'delete';

/** Options for {@link createResourceInformer}; {@link createKubeInformers} fills them. */
export interface ResourceInformerOptions<R extends KubeResource> {
  resource: R;
  kubeConfig: k8s.KubeConfig;
  apis: KubeApis;
  /** Turns each listed item and watched object into what the cache keeps. */
  slim: Slimmer<KubeResourceTypes[R]>;
  /** Items per list request; 0 = unpaged. */
  listPageSize: number;
  /** Relist period; 0 disables. */
  resyncMs: number;
  /** A list or watch silent for longer than this is restarted. */
  watchdogMs: number;
  backoff: Backoff;
  delay: Delay;
  clock: () => number;
  logger: Logger;
  /** Called for every cache change; exceptions are logged, never propagated into ListWatch. */
  onChange?: (change: CacheChange, object: KubeResourceTypes[R]) => void;
}

/** A running cache of one resource. */
export interface ResourceInformer<T> {
  /** Lists and watches; resolves once the cache has been filled from a list. */
  start(): Promise<void>;
  /** Ends all requests and loops; rejects a still-pending `start()` with `stopped_before_sync`. */
  stop(): Promise<void>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): readonly T[];
  status(): InformerStatus;
}

/** A short, single-line description of a list/watch failure, with the HTTP status when there is one. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 300);
  const { statusCode, code, body } = error as { statusCode?: unknown; code?: unknown; body?: unknown };
  const status = typeof statusCode === 'number' ? statusCode : typeof code === 'number' ? code : undefined;
  // ApiException's message is a multi-line dump; the Status body's message is the useful part.
  const text = statusMessage(body) ?? error.message.split('\n')[0] ?? '';
  return `${status === undefined ? '' : `HTTP ${status}: `}${text}`.slice(0, 300);
}

/** Creates the informer of one resource; see the module comment. */
export function createResourceInformer<R extends KubeResource>({
  resource,
  kubeConfig,
  apis,
  slim,
  listPageSize,
  resyncMs,
  watchdogMs,
  backoff,
  delay,
  clock,
  logger,
  onChange,
}: ResourceInformerOptions<R>): ResourceInformer<KubeResourceTypes[R]> {
  type T = KubeResourceTypes[R];
  const definition = resourceDefinitions[resource];
  const lifetime = new AbortController();
  const tasks = new Set<Promise<unknown>>();
  let phase: InformerPhase = 'starting';
  let lastError: string | undefined;
  let restarts = 0;
  let lastEventMs = 0;
  let lastActivityMs = clock();
  let listAbort: AbortController | undefined;
  let listedSinceWatch = false;
  let restartPending = false;
  let started: Promise<void> | undefined;
  let resolveSynced: () => void = () => {};
  let rejectSynced: (error: Error) => void = () => {};
  let synced = false;

  const stopping = (): boolean => lifetime.signal.aborted;
  const track = (task: Promise<unknown>): void => {
    tasks.add(task);
    void task.finally(() => tasks.delete(task));
  };
  const activity = (): void => {
    lastActivityMs = clock();
  };
  const markSynced = (): void => {
    if (stopping()) return;
    // The warnings of a failure repeat with each restart; the way back is said once.
    if (phase === 'restarting') logger.info({ resource, restarts, lastError }, 'informer recovered');
    phase = 'synced';
    backoff.reset();
    if (!synced) {
      synced = true;
      resolveSynced();
    }
  };

  const watch = new GuardedWatch(kubeConfig, {
    decode: slim,
    // Server-side end before the watchdog fires, so a quiet but healthy watch is never "silent".
    watchTimeoutSeconds: () => {
      const seconds = Math.floor((watchdogMs * (0.5 + 0.4 * Math.random())) / 1000);
      return seconds >= 1 ? seconds : undefined;
    },
    hooks: {
      onRequest: () => {
        activity();
        if (listedSinceWatch) {
          listedSinceWatch = false;
          markSynced();
        }
      },
      onConnected: () => {
        activity();
        markSynced();
      },
      onEvent: (type) => {
        activity();
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') {
          lastEventMs = clock();
          markSynced();
        }
      },
    },
  });

  const listFn = async (): Promise<k8s.KubernetesListObject<T>> => {
    if (stopping()) throw new InformerError('already_stopped', `${resource} informer is stopped`);
    const controller = new AbortController();
    listAbort = controller;
    activity();
    const request = listResource({ definition, apis, signal: controller.signal, slim, pageSize: listPageSize, onPage: activity });
    track(request.catch(() => undefined));
    try {
      const list = await request;
      activity();
      lastEventMs = clock();
      listedSinceWatch = true;
      return list;
    } catch (error) {
      // Report why we aborted (watchdog, stop) rather than fetch's generic abort message.
      throw controller.signal.aborted ? controller.signal.reason : error;
    } finally {
      if (listAbort === controller) listAbort = undefined;
    }
  };

  const listWatch = new k8s.ListWatch<T>(definition.path, watch, listFn, false);

  const notify = (change: CacheChange) => (object: T) => {
    if (onChange === undefined) return;
    try {
      onChange(change, object);
    } catch (error) {
      logger.error({ resource, change, err: describeError(error) }, 'cache change listener failed');
    }
  };
  listWatch.on(k8s.ADD, notify('add'));
  listWatch.on(k8s.UPDATE, notify('update'));
  listWatch.on(k8s.DELETE, notify('delete'));
  listWatch.on(k8s.ERROR, (error: unknown) => restartAfter(error));

  function run(): void {
    track(listWatch.start().catch((error: unknown) => restartAfter(error)));
  }

  // ListWatch 1.4.0 gives up after any error but 410; we come back after a backoff delay.
  // The cache is left as it is, so listers keep serving the last known objects meanwhile.
  function restartAfter(error: unknown): void {
    if (stopping() || restartPending) return;
    restartPending = true;
    phase = 'restarting';
    lastError = describeError(error);
    restarts += 1;
    const waitMs = backoff.next();
    logger.warn({ resource, err: lastError, restarts, retryInMs: waitMs }, 'informer failed; restarting');
    track(
      delay(waitMs, lifetime.signal).then(() => {
        restartPending = false;
        if (!stopping()) run();
      }),
    );
  }

  async function watchdogLoop(): Promise<void> {
    while (!stopping()) {
      const dueInMs = lastActivityMs + watchdogMs - clock();
      if (dueInMs > 0) {
        await delay(dueInMs, lifetime.signal);
        continue;
      }
      activity();
      if (listAbort !== undefined) {
        // The aborted list makes ListWatch report an error, which restarts with backoff.
        listAbort.abort(new Error(`list silent for more than ${watchdogMs} ms`));
      } else if (watch.interrupt('watchdog')) {
        restarts += 1;
        lastError = `watch silent for more than ${watchdogMs} ms`;
        phase = 'restarting';
        logger.warn({ resource, restarts }, 'watch silent; restarting it');
      }
    }
  }

  async function resyncLoop(): Promise<void> {
    while (!stopping()) {
      await delay(resyncMs, lifetime.signal);
      if (!stopping()) watch.interrupt('relist');
    }
  }

  return {
    start() {
      if (stopping()) return Promise.reject(new InformerError('already_stopped', `${resource} informer was stopped; create a new one`));
      if (started !== undefined) return started;
      started = new Promise<void>((resolve, reject) => {
        resolveSynced = resolve;
        rejectSynced = reject;
      });
      activity();
      run();
      track(watchdogLoop());
      if (resyncMs > 0) track(resyncLoop());
      return started;
    },

    async stop() {
      if (stopping()) return;
      // Order matters: the watch must be closed before ListWatch.stop() aborts it, so the abort
      // is swallowed instead of surfacing as an ERROR event.
      lifetime.abort();
      phase = 'stopped';
      listAbort?.abort(new Error('informer stopped'));
      const closing = watch.close();
      await listWatch.stop();
      await closing;
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
      if (!synced) rejectSynced(new InformerError('stopped_before_sync', `${resource} informer stopped before its cache synced`));
    },

    get: (name, namespace) => listWatch.get(name, namespace),
    list: (namespace) => listWatch.list(namespace),
    status: () => ({ phase, restarts, lastEventMs, ...(lastError === undefined ? {} : { lastError }) }),
  };
}
