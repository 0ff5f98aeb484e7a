/**
 * The bounded buffer between the InfluxDB sink and InfluxDB. It holds encoded chunks (the sink
 * adds each chunk of at most `batchLines` lines, gzipped: ~13 bytes per point, see
 * chunkCodec.ts) and sends them oldest first, at most `concurrency` requests at a time; `add`
 * never waits. A chunk whose request fails goes back to the front and is retried after an
 * exponential backoff, so nothing is lost while the buffer holds.
 *
 * When more than `capacityPoints` points wait, the OLDEST are dropped and reported: whole chunks,
 * and from the oldest remaining chunk its first lines — counted at once, cut out of the bytes
 * only when that chunk is sent (`send` gets `skipLines`), so an overflow costs no decompression
 * on the spot. When the waiting chunks' bytes pass `capacityBytes`, the oldest whole chunks go.
 * Points in flight do not count (they cannot be dropped, and at most `concurrency` chunks are in
 * flight); a chunk whose request fails waits again, oldest of all, so the points kept are always
 * the newest. A chunk InfluxDB refuses for good (a 400 — bad line protocol, a field type
 * conflict) is dropped and reported instead of blocking the queue forever.
 *
 * Heapster had no buffer: a failed write lost its points (quirk 11).
 *
 * @module
 */

/** Timer functions; tests pass a fake to drive backoff without sleeping. */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's timers; a pending retry does not keep the process alive. */
export const systemTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Why points left the buffer without being written. */
export type DropReason = 'overflow' | 'rejected' | 'shutdown';

/** What the buffer reports (the sink turns these into metrics and log lines). */
export interface RetryBufferEvents {
  written(points: number): void;
  dropped(points: number, reason: DropReason): void;
  /** A request failed; `retryInMs` is undefined when the chunk was dropped instead. */
  failed(error: unknown, points: number, retryInMs: number | undefined): void;
  /** Points waiting or in flight, after every change. */
  buffered(points: number): void;
}

/** Options of {@link createRetryBuffer}. */
export interface RetryBufferOptions {
  /**
   * Sends one chunk: `body` as added, of `lines` lines, less its first `skipLines` (dropped by
   * an overflow). Rejects on failure; resolves with the number of lines the server refused
   * while keeping the rest (a partial write), if any.
   */
  send(body: Uint8Array, lines: number, skipLines: number, signal: AbortSignal): Promise<number | void>;
  /** Whether a failed chunk should be retried (else it is dropped as `rejected`). */
  isRetryable(error: unknown): boolean;
  /** Points waiting at most (points in flight come on top); {@link RetryBuffer.capacityPoints} changes it later. */
  capacityPoints: number;
  /** Bytes of waiting chunks at most. @default Infinity */
  capacityBytes?: number;
  /** Requests in flight at most. */
  concurrency: number;
  /** Delay before the first retry; doubles with every consecutive failure. @default 1_000 */
  retryInitialMs?: number;
  /** Longest delay between retries. @default 30_000 */
  retryMaxMs?: number;
  /** Each delay is shortened by up to this fraction, at random, so many Heapgraphs do not retry in step. @default 0.2 */
  retryJitter?: number;
  /** @default Math.random */
  random?: () => number;
  /** @default systemTimers */
  timers?: Timers;
  events?: Partial<RetryBufferEvents>;
}

/** The buffer. */
export interface RetryBuffer {
  /** Appends one chunk of `lines` points; never waits. Ignored (and reported dropped) after close. */
  add(body: Uint8Array, lines: number): void;
  /** Points waiting at most; lowering it drops the oldest at once. */
  capacityPoints: number;
  /** Points waiting or in flight. */
  readonly bufferedPoints: number;
  /** Bytes of the chunks waiting or in flight. */
  readonly bufferedBytes: number;
  /** Resolves true once everything buffered is written (or dropped), false if `signal` aborts first. */
  drain(signal: AbortSignal): Promise<boolean>;
  /**
   * Cancels retries and aborts the requests in flight; what is left is reported dropped as
   * `shutdown`. Resolves once the aborted requests have settled.
   */
  close(): Promise<void>;
}

interface Chunk {
  body: Uint8Array;
  /** Lines in `body`. */
  lines: number;
  /** Leading lines of `body` dropped by an overflow (not sent). */
  skip: number;
  /** Age order: a chunk that failed goes back before every younger one. */
  seq: number;
}

const held = (chunk: Chunk) => chunk.lines - chunk.skip;

