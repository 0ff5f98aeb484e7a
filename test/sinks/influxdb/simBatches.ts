/**
 * Realistic batches for the InfluxDB tests: the simulated cluster's kubelet summaries, decoded and
 * run through every processor (rates, enrichers, aggregators), one batch per step. Listers read
 * the simulator's object store, so pods carry their labels, ids, requests and workloads.
 */
import type { V1Job, V1Namespace, V1Node, V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import { metricTypesOf } from '../../../src/core/metrics.js';
import type { DataBatch, MetricSet } from '../../../src/core/types.js';
import { createProcessors, runProcessors } from '../../../src/processors/pipeline.js';
import { createObjectStore } from '../../../src/sim/apiserver/store.js';
import { createSimCluster } from '../../../src/sim/cluster/model.js';
import { renderSummary } from '../../../src/sim/kubelet/summary.js';
import { decodeSummary } from '../../../src/sources/summary/decode.js';
import { createListers } from '../../helpers/listers.js';

/** Options of {@link simBatches}. */
export interface SimBatchOptions {
  nodes?: number;
  podsPerNode?: number;
  seed?: number;
  /** Timestamp of the first batch, ms. */
  startMs: number;
  stepMs?: number;
  /** Batches returned (the warm-up batch that only primes the rate calculator is not among them). */
  count: number;
}

/** `count` processed batches, `stepMs` apart, starting at `startMs`. */
export function simBatches({ nodes = 3, podsPerNode = 4, seed = 7, startMs, stepMs = 60_000, count }: SimBatchOptions): DataBatch[] {
  let now = startMs - stepMs;
  const store = createObjectStore();
  const cluster = createSimCluster({ nodes, podsPerNode, seed, kubeletPort: 10255, clock: () => now, store });
  const listers = createListers({
    pods: store.list('pods') as unknown as V1Pod[],
    namespaces: store.list('namespaces') as unknown as V1Namespace[],
    nodes: store.list('nodes') as unknown as V1Node[],
    replicaSets: store.list('replicasets') as unknown as V1ReplicaSet[],
    jobs: store.list('jobs') as unknown as V1Job[],
  });
  const processors = createProcessors({ listers });
  const batches: DataBatch[] = [];
  for (let i = -1; i < count; i++) {
    now = startMs + i * stepMs;
    const metricSets = new Map<string, MetricSet>();
    for (const node of cluster.nodes) {
      const summary = renderSummary(cluster.sample(node, now));
      const decoded = decodeSummary(summary, { nodeName: node.name, hostname: node.name, hostId: node.uid }, { nowMs: now });
      for (const [key, set] of decoded.metricSets) metricSets.set(key, set);
    }
    const batch = runProcessors(processors, { timestamp: now, metricSets });
    if (i >= 0) batches.push(batch);
  }
  return batches;
}

/** Every value of a batch as InfluxDB should hold it: one entry per unlabeled and labeled value. */
export interface ExpectedPoint {
  metric: string;
  /** Set labels (plus the labeled metric's own), before the sink's tag rules. */
  labels: Record<string, string>;
  value: number;
  /** The metric's value type (values carry none of their own): decides the field type InfluxDB holds. */
  valueType: 'int64' | 'float';
  timestamp: number;
}

/** Flattens batches into their values. */
export function valuesOf(batches: readonly DataBatch[]): ExpectedPoint[] {
  const out: ExpectedPoint[] = [];
  for (const batch of batches) {
    for (const set of batch.metricSets.values()) {
      for (const [metric, value] of set.metricValues) out.push({ metric, labels: set.labels, value, valueType: metricTypesOf(metric).valueType, timestamp: batch.timestamp });
      for (const lm of set.labeledMetrics) out.push({ metric: lm.name, labels: { ...set.labels, ...lm.labels }, value: lm.value, valueType: metricTypesOf(lm.name).valueType, timestamp: batch.timestamp });
    }
  }
  return out;
}
