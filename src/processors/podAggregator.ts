/**
 * The pod aggregator (heapster-reference §4.4, master rule): sums container metrics into their
 * pod set, but only metrics the pod set did not already carry before this processor ran
 * (pod-level values from the kubelet win). Cumulative standard metrics and labeled metrics
 * are never aggregated.
 *
 * One decided difference: a pod set created here keeps the container's `nodename`, so the node
 * aggregator counts it (Heapster dropped it, quirk 9).
 *
 * @module
 */
import { isPodKey, MetricSetType, podKey } from '../core/keys.js';
import { Label } from '../core/labels.js';
import { standardMetrics } from '../core/metrics.js';
import { metricColumnCount, requireMetricColumn } from '../core/metricValues.js';
import { createMetricSet, type MetricSet } from '../core/types.js';
import { ignoreSkips, type SkipListener } from './errors.js';
import type { Processor } from './types.js';
import { eachInSteps } from '../core/slices.js';
import { defineProcessor } from './define.js';
import { joinBatch } from './join.js';

/** Options of {@link createPodAggregator}. */
export interface PodAggregatorOptions {
  /** Receives containers without pod labels. @default ignore */
  onSkip?: SkipListener;
}

const name = 'pod_aggregator';

/** Counters summed over containers would be meaningless across container restarts. */
const skippedColumns: ReadonlySet<number> = new Set(
  standardMetrics.filter((m) => m.type === 'cumulative' || m.type === 'delta').map((m) => requireMetricColumn(m.name)),
);
/** Catalogue columns that are summed (every one but the skipped counters). */
const summedColumns: readonly number[] = Array.from({ length: metricColumnCount }, (_, column) => column).filter(
  (column) => !skippedColumns.has(column),
);

/** Container labels a created pod set inherits (`nodename` is Heapgraph's addition). */
const inheritedLabels = [Label.PodId, Label.PodName, Label.NamespaceName, Label.NamespaceId, Label.Hostname, Label.HostId, Label.NodeName];

/** Creates the pod aggregator. */
export function createPodAggregator({ onSkip = ignoreSkips }: PodAggregatorOptions = {}): Processor {
  return defineProcessor(name, function* (batch) {
    const created = new Map<string, MetricSet>();
    const targets = new Targets();
    // A pod's containers follow it in the batch, so the previous container's pod is usually
    // this one's: comparing names beats building its key (most of this processor's allocation).
    let lastNamespace: string | undefined;
    let lastPodName: string | undefined;
    let pod: MetricSet | undefined;
    let podIndex = -1;
    // The last pod set passed and its key: a kubelet's pod set comes just before its containers,
    // so their pod is usually found without building its key and probing the batch.
    let passedPod: MetricSet | undefined;
    let passedPodKey = '';

    yield* eachInSteps(batch.metricSets, (container, key) => {
      const type = container.labels[Label.Type];
      if (type === MetricSetType.Pod) {
        passedPod = container;
        passedPodKey = key;
        return;
      }
      if (type !== MetricSetType.PodContainer) return;
      const podName = container.labels[Label.PodName];
      const namespace = container.labels[Label.NamespaceName];
      if (podName === undefined || namespace === undefined) {
        onSkip({ processor: name, reason: 'missing_labels', key });
        return;
      }
      if (pod === undefined || podName !== lastPodName || namespace !== lastNamespace) {
        if (passedPod !== undefined && isPodKey(passedPodKey, namespace, podName)) {
          pod = passedPod;
        } else {
          const targetKey = podKey(namespace, podName);
          pod = batch.metricSets.get(targetKey) ?? created.get(targetKey);
          if (pod === undefined) created.set(targetKey, (pod = podSetFrom(container.labels)));
        }
        podIndex = targets.indexOf(pod);
        lastNamespace = namespace;
        lastPodName = podName;
      }
      targets.add(container, pod, podIndex);
    });
    yield* joinBatch(batch, created);
    return batch;
  });
}

/**
 * The pods of one run and, per pod, which metrics it carried itself when the run first reached
 * it (those are kept, never summed into). The flags of all pods share one array, so a
 * 150,000-pod batch allocates no object per pod.
 */
class Targets {
  /**
   * Pod indexes by the pod set's `nodename`, then by set: one Map of every pod was rehashed whole
   * each time it doubled, the last time at 131,072 pods a stall of ~46 ms with nothing else
   * allowed to run (docs/benchmarks.md, P3); a node's Map stays small.
   */
  private readonly index = new Map<string, Map<MetricSet, number>>();
  private count = 0;
  private ownColumns = new Uint8Array(1024 * metricColumnCount);
  /** By pod index, names outside the catalogue the pod carried (rare: custom metrics). */
  private readonly ownOthers = new Map<number, ReadonlySet<string>>();

  /** The index of `pod`, recording what it carries the first time. */
  indexOf(pod: MetricSet): number {
    const node = pod.labels[Label.NodeName] ?? '';
    let onNode = this.index.get(node);
    if (onNode === undefined) this.index.set(node, (onNode = new Map()));
    let at = onNode.get(pod);
    if (at !== undefined) return at;
    at = this.count++;
    onNode.set(pod, at);
    if ((at + 1) * metricColumnCount > this.ownColumns.length) {
      const grown = new Uint8Array(this.ownColumns.length * 2);
      grown.set(this.ownColumns);
      this.ownColumns = grown;
    }
    const values = pod.metricValues;
    const base = at * metricColumnCount;
    for (const column of summedColumns) this.ownColumns[base + column] = values.getColumn(column) === undefined ? 0 : 1;
    if (values.otherCount > 0) this.ownOthers.set(at, new Set([...values.otherEntries()].map(([metric]) => metric)));
    return at;
  }

  /** Adds the container's summed metrics into `pod` (index `at`), except those the pod carried. */
  add(container: MetricSet, pod: MetricSet, at: number): void {
    const values = container.metricValues;
    const podValues = pod.metricValues;
    const base = at * metricColumnCount;
    for (let i = 0; i < summedColumns.length; i++) {
      const column = summedColumns[i]!;
      const value = values.getColumn(column);
      if (value === undefined || this.ownColumns[base + column] === 1) continue;
      podValues.setColumn(column, (podValues.getColumn(column) ?? 0) + value);
    }
    if (values.otherCount === 0) return;
    const own = this.ownOthers.get(at);
    for (const [metric, value] of values.otherEntries()) {
      if (own?.has(metric)) continue;
      podValues.set(metric, (podValues.get(metric) ?? 0) + value);
    }
  }
}

function podSetFrom(containerLabels: Readonly<Record<string, string>>): MetricSet {
  const labels: Record<string, string> = { [Label.Type]: MetricSetType.Pod };
  for (const label of inheritedLabels) {
    const value = containerLabels[label];
    if (value !== undefined) labels[label] = value;
  }
  return createMetricSet(labels);
}
