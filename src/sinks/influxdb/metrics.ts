/**
 * The InfluxDB sink's Prometheus metrics, built from a registry passed in (style rule 14) and
 * updated by the sink from its retry buffer's events. `target` is `<base URL>/<db or bucket>`,
 * so several `--sink=influxdb:...` share the metrics without clashing.
 *
 * @module
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** Every InfluxDB sink metric. */
export interface InfluxMetrics {
  /** Points InfluxDB accepted. */
  readonly pointsWritten: Counter<'target'>;
  /** Points given up: `overflow` (buffer full, oldest dropped), `rejected` (InfluxDB refused them for good), `shutdown` (left at stop), `unencodable` (NaN, names line protocol cannot carry). */
  readonly pointsDropped: Counter<'target' | 'reason'>;
  /** Points not written yet: being encoded, waiting for InfluxDB, or in flight. */
  readonly bufferedPoints: Gauge<'target'>;
  /** Bytes of the gzipped chunks waiting or in flight (the buffer's memory). */
  readonly bufferedBytes: Gauge<'target'>;
  /** Failed write requests by error code (`connection`, `http_status`, ...). */
  readonly writeErrors: Counter<'target' | 'code'>;
}

function reuse<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/** Registers the metrics on `registry`, or returns the ones already registered there. */
export function createInfluxMetrics(registry: Registry): InfluxMetrics {
  const registers = [registry];
  return {
    pointsWritten: reuse(registry, 'heapgraph_influxdb_points_written_total', () => new Counter({ name: 'heapgraph_influxdb_points_written_total', help: 'Points written to InfluxDB (updated by the InfluxDB sink).', labelNames: ['target'], registers })),
    pointsDropped: reuse(registry, 'heapgraph_influxdb_points_dropped_total', () => new Counter({ name: 'heapgraph_influxdb_points_dropped_total', help: 'Points the InfluxDB sink gave up, by reason: overflow, rejected, shutdown, unencodable (updated by the InfluxDB sink).', labelNames: ['target', 'reason'], registers })),
    bufferedPoints: reuse(registry, 'heapgraph_influxdb_buffered_points', () => new Gauge({ name: 'heapgraph_influxdb_buffered_points', help: 'Points not written yet: being encoded, waiting for InfluxDB, or in flight (updated by the InfluxDB sink).', labelNames: ['target'], registers })),
    bufferedBytes: reuse(registry, 'heapgraph_influxdb_buffered_bytes', () => new Gauge({ name: 'heapgraph_influxdb_buffered_bytes', help: 'Bytes of the gzipped chunks waiting for InfluxDB or in flight (updated by the InfluxDB sink).', labelNames: ['target'], registers })),
    writeErrors: reuse(registry, 'heapgraph_influxdb_write_errors_total', () => new Counter({ name: 'heapgraph_influxdb_write_errors_total', help: 'Failed InfluxDB write requests by error code (updated by the InfluxDB sink).', labelNames: ['target', 'code'], registers })),
  };
}
