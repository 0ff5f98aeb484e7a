/**
 * The kubelet HTTP client: one GET per node, bytes out. It knows nothing about what the bytes
 * mean (decoding lives in `sources/summary` and `sources/resource`), only how to get them
 * safely: keep-alive sockets, a body-size cap, abort on a signal, and every failure mapped to
 * the sources' closed {@link SourceError} vocabulary (heapster-reference §3.1).
 *
 * @module
 */
import http from 'node:http';
import https from 'node:https';
import { SourceError } from '../errors.js';
import { readBody } from './body.js';
import { abortError, connectionError } from './failures.js';

/** Where to send one request. */
export interface KubeletRequestTarget {
  /** Node address: an IPv4/IPv6 literal or a host name (no brackets). */
  host: string;
  port: number;
  /** Path with its leading slash, e.g. `/stats/summary/`. */
  path: string;
}

/** Fetches kubelet responses. */
export interface KubeletClient {
  /** `http` or `https`, fixed at creation. */
  readonly scheme: 'http' | 'https';
  /** The URL a target is fetched from (`http(s)://ip:port/path`, IPv6 in brackets). */
  url(target: KubeletRequestTarget): string;
  /**
   * GETs a target and resolves with the whole 200 response body in one buffer. Rejects only
   * with {@link SourceError}: `http_status` (non-200), `too_large` (body over the cap),
   * `timeout` (the signal aborted; the signal's reason is used when it is a SourceError),
   * `connection` (refused, reset, DNS, TLS). On every failure the socket is destroyed.
   */
  fetch(target: KubeletRequestTarget, signal: AbortSignal): Promise<Buffer>;
  /** Destroys every pooled socket. Requests in flight fail with `connection`. */
  close(): void;
}

/** Options of {@link createKubeletClient}. */
export interface KubeletClientOptions {
  /**
   * Use HTTPS (Heapster `kubeletHttps`).
   * @default false
   */
  https?: boolean;
  /**
   * Do not verify the kubelet's serving certificate. Unlike Heapster, a missing CA does not
   * imply this: without `caPem`, Node's root store is used.
   * @default false
   */
  insecureSkipVerify?: boolean;
  /** PEM CA bundle for verifying kubelets (HTTPS only). */
  caPem?: string | Buffer;
  /** PEM client certificate (HTTPS only); requires `keyPem`. */
  certPem?: string | Buffer;
  /** PEM client key (HTTPS only); requires `certPem`. */
  keyPem?: string | Buffer;
  /**
   * Bearer token, sent only over HTTPS (as Heapster master; release-1.2 sent it always). A
   * function is asked before every request, so a rotated service-account token is picked up.
   */
  bearerToken?: string | (() => string | undefined);
  /**
   * Largest accepted response body, bytes.
   * @default 67108864 (64 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Most sockets open at once to one kubelet (host:port); requests beyond it queue. The
   * source manager asks each node once per cycle, so more than one is only used when cycles
   * overlap. There is deliberately no cap across kubelets: Node's agent counts idle sockets
   * against such a cap and would stall new kubelets behind them; the manager's concurrency
   * bounds the active sockets instead.
   * @default 2
   */
  maxSockets?: number;
  /**
   * Keep sockets open between cycles (one idle socket per kubelet, closed after
   * `idleSocketTimeoutMs`). Off: every request opens and closes its own connection.
   * @default true
   */
  keepAlive?: boolean;
  /**
   * How long an idle keep-alive socket is kept, ms. Long enough to survive one 60 s scrape
   * interval, short of the kubelet's own 90 s idle timeout so that we, not it, close first.
   * @default 75000
   */
  idleSocketTimeoutMs?: number;
}

/** Heapster's error text keeps this many characters of a non-200 body. */
const ERROR_BODY_CHARS = 200;

