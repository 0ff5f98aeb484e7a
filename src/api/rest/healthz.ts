/**
 * `/healthz` and `/healthz/healthz` with Heapster's check (heapster-reference §1.7): healthy
 * when the newest batch exists, is at most 3 minutes old and has at least one metric set.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataBatch } from '../../core/types.js';

/** The one thing the check reads: the newest batch the pipeline produced. */
export interface LatestBatchReader {
  latestBatch(): DataBatch | undefined;
}

/** Newest batch older than this fails the check. */
export const maxBatchAgeMs = 3 * 60_000;

/** Why the pipeline is unhealthy, or undefined when it is healthy. */
export function healthProblem(reader: LatestBatchReader, nowMs: number): string | undefined {
  const batch = reader.latestBatch();
  if (!batch) return 'could not get the latest data batch';
  if (nowMs - batch.timestamp > maxBatchAgeMs) {
    return `the latest data batch is too old: ${new Date(batch.timestamp).toISOString()}`;
  }
  if (batch.metricSets.size < 1) return 'the latest data batch has no metric sets';
  return undefined;
}

/** A health answer: status and plain-text body. */
export interface HealthResponse {
  status: number;
  body: string;
}

/**
 * The answer for `/healthz` (`verbose` lists the check) or `/healthz/healthz`. Unlike Heapster
 * master ("reason withheld"), the failure body names the reason, as release-1.2 did: nothing in
 * it is secret and operators need it.
 */
export function healthResponse(route: '/healthz' | '/healthz/healthz', verbose: boolean, reader: LatestBatchReader, nowMs: number): HealthResponse {
  const problem = healthProblem(reader, nowMs);
  if (route === '/healthz/healthz') return problem ? { status: 500, body: `internal server error: ${problem}` } : { status: 200, body: 'ok' };
  if (problem) return { status: 500, body: `[-]healthz failed: ${problem}\nhealthz check failed\n` };
  return { status: 200, body: verbose ? '[+]healthz ok\nhealthz check passed\n' : 'ok' };
}

/** Answers a health request on `/healthz` or `/healthz/healthz` (see {@link healthResponse}). */
export function handleHealthz(req: IncomingMessage, res: ServerResponse, reader: LatestBatchReader, nowMs: number): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = url.pathname.replace(/\/+$/, '') === '/healthz/healthz' ? '/healthz/healthz' : '/healthz';
  const { status, body } = healthResponse(route, url.searchParams.has('verbose'), reader, nowMs);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}
