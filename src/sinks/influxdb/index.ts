/**
 * The InfluxDB sink and historical source, as the composition root and the API layers use them:
 * `parseInfluxSinkUri` (called by `sinks/factory.ts` for `--sink=influxdb:...`), `createInfluxSink`
 * with `createInfluxMetrics(registry)`, and `createInfluxHistory` behind `--historical_source`.
 * REST and GraphQL code should depend on `historyTypes.ts` and the key helpers only.
 *
 * @module
 */
export { InfluxError, type InfluxErrorCode } from './errors.js';
export { parseInfluxSinkUri, influxDefaults, influxOptionNames, maxBatchLines, minAutoBufferPoints, type InfluxSinkSpec, type InfluxTarget } from './options.js';
export { createInfluxSink, isRetryableWriteError, type InfluxSink, type InfluxSinkOptions } from './sink.js';
export { createInfluxMetrics, type InfluxMetrics } from './metrics.js';
export { createInfluxHistory, type InfluxHistoryOptions } from './history.js';
export { historicalKeyFromModelKey, historicalKeyString, noResultsError, requireSeries } from './historyQuery.js';
export type {
  AggregateRequest,
  AggregationName,
  HistoricalAggregation,
  HistoricalBucket,
  HistoricalKey,
  HistoricalPoint,
  HistoricalRange,
  HistoricalSeries,
  InfluxHistory,
  SeriesRequest,
} from './historyTypes.js';
