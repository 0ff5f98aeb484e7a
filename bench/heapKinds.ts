/**
 * A heap snapshot counted by kind: what `census.ts` and `cache-census.ts` compare before and
 * after. Not a test; nothing here is asserted.
 *
 * @module
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

/** Objects and their self bytes of one kind. */
export interface Kind {
  count: number;
  bytes: number;
}

/**
 * Writes a heap snapshot of this process into the temp directory, counts its objects and self
 * bytes by `type:constructor` (strings and numbers by type only; `native:` kinds are outside the
 * JavaScript heap), and deletes the file.
 */
export function heapKinds(label: string): Map<string, Kind> {
  const file = writeHeapSnapshot(join(tmpdir(), `${label}-${process.pid}.heapsnapshot`));
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

/** What `after` has beyond `before`, by kind, JavaScript heap only, most bytes first. */
export function heapGrowth(before: Map<string, Kind>, after: Map<string, Kind>): Array<{ key: string } & Kind> {
  return [...after]
    .map(([key, { count, bytes }]) => ({ key, count: count - (before.get(key)?.count ?? 0), bytes: bytes - (before.get(key)?.bytes ?? 0) }))
    .filter((row) => row.bytes > 0 && !row.key.startsWith('native:'))
    .sort((a, b) => b.bytes - a.bytes);
}
