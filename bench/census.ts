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
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { runToEnd } from '../src/core/slices.js';
import type { DataBatch, MetricSet } from '../src/core/types.js';
import { ShardedMap } from '../src/core/shardedMap.js';
import { createProcessors } from '../src/processors/pipeline.js';
import { renderSummary } from '../src/sim/kubelet/summary.js';
import { decodeSummary } from '../src/sources/summary/decode.js';
import { createBatchCluster } from './batchCluster.js';

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
const before = writeHeapSnapshot(join(tmpdir(), `census-before-${process.pid}.heapsnapshot`));
held.push(nextBatch());
const after = writeHeapSnapshot(join(tmpdir(), `census-after-${process.pid}.heapsnapshot`));
const sets = held.at(-1)!.metricSets.size;

interface Kind {
  count: number;
  bytes: number;
}

/** Objects and self bytes by `type:constructor` (strings by type only). */
function kindsOf(file: string): Map<string, Kind> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  rmSync(file);
  const fields: string[] = snapshot.snapshot.meta.node_fields;
  const types: string[] = snapshot.snapshot.meta.node_types[0];
  const { nodes: cells, strings } = snapshot as { nodes: number[]; strings: string[] };
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const kinds = new Map<string, Kind>();
  for (let at = 0; at < cells.length; at += fields.length) {
    const type = types[cells[at + typeAt]!]!;
    const named = type === 'object' || type === 'array' || type === 'hidden' || type === 'native';
    const key = named ? `${type}:${strings[cells[at + nameAt]!]!.slice(0, 60)}` : type;
    const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
    kind.count++;
    kind.bytes += cells[at + sizeAt]!;
    kinds.set(key, kind);
  }
  return kinds;
}

const was = kindsOf(before);
const rows = [...kindsOf(after)]
  .map(([key, { count, bytes }]) => ({ key, count: count - (was.get(key)?.count ?? 0), bytes: bytes - (was.get(key)?.bytes ?? 0) }))
  .filter((row) => row.bytes > 0)
  .sort((a, b) => b.bytes - a.bytes);
const heap = rows.filter((row) => !row.key.startsWith('native:')).reduce((sum, row) => sum + row.bytes, 0);
const objects = rows.filter((row) => !row.key.startsWith('native:')).reduce((sum, row) => sum + row.count, 0);
console.log(`${nodes} nodes, ${sets} sets: the batch keeps ${(heap / sets).toFixed(0)} B and ${(objects / sets).toFixed(2)} objects per set on the JS heap`);
console.log('objects/set   bytes/set   kind');
for (const row of rows.slice(0, top)) {
  console.log(`${(row.count / sets).toFixed(2).padStart(11)} ${(row.bytes / sets).toFixed(1).padStart(11)}   ${row.key}`);
}
process.exit(0);
