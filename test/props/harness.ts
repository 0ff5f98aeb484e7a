/**
 * What every property test here shares: the run settings (one fixed seed, so a failure replays),
 * a watch on the process for unhandled rejections and uncaught exceptions, a logger that keeps
 * what the server logs at warn and above, and a raw HTTP client that sends the request exactly as
 * generated (no path normalisation, any method and header).
 */
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { gunzipSync, inflateSync } from 'node:zlib';
import { pino } from 'pino';
import type { Logger } from '../../src/core/log.js';

/** The seed of every property in this folder; fast-check prints it with any counterexample. */
export const propertySeed = 20_260_508;

/** Everything the process reported that nobody handled. */
export interface ProcessWatch {
  readonly problems: string[];
  /** Removes the listeners. */
  stop(): void;
}

/** Listens for `unhandledRejection` and `uncaughtException` until stopped. */
export function watchProcess(): ProcessWatch {
  const problems: string[] = [];
  const onRejection = (reason: unknown) => problems.push(`unhandledRejection: ${describe(reason)}`);
  const onException = (error: unknown) => problems.push(`uncaughtException: ${describe(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    problems,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

function describe(value: unknown): string {
  return value instanceof Error ? `${value.name}: ${value.message}\n${value.stack ?? ''}` : String(value);
}

/** A pino logger that keeps every entry at warn level and above. */
export interface RecordingLogger {
  readonly logger: Logger;
  /** The kept entries, parsed. */
  readonly entries: Array<{ level: number; msg?: string; err?: { message?: string; stack?: string } }>;
}

/** Creates a {@link RecordingLogger}. */
export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') entries.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, sink), entries };
}

/** One HTTP exchange. */
export interface Exchange {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body, decompressed when the server compressed it. */
  text: string;
}

/** What {@link send} sends. */
export interface OutgoingRequest {
  method: string;
  /** The request target as it goes on the wire (must be printable ASCII). */
  target: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Sends one request over a fresh connection to `baseUrl` (`http://host:port`). */
export function send(baseUrl: string, { method, target, headers = {}, body }: OutgoingRequest): Promise<Exchange> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: target, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'];
        try {
          // A HEAD answer carries the encoding header but no body.
          const decoded = raw.length === 0 ? raw : encoding === 'gzip' ? gunzipSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: decoded.toString('utf8') });
        } catch (error) {
          reject(error);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    // A request the server never answers is a failure of its own, not a hung test.
    req.setTimeout(5_000, () => req.destroy(new Error(`no answer within 5 s to ${method} ${target.slice(0, 200)}`)));
    req.end(body);
  });
}
