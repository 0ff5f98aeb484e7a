/**
 * The request pipeline around the routes, in go-restful's order: route by path (no match: pass
 * the request on, the shared server answers `404: Page Not Found`), then 405 for methods other
 * than GET, then 406 when `Accept` excludes JSON, then the route's answer, compressed when the
 * client asks, counted in the request metrics under the route's handler name.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { deflate, gzip } from 'node:zlib';
import type { Logger } from '../../core/log.js';
import { requestScope } from '../auth/requestAccess.js';
import type { RouteHandler } from '../server.js';
import { RestError } from './errors.js';
import type { RequestMetrics } from './instrument.js';
import { acceptsJson, chooseEncoding, errorReply, textReply } from './reply.js';
import type { Reply, Router } from './router.js';

const compressors = { gzip: promisify(gzip), deflate: promisify(deflate) };

/** Options of {@link createRestHandler}. */
export interface RestHandlerOptions {
  router: Router;
  metrics: RequestMetrics;
  /** Milliseconds now. */
  clock: () => number;
  logger: Logger;
}

/** Path (percent-decoded) and query of a request target; undefined when it cannot be decoded. */
export function requestTarget(url: string | undefined): { path: string; query: URLSearchParams } | undefined {
  let target = url ?? '/';
  if (/^https?:\/\//i.test(target)) {
    const parsed = URL.canParse(target) ? new URL(target) : undefined;
    if (!parsed) return undefined;
    target = `${parsed.pathname}${parsed.search}`;
  }
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  try {
    return { path: decodeURIComponent(rawPath), query: new URLSearchParams(question < 0 ? '' : target.slice(question + 1)) };
  } catch {
    return undefined;
  }
}

/** Go's approximate request size: URL, method, protocol, headers, host and body length. */
function requestSize(req: IncomingMessage): number {
  let size = (req.url ?? '').length + (req.method ?? '').length + `HTTP/${req.httpVersion}`.length;
  for (let i = 0; i < req.rawHeaders.length; i += 2) size += req.rawHeaders[i]!.length + req.rawHeaders[i + 1]!.length;
  return size + Number(req.headers['content-length'] ?? 0);
}

async function send(req: IncomingMessage, res: ServerResponse, reply: Reply, extraHeaders: Record<string, string> = {}): Promise<number> {
  const encoding = chooseEncoding(req.headers['accept-encoding']);
  let body: Buffer = Buffer.from(reply.body, 'utf8');
  const headers: Record<string, string | number> = { 'Content-Type': reply.contentType, Vary: 'Accept-Encoding', ...extraHeaders };
  if (encoding && body.length > 0) {
    body = await compressors[encoding](body);
    headers['Content-Encoding'] = encoding;
  }
  headers['Content-Length'] = body.length;
  if (res.headersSent || res.destroyed) return 0;
  res.writeHead(reply.status, headers);
  res.end(body);
  return body.length;
}

/** The surface's one route handler. */
export function createRestHandler({ router, metrics, clock, logger }: RestHandlerOptions): RouteHandler {
  return async (req, res) => {
    const target = requestTarget(req.url);
    const match = target && router.match(target.path);
    if (!target || !match) return false;
    if (req.method !== 'GET') {
      await send(req, res, textReply(405, '405: Method Not Allowed'), { Allow: 'GET' });
      return true;
    }
    if (match.route.produces === 'json' && !acceptsJson(req.headers.accept)) {
      await send(req, res, textReply(406, '406: Not Acceptable'));
      return true;
    }
    const started = process.hrtime.bigint();
    let reply: Reply;
    try {
      reply = await match.route.answer({ params: match.params, query: target.query, nowMs: clock(), scope: requestScope(req) });
    } catch (error) {
      if (error instanceof RestError) reply = errorReply(error);
      else {
        logger.error({ err: error, url: req.url }, 'REST route failed');
        reply = textReply(500, 'internal server error');
      }
    }
    const responseBytes = await send(req, res, reply);
    metrics.record({
      handler: match.route.handler,
      method: req.method,
      status: reply.status,
      durationUs: Number(process.hrtime.bigint() - started) / 1_000,
      requestBytes: requestSize(req),
      responseBytes,
    });
    return true;
  };
}
