/**
 * HTTP to InfluxDB: line-protocol writes to the v1 `/write` or the v2 `/api/v2/write` endpoint,
 * and InfluxQL to `/query` (v1; also served by InfluxDB 1.8+, 2.x and 3.x for v2 targets). Every
 * failure becomes an {@link InfluxError}.
 *
 * Queries go through @influxdata/influxdb-client's Node transport. Writes are plain
 * `http.request`s on the same keep-alive agent: the sink hands over chunks already gzipped
 * (chunkCodec.ts), and the transport only takes string bodies, which it would copy and gzip again.
 *
 * @module
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { AbortError, HttpError, InfluxDB, RequestTimedOutError } from '@influxdata/influxdb-client';
import { InfluxError } from './errors.js';
import type { InfluxSinkSpec } from './options.js';

/** One statement's answer in `/query` JSON. */
export interface StatementResult {
  statement_id?: number;
  series?: QuerySeries[];
  error?: string;
}

/** One series of a statement's answer. */
export interface QuerySeries {
  name?: string;
  tags?: Record<string, string>;
  columns: string[];
  values?: unknown[][];
  /** Set when InfluxDB cut the answer short (`max-row-limit`). */
  partial?: boolean;
}

/** Options of {@link createInfluxHttp}. */
export interface InfluxHttpOptions {
  /** Socket timeout of one request. @default 10_000 */
  requestTimeoutMs?: number;
}

/** Requests against one InfluxDB target. */
export interface InfluxHttp {
  /** POSTs newline-separated line protocol, already gzipped, nanosecond precision. */
  write(gzipped: Uint8Array, signal?: AbortSignal): Promise<void>;
  /**
   * Runs InfluxQL (several statements joined by `;` are answered by position). `withDb` adds the
   * target database (for v2 the bucket, `db/rp` split into `db` and `rp`). Timestamps come back
   * as epoch milliseconds.
   */
  query(statements: string, signal?: AbortSignal, withDb?: boolean): Promise<StatementResult[]>;
  /** Closes idle keep-alive connections. */
  close(): void;
}

const userAgent = 'heapgraph';

