/**
 * The process's own routes: `/metrics` (Prometheus text of the shared registry, handler
 * `prometheus` as Heapster's client library labelled it) and `/healthz`, `/healthz/healthz`
 * (Heapster's check, see healthz.ts) for when the surface is mounted without the composition
 * root's health route in front of it.
 *
 * @module
 */
import type { SurfaceContext } from '../surface.js';
import { healthResponse } from './healthz.js';
import { textReply } from './reply.js';
import type { Route } from './router.js';

/** `/metrics`, `/healthz` and `/healthz/healthz`. */
export function selfRoutes({ metrics, query }: Pick<SurfaceContext, 'metrics' | 'query'>): Route[] {
  const health = (route: '/healthz' | '/healthz/healthz'): Route => ({
    pattern: route,
    handler: 'healthz',
    produces: 'text',
    answer: ({ query: params, nowMs }) => {
      const { status, body } = healthResponse(route, params.has('verbose'), query, nowMs);
      return textReply(status, body);
    },
  });
  return [
    {
      pattern: '/metrics',
      handler: 'prometheus',
      produces: 'text',
      answer: async () => ({ status: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
    },
    health('/healthz'),
    health('/healthz/healthz'),
  ];
}
