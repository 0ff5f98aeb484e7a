/**
 * Reads a response body into one buffer under a byte cap. Kubelet responses reach megabytes
 * and there may be thousands per cycle, so the body is copied once: into a buffer sized from
 * `Content-Length` when the kubelet sends one, else into a chunk list joined once at the end.
 *
 * @module
 */
import type { IncomingMessage } from 'node:http';

/** How reading a body ended. */
export type BodyOutcome =
  | { kind: 'complete'; body: Buffer }
  /**
   * The body is longer than the cap; `prefix()` joins what was read up to the cap. A function,
   * so a caller that only reports the overflow never copies up to `limitBytes` into one buffer.
   */
  | { kind: 'over_limit'; prefix: () => Buffer; declaredBytes: number | undefined }
  | { kind: 'failed'; error: Error };

/** Options of {@link readBody}. */
export interface ReadBodyOptions {
  /** Largest body accepted, bytes. */
  limitBytes: number;
  /**
   * Give up before reading when `Content-Length` already exceeds the cap. Off when the caller
   * wants the first bytes anyway (an error body quoted in a message).
   */
  rejectDeclaredOverLimit: boolean;
}

const EMPTY = Buffer.alloc(0);

/**
 * Consumes `res` and calls `done` exactly once. After an `over_limit` or `failed` outcome the
 * caller must destroy the request: the rest of the body is never read.
 */
export function readBody(res: IncomingMessage, options: ReadBodyOptions, done: (outcome: BodyOutcome) => void): void {
  const { limitBytes, rejectDeclaredOverLimit } = options;
  const declaredBytes = parseContentLength(res.headers['content-length']);
  if (rejectDeclaredOverLimit && declaredBytes !== undefined && declaredBytes > limitBytes) {
    done({ kind: 'over_limit', prefix: () => EMPTY, declaredBytes });
    return;
  }

  let settled = false;
  const settle = (outcome: BodyOutcome): void => {
    if (settled) return;
    settled = true;
    done(outcome);
  };
  const preallocated =
    declaredBytes !== undefined && declaredBytes <= limitBytes ? Buffer.allocUnsafe(declaredBytes) : undefined;
  const chunks: Buffer[] = [];
  let receivedBytes = 0;

  const collected = (): Buffer => {
    if (preallocated) {
      return receivedBytes === preallocated.length ? preallocated : preallocated.subarray(0, receivedBytes);
    }
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, receivedBytes);
  };

  res.on('data', (chunk: Buffer) => {
    if (settled) return;
    if (receivedBytes + chunk.length > limitBytes) {
      const room = limitBytes - receivedBytes;
      if (room > 0) append(chunk.subarray(0, room));
      settle({ kind: 'over_limit', prefix: collected, declaredBytes });
      return;
    }
    if (preallocated && receivedBytes + chunk.length > preallocated.length) {
      const error = new Error(`body longer than its Content-Length of ${preallocated.length} bytes`);
      settle({ kind: 'failed', error });
      return;
    }
    append(chunk);
  });
  res.on('end', () => {
    if (preallocated && receivedBytes !== preallocated.length) {
      settle({ kind: 'failed', error: new Error(`body ended after ${receivedBytes} of ${preallocated.length} bytes`) });
      return;
    }
    settle({ kind: 'complete', body: collected() });
  });
  res.on('error', (error) => settle({ kind: 'failed', error }));
  res.on('close', () => settle({ kind: 'failed', error: new Error('connection closed before the body ended') }));

  function append(chunk: Buffer): void {
    if (preallocated) chunk.copy(preallocated, receivedBytes);
    else chunks.push(chunk);
    receivedBytes += chunk.length;
  }
}

function parseContentLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  const value = Number(header);
  return Number.isSafeInteger(value) ? value : undefined;
}