/** Creates a {@link KubeletClient}. Throws `TypeError`/`RangeError` naming the bad option. */
export function createKubeletClient(options: KubeletClientOptions = {}): KubeletClient {
  const {
    https: useHttps = false,
    insecureSkipVerify = false,
    caPem,
    certPem,
    keyPem,
    bearerToken,
    maxBodyBytes = 64 * 1024 * 1024,
    maxSockets = 2,
    keepAlive = true,
    idleSocketTimeoutMs = 75_000,
  } = options;
  requirePositiveInteger('maxBodyBytes', maxBodyBytes);
  requirePositiveInteger('maxSockets', maxSockets);
  requirePositiveInteger('idleSocketTimeoutMs', idleSocketTimeoutMs);
  if ((certPem === undefined) !== (keyPem === undefined)) {
    throw new TypeError(
      `certPem and keyPem must be given together; received ${certPem === undefined ? 'keyPem only' : 'certPem only'}`,
    );
  }
  const validToken = (token: unknown): token is string | undefined => token === undefined || (typeof token === 'string' && !/[\r\n]/.test(token));
  if (typeof bearerToken !== 'function' && !validToken(bearerToken)) {
    throw new TypeError('bearerToken must be a string without line breaks');
  }

  const scheme = useHttps ? 'https' : 'http';
  // `timeout` only ever closes idle sockets: the agent destroys a free socket that times out,
  // while an active request's timeout is the caller's signal.
  const agentOptions = { keepAlive, maxSockets, timeout: idleSocketTimeoutMs };
  const agent = useHttps
    ? new https.Agent({
        ...agentOptions,
        rejectUnauthorized: !insecureSkipVerify,
        ca: caPem,
        cert: certPem,
        key: keyPem,
      })
    : new http.Agent(agentOptions);
  const request = useHttps ? https.request : http.request;
  const fixedHeaders: Record<string, string> = { 'user-agent': 'heapgraph' };
  if (useHttps && typeof bearerToken === 'string' && bearerToken !== '') fixedHeaders.authorization = `Bearer ${bearerToken}`;
  function headers(): Record<string, string> {
    if (!useHttps || typeof bearerToken !== 'function') return fixedHeaders;
    const token = bearerToken();
    // A token file caught mid-rotation (empty or odd) is skipped for this request, not sent.
    return token && validToken(token) ? { ...fixedHeaders, authorization: `Bearer ${token}` } : fixedHeaders;
  }

  function url(target: KubeletRequestTarget): string {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    return `${scheme}://${host}:${target.port}${target.path}`;
  }

  function fetchOnce(target: KubeletRequestTarget, signal: AbortSignal, mayRetry: boolean): Promise<Buffer> {
    const where = url(target);
    return new Promise<Buffer>((resolve, reject) => {
      if (signal.aborted) {
        reject(abortError(signal, where));
        return;
      }
      let settled = false;
      let req: http.ClientRequest;
      try {
        req = request({ agent, host: target.host, port: target.port, path: target.path, method: 'GET', headers: headers() });
      } catch (error) {
        // Node validates the address synchronously (a port out of range, a bad host string).
        reject(connectionError(error as NodeJS.ErrnoException, where));
        return;
      }
      const onAbort = (): void => fail(abortError(signal, where));
      signal.addEventListener('abort', onAbort, { once: true });

      function finish(): boolean {
        if (settled) return false;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        return true;
      }
      function fail(error: SourceError): void {
        if (!finish()) return;
        req.destroy(); // also destroys the response and its socket: nothing half-read goes back to the pool
        reject(error);
      }

      // Stays attached after settling: destroy() may still emit, and an unheard 'error' would crash.
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) return;
        // A keep-alive socket the kubelet closed while idle fails on first write; a GET is safe
        // to repeat once on a fresh socket (what Go's transport does for Heapster).
        if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET') {
          finish();
          resolve(fetchOnce(target, signal, false));
          return;
        }
        fail(connectionError(error, where));
      });

      req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        // A non-200 body is only quoted, so only its first characters (≤ 4 bytes each) are read.
        const bodyLimit =
          status === 200
            ? { limitBytes: maxBodyBytes, rejectDeclaredOverLimit: true }
            : { limitBytes: ERROR_BODY_CHARS * 4, rejectDeclaredOverLimit: false };
        readBody(res, bodyLimit, (outcome) => {
          if (outcome.kind === 'failed') {
            fail(connectionError(outcome.error, where));
          } else if (status !== 200) {
            const text = outcome.kind === 'complete' ? outcome.body.toString('utf8') : outcome.prefix().toString('utf8');
            const statusText = res.statusMessage ? `${status} ${res.statusMessage}` : String(status);
            const error = new SourceError(
              'http_status',
              `request failed - "${statusText}", response: "${text.slice(0, ERROR_BODY_CHARS)}"`,
              { status, url: where },
            );
            if (outcome.kind === 'complete' && finish()) reject(error);
            else fail(error);
          } else if (outcome.kind === 'over_limit') {
            const declared = outcome.declaredBytes === undefined ? '' : ` (Content-Length ${outcome.declaredBytes})`;
            fail(
              new SourceError('too_large', `response body of ${where} exceeds ${maxBodyBytes} bytes${declared}`, {
                url: where,
                limitBytes: maxBodyBytes,
              }),
            );
          } else if (finish()) {
            resolve(outcome.body);
          }
        });
      });
      req.end();
    });
  }

  return {
    scheme,
    url,
    fetch: (target, signal) => fetchOnce(target, signal, true),
    close: () => agent.destroy(),
  };
}

function requirePositiveInteger(field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${field} must be a positive integer; received ${String(value)}`);
  }
}
