/**
 * What Heapgraph's informer caches keep on the JavaScript heap: objects and bytes by kind, per pod,
 * from two heap snapshots of this process, one before Heapgraph starts and one after its caches
 * have synced against the simulator (its own process), before any housekeeping cycle. Every full
 * collection marks these objects, as it marks the batches' (`bench/census.ts`), so they decide
 * the main thread's share of marking as much (docs/benchmarks.md, P3). Not a test and not part of
 * `npm run bench`; the figures are printed, never asserted.
 *
 * Run: `node --import tsx bench/cache-census.ts [nodes=1000] [top=16]` (snapshots in the temp
 * directory, ~150 MB each at 1,000 nodes).
 *
 * @module
 */
import { toConfig } from '../src/cli/config.js';
import { parseFlags } from '../src/cli/flags.js';
import { runHeapgraph } from '../src/cli/heapgraph.js';
import { silentLogger } from '../src/core/log.js';
import { heapGrowth, heapKinds } from './heapKinds.js';
import { startSim } from './sim.js';

const nodes = Number(process.argv[2] ?? 1000);
const top = Number(process.argv[3] ?? 16);
const podsPerNode = 30;

const sim = await startSim({ nodes, podsPerNode });
try {
  const before = heapKinds('cache-census-before');
  const parsed = toConfig(parseFlags([`--source=${sim.sourceUri}`, '--metric_resolution=1h', '--port=0', '--listen_ip=127.0.0.1']));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const app = await runHeapgraph(parsed.config, silentLogger());
  await app.manager.stop(); // no cycle: the caches alone
  const after = heapKinds('cache-census-after');
  await app.stop();

  const rows = heapGrowth(before, after).sort((a, b) => b.count - a.count);
  const pods = nodes * podsPerNode;
  const objects = rows.reduce((sum, row) => sum + row.count, 0);
  const bytes = rows.reduce((sum, row) => sum + row.bytes, 0);
  console.log(`${nodes} nodes, ${pods} pods: the synced caches keep ${objects} objects (${(objects / pods).toFixed(1)} per pod), ${(bytes / 2 ** 20).toFixed(0)} MiB`);
  console.log('objects/pod   bytes/pod   kind');
  for (const row of rows.slice(0, top)) {
    console.log(`${(row.count / pods).toFixed(2).padStart(11)} ${(row.bytes / pods).toFixed(0).padStart(11)}   ${row.key}`);
  }
} finally {
  await sim.stop();
}
process.exit(0);
