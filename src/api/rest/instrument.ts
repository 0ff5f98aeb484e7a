/**
 * Per-route request metrics under Heapster's names (heapster-reference §1.9):
 * `http_requests_total{handler,method,code}` and `http_request_duration_microseconds{handler}`
 * from the shared self metrics, plus the request and response size summaries Heapster's
 * instrumentation also kept, registered here on the same registry (once per registry).
 *
 * @module
 */
import type { Registry } from 'prom-client';
import type { SelfMetrics } from '../../core/selfMetrics.js';
import { WindowSummary } from '../../core/windowSummary.js';

/** One answered request. */
export interface RequestRecord {
  handler: string;
  method: string;
  status: number;
  durationUs: number;
  requestBytes: number;
  responseBytes: number;
}

/** Records answered requests. */
export interface RequestMetrics {
  record(request: RequestRecord): void;
}

function sizeSummary(registry: Registry, name: string, help: string): WindowSummary<'handler'> {
  const existing: unknown = registry.getSingleMetric(name);
  if (existing instanceof WindowSummary) return existing as WindowSummary<'handler'>;
  return new WindowSummary({ name, help, labelNames: ['handler'], registers: [registry] });
}

/** Creates the recorder over the shared self metrics. */
export function createRequestMetrics(metrics: SelfMetrics): RequestMetrics {
  const requestSize = sizeSummary(metrics.registry, 'http_request_size_bytes', 'The HTTP request sizes in bytes.');
  const responseSize = sizeSummary(metrics.registry, 'http_response_size_bytes', 'The HTTP response sizes in bytes.');
  return {
    record({ handler, method, status, durationUs, requestBytes, responseBytes }) {
      metrics.httpRequests.inc({ handler, method: method.toLowerCase(), code: String(status) });
      metrics.httpRequestDuration.observe({ handler }, durationUs);
      requestSize.observe({ handler }, requestBytes);
      responseSize.observe({ handler }, responseBytes);
    },
  };
}
