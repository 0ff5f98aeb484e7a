/**
 * Heapster's REST surface over the query service: the `/api/v1/model` tree with its
 * aggregations, `/api/v1/metric-export` and its schema, the resource metrics APIs (Heapster's
 * v1alpha1, metrics-server's v1beta1 with discovery), `/metrics` and `/healthz`. A thin
 * translation of paths and JSON shapes: every number comes from {@link SurfaceContext.query},
 * or, under `/api/v1/historical` (only with `--historical_source`), from {@link SurfaceContext.history},
 * as far as the caller's scope (`requestScope`) lets them see.
 *
 * @module
 */
import type { SurfaceContext, SurfaceFactory } from '../surface.js';
import { aggregatedRoutes } from './aggregated.js';
import { exportRoutes } from './export.js';
import { historicalRoutes } from './historical.js';
import { createRequestMetrics } from './instrument.js';
import { alphaRoutes } from './metricsAlpha.js';
import { betaRoutes } from './metricsBeta.js';
import { modelRoutes } from './model.js';
import { createRouter, type Route } from './router.js';
import { selfRoutes } from './selfRoutes.js';
import { createRestHandler } from './serve.js';

/** Options of {@link createRestSurface}. */
export interface RestSurfaceOptions {
  /** Heapster's `--disable_export`: `/api/v1/metric-export` answers `[]`. @default false */
  disableExport?: boolean;
}

/**
 * Every route of the surface, in the order they are compiled. Without a model store
 * (`--disable_metric_sink`) the `/api/v1/model` tree is not mounted, as in Heapster; everything
 * else is. Each route reads through the caller's scope (access.ts).
 */
export function restRoutes(context: SurfaceContext, { disableExport = false }: RestSurfaceOptions = {}): Route[] {
  const { query, resolutionMs } = context;
  return [
    ...(context.hasModel ? [...modelRoutes(query), ...aggregatedRoutes(query)] : []),
    ...(context.history ? historicalRoutes({ history: context.history, query, logger: context.logger }) : []),
    ...exportRoutes(query, { disableExport }),
    ...alphaRoutes({ query, resolutionMs }),
    ...betaRoutes({ query, resolutionMs }),
    ...selfRoutes(context),
  ];
}

/** The REST surface over {@link restRoutes}. */
export function createRestSurface(options: RestSurfaceOptions = {}): SurfaceFactory {
  return (context) => {
    const handler = createRestHandler({
      router: createRouter(restRoutes(context, options)),
      metrics: createRequestMetrics(context.metrics),
      clock: context.clock,
      logger: context.logger,
    });
    return { handlers: [handler] };
  };
}
