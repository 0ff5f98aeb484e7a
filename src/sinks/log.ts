/**
 * The `log` sink: writes every batch to the log, as Heapster's log sink did (sorted keys,
 * labels, metrics, labeled metrics), at info level.
 *
 * @module
 */
import type { Logger } from '../core/log.js';
import type { DataBatch } from '../core/types.js';
import type { Sink } from './types.js';

/** Renders a batch as Heapster's log sink did, one block per metric set. */
export function formatBatch(batch: DataBatch): string {
  const lines = [`DataBatch     Timestamp: ${new Date(batch.timestamp).toISOString()}`, ''];
  for (const key of [...batch.metricSets.keys()].sort()) {
    const set = batch.metricSets.get(key)!;
    lines.push(`MetricSet: ${key}`, '\tlabels:');
    for (const name of Object.keys(set.labels).sort()) lines.push(`\t\t${name} = ${set.labels[name]}`);
    lines.push('\tmetrics:');
    for (const name of [...set.metricValues.keys()].sort()) lines.push(`\t\t${name} = ${set.metricValues.get(name)!}`);
    if (set.labeledMetrics.length > 0) {
      lines.push('\tlabeled metrics:');
      for (const lm of set.labeledMetrics) {
        // Sorted as Go printed a label map, so equal label sets always print alike.
        const labels = Object.keys(lm.labels).sort().map((k) => `${k}:${lm.labels[k]}`).join(',');
        lines.push(`\t\t${lm.name}{${labels}} = ${lm.value}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** Creates the log sink. */
export function createLogSink(logger: Logger): Sink {
  return {
    name: 'Log Sink',
    async export(batch) {
      logger.info({ sets: batch.metricSets.size }, formatBatch(batch));
    },
    async stop() {},
  };
}
