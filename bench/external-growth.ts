/**
 * How many full garbage collections V8 starts while a process with a large heap allocates
 * `Float64Array`s it keeps, by the size of the pieces: the measurement behind the store's slot
 * arena (`src/store/arena.ts`). Not a test and not part of `npm run bench`; figures are printed.
 *
 * Run: `node --import tsx bench/external-growth.ts [piece MiB=4] [total MiB=2048] [objects=3000000]`
 * once per piece size (each run is a fresh process, so the heap's history is the same).
 *
 * @module
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';

const pieceMiB = Number(process.argv[2] ?? 4);
const totalMiB = Number(process.argv[3] ?? 2048);
const objects = Number(process.argv[4] ?? 3_000_000);

let full = 0;
let young = 0;
let pausesMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    pausesMs += entry.duration;
    if ((entry.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full++;
    else young++;
  }
}).observe({ entryTypes: ['gc'] });

// A heap of small objects, as the informer caches and a batch's sets make one.
const heap: { id: number; name: string; list: number[] }[] = [];
for (let i = 0; i < objects; i++) heap.push({ id: i, name: `object-${i % 1000}`, list: [i] });
await new Promise((resolve) => setTimeout(resolve, 200));
full = young = pausesMs = 0;

const kept: Float64Array[] = [];
const started = performance.now();
const pieceNumbers = (pieceMiB * 1024 * 1024) / 8;
for (let allocated = 0; allocated < totalMiB; allocated += pieceMiB) kept.push(new Float64Array(pieceNumbers).fill(Number.NaN));
await new Promise((resolve) => setTimeout(resolve, 500));

console.log(
  `${totalMiB} MiB in ${pieceMiB} MiB pieces beside ${heap.length} objects: ` +
    `${full} full and ${young} young collections, ${pausesMs.toFixed(0)} ms of pauses, ` +
    `${(performance.now() - started).toFixed(0)} ms in all (${kept.length} arrays kept)`,
);
