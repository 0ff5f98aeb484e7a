/**
 * The store's per-slot value arrays, carved from a few large buffers instead of allocated one
 * by one.
 *
 * Why: V8 counts every `ArrayBuffer` as external memory, and a new one that takes it ~64 MiB past
 * its level at the last full garbage collection starts another. How often that happens depends on
 * how many buffers the growth comes in: 2 GiB allocated beside a 3-million-object heap cost 28 full
 * collections and 7.3 s of pauses in 4 MiB arrays, 4 and 1.0 s in 256 MiB pieces, 1 and 0.3 s in
 * one piece (docs/benchmarks.md). While the window fills, a 5,000-node store adds ~170 MiB of slot
 * arrays per batch (~50 columns × ~4 MiB), and each full collection walks a heap of over 1 GiB.
 * Here each new buffer is as large as everything taken so far (up to
 * {@link SlotArenaOptions.maxChunkBytes}), so a store that grows to N bytes makes about log₂ N.
 *
 * An array given back leaves a free range in its buffer, merged with the free ranges beside it;
 * a later array of that length or less is carved from the first range it fits, oldest buffer
 * first, before new space is touched. Columns grow, compact and go while others keep their arrays
 * in the same buffer, so exact reuse by length would strand every replaced array (a compacted
 * column never asks for its old length again). A buffer none of whose arrays is in use is
 * dropped, for the collector. Arrays below {@link SlotArenaOptions.minLength} are allocated
 * plainly: a small store never reserves more than it uses.
 *
 * Safety: an array given back may be handed to another column at once, so nothing may keep a
 * slot array past the call that replaces it. Readers go through `column.slots` on every read
 * (`read.ts`), never holding an array across a step of the write.
 *
 * @module
 */

/** Options of {@link createSlotArena}; the defaults suit the store, tests shrink them. */
export interface SlotArenaOptions {
  /**
   * Shortest array, in numbers, taken from a shared buffer. Below it (clusters of up to ~2,500
   * nodes) the growth of a filling window starts few full collections of a small heap, and at
   * 1,000 nodes the arena cost 70–140 MiB more RSS for no CPU saved (docs/benchmarks.md).
   * @default 262144 (2 MiB)
   */
  minLength?: number;
  /** Smallest buffer, bytes. @default 4 MiB */
  minChunkBytes?: number;
  /** Largest buffer, bytes, unless one array needs more. @default 512 MiB */
  maxChunkBytes?: number;
}

/** Float64Arrays for slot values; see the module comment. */
export interface SlotArena {
  /** An array of `length` numbers with unspecified contents (callers fill it). */
  take(length: number): Float64Array;
  /** Returns an array from {@link take}; the caller must not touch it again. Plain arrays are ignored. */
  give(values: Float64Array): void;
  /**
   * Bytes the shared buffers hold beyond the arrays in use (the unused end of the newest buffer,
   * never touched, is not counted).
   */
  idleBytes(): number;
}

interface Chunk {
  readonly values: Float64Array;
  /** Numbers from the start of `values` handed out at least once; the rest is its unused end. */
  used: number;
  /** Arrays of this chunk currently in use. */
  live: number;
  /** Free ranges below `used`, ascending and apart: start, end, start, end, … */
  readonly free: number[];
}

/** Creates an empty arena. */
export function createSlotArena(options: SlotArenaOptions = {}): SlotArena {
  const { minLength = 262_144, minChunkBytes = 4 * 1024 * 1024, maxChunkBytes = 512 * 1024 * 1024 } = options;
  // Oldest first: holes in old buffers are filled before new space is touched, so a buffer
  // whose arrays all went can empty out and be dropped.
  const chunks = new Map<ArrayBufferLike, Chunk>();
  let newest: Chunk | undefined;
  let reservedNumbers = 0;
  let liveNumbers = 0;

  function newChunk(length: number): Chunk {
    const grown = Math.min(Math.max(reservedNumbers * 8, minChunkBytes), maxChunkBytes);
    const numbers = Math.max(length, Math.floor(grown / 8));
    const chunk: Chunk = { values: new Float64Array(numbers), used: 0, live: 0, free: [] };
    chunks.set(chunk.values.buffer, chunk);
    reservedNumbers += numbers;
    newest = chunk;
    return chunk;
  }

  /** Start of room for `length` in `chunk` (its first free range that fits, else its unused end), taken; -1 if none. */
  function takeRoom(chunk: Chunk, length: number): number {
    const { free } = chunk;
    for (let i = 0; i < free.length; i += 2) {
      const start = free[i]!;
      if (free[i + 1]! - start < length) continue;
      if (free[i + 1] === start + length) free.splice(i, 2);
      else free[i] = start + length;
      return start;
    }
    if (chunk.values.length - chunk.used < length) return -1;
    chunk.used += length;
    return chunk.used - length;
  }

  /** Returns [start, end) to `chunk`, merged with the free ranges and the unused end it touches. */
  function putFree(chunk: Chunk, start: number, end: number): void {
    const { free } = chunk;
    let i = 0;
    while (i < free.length && free[i]! < start) i += 2;
    if (i > 0 && free[i - 1] === start) {
      start = free[i - 2]!;
      i -= 2;
      free.splice(i, 2);
    }
    if (i < free.length && free[i] === end) {
      end = free[i + 1]!;
      free.splice(i, 2);
    }
    if (end === chunk.used) chunk.used = start;
    else free.splice(i, 0, start, end);
  }

  function handOut(chunk: Chunk, start: number, length: number): Float64Array {
    chunk.live++;
    liveNumbers += length;
    return chunk.values.subarray(start, start + length);
  }

  return {
    take(length) {
      if (length < minLength) return new Float64Array(length);
      for (const chunk of chunks.values()) {
        const start = takeRoom(chunk, length);
        if (start >= 0) return handOut(chunk, start, length);
      }
      const chunk = newChunk(length);
      return handOut(chunk, takeRoom(chunk, length), length);
    },
    give(values) {
      const chunk = chunks.get(values.buffer);
      if (chunk === undefined) return;
      chunk.live--;
      liveNumbers -= values.length;
      if (chunk.live > 0) {
        const start = values.byteOffset / Float64Array.BYTES_PER_ELEMENT;
        putFree(chunk, start, start + values.length);
        return;
      }
      chunks.delete(chunk.values.buffer);
      reservedNumbers -= chunk.values.length;
      if (chunk === newest) newest = undefined;
    },
    idleBytes() {
      const untouched = newest === undefined ? 0 : newest.values.length - newest.used;
      return (reservedNumbers - untouched - liveNumbers) * 8;
    },
  };
}
