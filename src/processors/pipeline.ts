/**
 * The processor pipeline in Heapster's order, plus Heapgraph's workload aggregator after the
 * namespace aggregator (heapster-reference §4).
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';
import { createClusterAggregator } from './clusterAggregator.js';
import { ignoreSkips, ProcessorError, type SkipListener } from './errors.js';
import { createLabelCopier } from './labelCopier.js';
import { createNamespaceAggregator } from './namespaceAggregator.js';
import { createNamespaceBasedEnricher } from './namespaceBasedEnricher.js';
import { createNodeAggregator } from './nodeAggregator.js';
import { createNodeAutoscalingEnricher } from './nodeAutoscalingEnricher.js';
import { createPodAggregator } from './podAggregator.js';
import { createPodBasedEnricher } from './podBasedEnricher.js';
import { createRateCalculator } from './rateCalculator.js';
import type { KubeListers, Processor } from './types.js';
import { createWorkloadAggregator } from './workloadAggregator.js';

/** What the pipeline needs: Kubernetes objects and the label flags (`--label_separator` ...). */
export interface ProcessorOptions {
  /** Pods, namespaces, nodes, ReplicaSets and Jobs, from informer caches or fixtures. */
  listers: KubeListers;
  /** Joins pod/node labels into the `labels` label. @default ',' */
  labelSeparator?: string;
  /** Label keys left out of the joined `labels` value. @default [] */
  ignoreLabels?: string[];
  /** Labels also copied into their own set label: `name` or `newName=name`. @default [] */
  storeLabels?: string[];
  /** Receives every skip (counter decreases, type mismatches, unknown pods, ...) for counting. @default ignore */
  onSkip?: SkipListener;
}

const listerMethods = ['getPod', 'getNamespace', 'getNode', 'listNodes', 'getReplicaSet', 'getJob'] as const;

/**
 * Builds the processors in order: rate calculator → pod_based_enricher →
 * namespace_based_enricher → pod_aggregator → namespace_aggregator → workload_aggregator →
 * node_aggregator → cluster_aggregator → node_autoscaling_enricher.
 * Throws `ProcessorError('invalid_option')` naming the option and what it received.
 */
export function createProcessors(options: ProcessorOptions): Processor[] {
  validate(options);
  const { listers, labelSeparator = ',', ignoreLabels = [], storeLabels = [], onSkip = ignoreSkips } = options;
  const labelCopier = createLabelCopier({ separator: labelSeparator, ignoreLabels, storeLabels });

  return [
    createRateCalculator({ onSkip }),
    createPodBasedEnricher({ podLister: listers, labelCopier, onSkip }),
    createNamespaceBasedEnricher({ namespaceLister: listers, onSkip }),
    createPodAggregator({ onSkip }),
    createNamespaceAggregator({ onSkip }),
    createWorkloadAggregator({ podLister: listers, ownerLister: listers, onSkip }),
    createNodeAggregator({ onSkip }),
    createClusterAggregator(),
    createNodeAutoscalingEnricher({ nodeLister: listers, labelCopier, onSkip }),
  ];
}

/**
 * Runs `processors` in order on `batch` and returns the result. Throws `ProcessorError` when
 * one fails (the caller drops the batch); anything else a processor throws is wrapped as
 * `processor_failed` with the processor's name.
 */
export function runProcessors(processors: Processor[], batch: DataBatch): DataBatch {
  let current = batch;
  for (const processor of processors) {
    try {
      current = processor.process(current);
    } catch (error) {
      if (error instanceof ProcessorError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new ProcessorError('processor_failed', `${processor.name}: ${reason}`, { processor: processor.name }, { cause: error });
    }
  }
  return current;
}

function validate(options: ProcessorOptions): void {
  const fail = (option: string, expected: string, received: unknown): never => {
    throw new ProcessorError('invalid_option', `${option}: expected ${expected}, received ${describe(received)}`, { option });
  };
  const value = options as unknown;
  if (typeof value !== 'object' || value === null) fail('options', 'an object', value);
  const listers = options.listers as unknown;
  if (typeof listers !== 'object' || listers === null) fail('listers', 'an object', listers);
  for (const method of listerMethods) {
    if (typeof (listers as Record<string, unknown>)[method] !== 'function') fail(`listers.${method}`, 'a function', (listers as Record<string, unknown>)[method]);
  }
  if (options.labelSeparator !== undefined && typeof options.labelSeparator !== 'string') {
    fail('labelSeparator', 'a string', options.labelSeparator);
  }
  for (const option of ['ignoreLabels', 'storeLabels'] as const) {
    const list = options[option] as unknown;
    if (list === undefined) continue;
    if (!Array.isArray(list)) fail(option, 'an array of label names', list);
    (list as unknown[]).forEach((item, index) => {
      if (typeof item !== 'string' || item === '') fail(`${option}[${index}]`, 'a non-empty string', item);
    });
  }
  if (options.onSkip !== undefined && typeof options.onSkip !== 'function') fail('onSkip', 'a function', options.onSkip);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value;
}
