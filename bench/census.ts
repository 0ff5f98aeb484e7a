/**
 * What one processed batch keeps on the JavaScript heap, per metric set: objects and bytes by
 * kind, from two heap snapshots, one before and one after one more batch is decoded and run
 * through the processors (both batches then held). Scavenges copy what a batch keeps, so these
 * bytes decide the young-generation collector's share of a cycle (docs/benchmarks.md, P1 and P3).
 * Not a test and not part of `npm run bench`; the figures are printed, never asserted.
 *
 * Run: `node --import tsx bench/census.ts [nodes=200] [top=16]` (snapshots in the temp directory,
 * ~100 MB each at 200 nodes). Slab bytes (`JSArrayBufferData`) are outside the collector's copying.
 *
 * @module
 */
import { runToEnd } from '../src/core/slices.js';
import type { DataBatch, MetricSet } from '../src/core/types.js';
import { ShardedMap } from '../src/core/shardedMap.js';
import { createProcessors } from '../src/processors/pipeline.js';
import { renderSummary } from '../src/sim/kubelet/summary.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createBatchCluster } from './batchCluster.js';
import { heapGrowth, heapKinds } from './heapKinds.js';

const nodes = Number(process.argv[2] ?? 200);
const top = Number(process.argv[3] ?? 16);
const minuteMs = 60_000;

const { cluster, listers, clock } = createBatchCluster(nodes, 10);
const processors = createProcessors({ listers });

function nextBatch(): DataBatch {
  const nowMs = clock.advance(minuteMs);
  let batch: DataBatch = { timestamp: nowMs, metricSets: new ShardedMap<MetricSet>() };
  for (const node of cluster.nodes) {
    const body = Buffer.from(renderSummary(cluster.sample(node, nowMs)));
    const decoded = decodeSummary(body, { nodeName: node.name, hostname: node.name, hostId: node.uid }, { nowMs });
    for (const [key, set] of decoded.metricSets) batch.metricSets.set(key, set);
  }
  for (const processor of processors) batch = runToEnd(processor.steps(batch));
  return batch;
}

// Three batches first: the key memo, label caches and compiled code reach their steady state.
const held = [nextBatch(), nextBatch(), nextBatch()];
const before = heapKinds('census-before');
held.push(nextBatch());
const after = heapKinds('census-after');
const sets = held.at(-1)!.metricSets.size;

const rows = heapGrowth(before, after);
const heap = rows.reduce((sum, row) => sum + row.bytes, 0);
const objects = rows.reduce((sum, row) => sum + row.count, 0);
console.log(`${nodes} nodes, ${sets} sets: the batch keeps ${(heap / sets).toFixed(0)} B and ${(objects / sets).toFixed(2)} objects per set on the JS heap`);
console.log('objects/set   bytes/set   kind');
for (const row of rows.slice(0, top)) {
  console.log(`${(row.count / sets).toFixed(2).padStart(11)} ${(row.bytes / sets).toFixed(1).padStart(11)}   ${row.key}`);
}
process.exit(0);
