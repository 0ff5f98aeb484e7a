/**
 * Fault injection for the fake API server: the failures informers must survive (error
 * statuses, dropped and expired watches, an unreachable server, silent watches).
 *
 * @module
 */

import { ApiServerError, StatusError } from './errors.js';
import { reasonForCode } from './status.js';

/** Faults a test can inject into a running server. */
export interface ApiServerFaults {
  /** The next `count` resource requests (list, get or watch) answer `status` (default 500) with a Status body. */
  failNextRequests(count: number, status?: number): void;
  /** Ends every open watch stream abruptly (socket destroyed mid-stream). */
  dropWatches(): void;
  /** Compacts the store and ends open watches, so clients resuming from their resourceVersion get 410 Gone. */
  expireWatches(): void;
  /** While down, connections (open and new) are destroyed; the server stays bound to its port. */
  setDown(down: boolean): void;
  /**
   * Stalls the watches open now: they stay connected but receive nothing (events are held back
   * until released with `false`). Watches opened later are served normally, so a client's
   * watchdog that restarts a silent watch recovers.
   */
  stallWatches(stalled: boolean): void;
}

/** The pending request failures, consumed one per resource request. */
export interface FailureQueue {
  inject(count: number, status: number): void;
  /** The failure for this request, if one is pending. */
  take(): StatusError | undefined;
}

/** Creates an empty failure queue. */
export function createFailureQueue(): FailureQueue {
  let remaining = 0;
  let status = 500;
  return {
    inject(count, httpStatus) {
      if (!Number.isInteger(count) || count < 0) {
        throw new ApiServerError('invalid_option', `failNextRequests: count must be a non-negative integer, received ${JSON.stringify(count)}`, { option: 'count' });
      }
      if (!Number.isInteger(httpStatus) || httpStatus < 400 || httpStatus > 599) {
        throw new ApiServerError('invalid_option', `failNextRequests: status must be an HTTP error status (400-599), received ${JSON.stringify(httpStatus)}`, { option: 'status' });
      }
      remaining = count;
      status = httpStatus;
    },
    take() {
      if (remaining === 0) return undefined;
      remaining--;
      const retry = status === 429 || status === 503 ? { retryAfterSeconds: 1 } : undefined;
      return new StatusError(status, reasonForCode(status), `injected fault: HTTP ${status}`, retry);
    },
  };
}