/** Creates a buffer. */
export function createRetryBuffer(options: RetryBufferOptions): RetryBuffer {
  const { send, isRetryable, concurrency, capacityBytes = Infinity, retryInitialMs = 1_000, retryMaxMs = 30_000, retryJitter = 0.2, random = Math.random, timers = systemTimers } = options;
  const events = options.events ?? {};
  let capacityPoints = options.capacityPoints;
  const queue: Chunk[] = [];
  const controller = new AbortController();
  const idleWaiters = new Set<() => void>();
  let queuedPoints = 0;
  let queuedBytes = 0;
  let inFlightPoints = 0;
  let inFlightBytes = 0;
  let inFlight = 0;
  let nextSeq = 0;
  let failures = 0;
  let retryTimer: unknown;
  let closed = false;

  const reportBuffered = () => events.buffered?.(queuedPoints + inFlightPoints);

  function enforceCapacity(): void {
    let dropped = 0;
    while (queue.length > 0 && (queuedPoints > capacityPoints || queuedBytes > capacityBytes)) {
      const oldest = queue[0]!;
      const n = queuedBytes > capacityBytes ? held(oldest) : Math.min(held(oldest), queuedPoints - capacityPoints);
      if (n === held(oldest)) {
        queue.shift();
        queuedBytes -= oldest.body.byteLength;
      } else oldest.skip += n;
      queuedPoints -= n;
      dropped += n;
    }
    if (dropped > 0) events.dropped?.(dropped, 'overflow');
  }

  function requeue(chunk: Chunk): void {
    let at = 0;
    while (at < queue.length && queue[at]!.seq < chunk.seq) at++;
    queue.splice(at, 0, chunk);
    queuedPoints += held(chunk);
    queuedBytes += chunk.body.byteLength;
  }

  function retryDelay(): number {
    const full = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(failures - 1, 30));
    return Math.round(full * (1 - retryJitter * random()));
  }

  function settle(): void {
    if (queue.length === 0 && inFlight === 0) for (const waiter of [...idleWaiters]) waiter();
  }

  async function attempt(chunk: Chunk): Promise<void> {
    const points = held(chunk);
    let error: unknown;
    let ok = false;
    let refused = 0;
    try {
      refused = Math.min(points, (await send(chunk.body, chunk.lines, chunk.skip, controller.signal)) ?? 0);
      ok = true;
    } catch (caught) {
      error = caught;
    }
    inFlight--;
    inFlightPoints -= points;
    inFlightBytes -= chunk.body.byteLength;
    if (ok) {
      failures = 0;
      if (points > refused) events.written?.(points - refused);
      if (refused > 0) events.dropped?.(refused, 'rejected');
    } else if (closed) {
      events.dropped?.(points, 'shutdown');
    } else if (!isRetryable(error)) {
      events.failed?.(error, points, undefined);
      events.dropped?.(points, 'rejected');
    } else {
      failures++;
      requeue(chunk);
      enforceCapacity();
      const delay = retryDelay();
      events.failed?.(error, points, delay);
      if (retryTimer === undefined) {
        retryTimer = timers.setTimeout(() => {
          retryTimer = undefined;
          pump();
        }, delay);
      }
    }
    reportBuffered();
    settle();
    pump();
  }

  function pump(): void {
    while (!closed && retryTimer === undefined && inFlight < concurrency && queue.length > 0) {
      const chunk = queue.shift()!;
      queuedPoints -= held(chunk);
      queuedBytes -= chunk.body.byteLength;
      inFlightPoints += held(chunk);
      inFlightBytes += chunk.body.byteLength;
      inFlight++;
      void attempt(chunk);
    }
  }

  return {
    add(body, lines) {
      if (lines <= 0) return;
      if (closed) {
        events.dropped?.(lines, 'shutdown');
        return;
      }
      queue.push({ body, lines, skip: 0, seq: nextSeq++ });
      queuedPoints += lines;
      queuedBytes += body.byteLength;
      enforceCapacity();
      reportBuffered();
      pump();
    },

    get capacityPoints() {
      return capacityPoints;
    },
    set capacityPoints(points) {
      capacityPoints = points;
      enforceCapacity();
      reportBuffered();
    },

    get bufferedBytes() {
      return queuedBytes + inFlightBytes;
    },

    get bufferedPoints() {
      return queuedPoints + inFlightPoints;
    },

    drain(signal) {
      if (queue.length === 0 && inFlight === 0) return Promise.resolve(true);
      if (signal.aborted) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const finish = (done: boolean) => {
          idleWaiters.delete(onIdle);
          signal.removeEventListener('abort', onAbort);
          resolve(done);
        };
        const onIdle = () => finish(true);
        const onAbort = () => finish(false);
        idleWaiters.add(onIdle);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },

    close() {
      const settled = new Promise<void>((resolve) => {
        if (inFlight === 0) return resolve();
        const onIdle = () => {
          idleWaiters.delete(onIdle);
          resolve();
        };
        idleWaiters.add(onIdle);
      });
      if (closed) return settled;
      closed = true;
      if (retryTimer !== undefined) timers.clearTimeout(retryTimer);
      retryTimer = undefined;
      controller.abort(new Error('InfluxDB sink stopped'));
      if (queuedPoints > 0) events.dropped?.(queuedPoints, 'shutdown');
      queue.length = 0;
      queuedPoints = 0;
      queuedBytes = 0;
      reportBuffered();
      settle();
      return settled;
    },
  };
}
