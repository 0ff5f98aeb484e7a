/**
 * Exponential backoff with jitter for informer restarts, and the abortable delay the
 * informers wait with.
 *
 * @module
 */
import { InformerError } from './errors.js';

/** Options for {@link createBackoff}. */
export interface BackoffOptions {
  /** First delay. @default 1000 */
  initialMs?: number;
  /** Ceiling the doubling stops at. @default 30000 */
  maxMs?: number;
  /** Fraction of each delay that is randomised downwards, so restarting clients spread out. @default 0.2 */
  jitter?: number;
  /** Source of randomness in [0, 1). @default Math.random */
  random?: () => number;
}

/** Delays that double after each failure and start over after a success. */
export interface Backoff {
  /** The delay before the next attempt; doubles the following one (up to `maxMs`). */
  next(): number;
  /** Forget past failures: the next delay is `initialMs` again. */
  reset(): void;
}

/** Creates a {@link Backoff}: `initialMs, 2·initialMs, …, maxMs`, each reduced by up to `jitter`. */
export function createBackoff({ initialMs = 1000, maxMs = 30_000, jitter = 0.2, random = Math.random }: BackoffOptions = {}): Backoff {
  if (!(initialMs > 0) || !(maxMs >= initialMs)) {
    throw new InformerError('invalid_option', `backoff needs 0 < initialMs <= maxMs, received initialMs=${initialMs} maxMs=${maxMs}`);
  }
  if (!(jitter >= 0 && jitter < 1)) {
    throw new InformerError('invalid_option', `backoff jitter must be in [0, 1), received ${jitter}`);
  }
  let failures = 0;
  return {
    next() {
      const baseMs = Math.min(maxMs, initialMs * 2 ** Math.min(failures, 52));
      failures += 1;
      return Math.round(baseMs * (1 - jitter * random()));
    },
    reset() {
      failures = 0;
    },
  };
}

/** Waits `ms`, or less when `signal` aborts; never rejects. */
export type Delay = (ms: number, signal: AbortSignal) => Promise<void>;

/** A {@link Delay} on real timers; the timer is cleared on abort so nothing outlives a stop. */
export const realDelay: Delay = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal.addEventListener('abort', onAbort, { once: true });
  });