function basicAuth(user: string, password: string): Record<string, string> {
  return user === '' && password === '' ? {} : { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** The error text InfluxDB put in a JSON body (`{"error": ...}` in v1, `{"message": ...}` in v2) or the body itself. */
function serverMessage(error: HttpError): string {
  const json = error.json as { error?: unknown; message?: unknown } | undefined;
  const text = typeof json?.error === 'string' ? json.error : typeof json?.message === 'string' ? json.message : undefined;
  if (text !== undefined) return text;
  if (error.body) {
    try {
      const parsed = JSON.parse(error.body) as { error?: unknown; message?: unknown };
      if (typeof parsed.error === 'string') return parsed.error;
      if (typeof parsed.message === 'string') return parsed.message;
    } catch {
      // not JSON: the text itself is the message
    }
    return error.body.trim();
  }
  return error.statusMessage ?? '';
}

/** Maps whatever the transport threw to an InfluxError. */
export function toInfluxError(error: unknown, what: string, signal?: AbortSignal): InfluxError {
  if (error instanceof InfluxError) return error;
  if (signal?.aborted || error instanceof AbortError) return new InfluxError('aborted', `${what}: aborted`, {}, { cause: error });
  if (error instanceof HttpError) {
    return new InfluxError('http_status', `${what}: InfluxDB answered ${error.statusCode}: ${serverMessage(error)}`, { status: error.statusCode }, { cause: error });
  }
  if (error instanceof RequestTimedOutError) return new InfluxError('connection', `${what}: request timed out`, {}, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new InfluxError('connection', `${what}: ${message}`, typeof code === 'string' ? { errno: code } : {}, { cause: error });
}

/** Creates the HTTP layer for `spec`. */
export function createInfluxHttp(spec: InfluxSinkSpec, { requestTimeoutMs = 10_000 }: InfluxHttpOptions = {}): InfluxHttp {
  const { target } = spec;
  const https = spec.baseUrl.startsWith('https:');
  // Own agent, so close() can end the keep-alive sockets (tests, shutdown) without touching others.
  const agent = https ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !spec.insecureSsl }) : new HttpAgent({ keepAlive: true });
  const client = new InfluxDB({
    url: spec.baseUrl,
    ...(target.api === 'v2' ? { token: target.token } : {}),
    timeout: requestTimeoutMs,
    headers: { 'User-Agent': userAgent },
    transportOptions: { agent, ...(https ? { rejectUnauthorized: !spec.insecureSsl } : {}) },
  });
  const auth = target.api === 'v1' ? basicAuth(target.user, target.password) : {};
  const writePath =
    target.api === 'v1'
      ? `/write?${new URLSearchParams({ db: target.db, rp: 'default', precision: 'ns' })}`
      : `/api/v2/write?${new URLSearchParams({ org: target.org, bucket: target.bucket, precision: 'ns' })}`;
  // `/query` names a database and retention policy; a v2 bucket written `db/rp` (InfluxDB 1.8's
  // convention, and the DBRP mapping of 2.x) is split into the two.
  const slash = target.api === 'v2' ? target.bucket.indexOf('/') : -1;
  const database: Record<string, string> =
    target.api === 'v1' ? { db: target.db } : slash === -1 ? { db: target.bucket } : { db: target.bucket.slice(0, slash), rp: target.bucket.slice(slash + 1) };

  /**
   * The transport only reports a socket timeout; it does not end the request. A timeout signal
   * aborts it for real, so a hung InfluxDB cannot hold sockets.
   */
  async function send(what: string, path: string, body: string, headers: Record<string, string>, gzip: boolean, signal?: AbortSignal): Promise<unknown> {
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await client.transport.request(path, body, {
        method: 'POST',
        headers: { ...auth, accept: 'application/json', ...headers },
        ...(gzip ? { gzipThreshold: 0 } : {}),
        signal: combined,
      });
    } catch (error) {
      if (timeout.aborted && !signal?.aborted) throw new InfluxError('connection', `${what}: no answer within ${requestTimeoutMs} ms`, {}, { cause: error });
      throw toInfluxError(error, what, signal);
    }
  }

  const writeUrl = new URL(writePath, spec.baseUrl);
  const writeHeaders = {
    ...auth,
    ...(target.api === 'v2' ? { authorization: `Token ${target.token}` } : {}),
    'user-agent': userAgent,
    accept: 'application/json',
    'content-type': 'text/plain; charset=utf-8',
    'content-encoding': 'gzip',
  };

  /** The error of a non-2xx answer, with InfluxDB's message, as {@link toInfluxError} words it. */
  async function statusError(response: IncomingMessage): Promise<InfluxError> {
    let text = '';
    for await (const piece of response) {
      if (text.length < 4_096) text += String(piece);
    }
    let message = text.trim() || (response.headers['x-influxdb-error'] as string | undefined) || response.statusMessage || '';
    try {
      const json = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof json.error === 'string') message = json.error;
      else if (typeof json.message === 'string') message = json.message;
    } catch {
      // not JSON: the text itself is the message
    }
    const status = response.statusCode ?? 0;
    return new InfluxError('http_status', `write: InfluxDB answered ${status}: ${message}`, { status });
  }

  function post(gzipped: Uint8Array, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const request = (https ? httpsRequest : httpRequest)(writeUrl, { method: 'POST', agent, headers: { ...writeHeaders, 'content-length': gzipped.byteLength }, signal }, (response) => {
        if (response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300) {
          response.resume();
          response.once('end', resolve);
          response.once('error', reject);
          return;
        }
        statusError(response).then(reject, reject);
      });
      request.once('error', reject);
      request.end(gzipped);
    });
  }

  return {
    async write(gzipped, signal) {
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        await post(gzipped, combined);
      } catch (error) {
        if (timeout.aborted && !signal?.aborted) throw new InfluxError('connection', `write: no answer within ${requestTimeoutMs} ms`, {}, { cause: error });
        throw toInfluxError(error, 'write', signal);
      }
    },

    async query(statements, signal, withDb = false) {
      const params = new URLSearchParams({ epoch: 'ms', ...(withDb ? database : {}) });
      const form = new URLSearchParams({ q: statements }).toString();
      const answer = await send('query', `/query?${params}`, form, { 'content-type': 'application/x-www-form-urlencoded' }, false, signal);
      const results = (answer as { results?: unknown } | undefined)?.results;
      if (!Array.isArray(results)) {
        const error = (answer as { error?: unknown } | undefined)?.error;
        throw typeof error === 'string'
          ? new InfluxError('query_failed', `query: ${error}`)
          : new InfluxError('malformed_response', 'query: the answer has no `results` array');
      }
      return results as StatementResult[];
    },

    close() {
      agent.destroy();
    },
  };
}
