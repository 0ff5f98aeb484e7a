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
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';
import { toConfig } from '../src/cli/config.js';
import { parseFlags } from '../src/cli/flags.js';
import { runHeapgraph } from '../src/cli/heapgraph.js';
import { silentLogger } from '../src/core/log.js';
import { startSim } from './sim.js';

const nodes = Number(process.argv[2] ?? 1000);
const top = Number(process.argv[3] ?? 16);
const podsPerNode = 30;

interface Kind {
  count: number;
  bytes: number;
}

/** Objects and self bytes of a snapshot by `type:constructor` (strings and numbers by type only). */
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
    const named = type === 'object' || type === 'array' || type === 'hidden';
    const key = named ? `${type}:${strings[cells[at + nameAt]!]!.slice(0, 60)}` : type;
    const kind = kinds.get(key) ?? { count: 0, bytes: 0 };
    kind.count++;
    kind.bytes += cells[at + sizeAt]!;
    kinds.set(key, kind);
  }
  return kinds;
}

const snapshot = (name: string) => kindsOf(writeHeapSnapshot(join(tmpdir(), `cache-census-${name}-${process.pid}.heapsnapshot`)));

const sim = await startSim({ nodes, podsPerNode });
try {
  const before = snapshot('before');
  const parsed = toConfig(parseFlags([`--source=${sim.sourceUri}`, '--metric_resolution=1h', '--port=0', '--listen_ip=127.0.0.1']));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const app = await runHeapgraph(parsed.config, silentLogger());
  await app.manager.stop(); // no cycle: the caches alone
  const after = snapshot('after');
  await app.stop();

  const rows = [...after]
    .map(([key, { count, bytes }]) => ({ key, count: count - (before.get(key)?.count ?? 0), bytes: bytes - (before.get(key)?.bytes ?? 0) }))
    .filter((row) => row.count > 0 && !row.key.startsWith('native'))
    .sort((a, b) => b.count - a.count);
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
