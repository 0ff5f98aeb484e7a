/**
 * The store's per-slot value arrays, carved from a few large buffers instead of allocated one
 * by one.
 *
 * Why: V8 counts every `ArrayBuffer` as external memory and starts a full garbage collection
 * each time that grows by about 64 MiB since the last one, however the growth is split. While
 * the window fills, a 5,000-node store adds ~170 MiB of slot arrays per batch (~50 columns ×
 * ~4 MiB), and each of those full collections walks a heap of over 1 GiB: allocating 2 GiB in
 * 4 MiB arrays beside a 3-million-object heap cost 28 full collections and 7.3 s of pauses,
 * in 256 MiB pieces 4 and 1.0 s, in one piece 1 and 0.3 s (docs/benchmarks.md). Here each new
 * buffer is as large as everything taken so far (up to {@link SlotArenaOptions.maxChunkBytes}),
 * so a store that grows to N bytes makes about log₂ N of them.
 *
 * Arrays given back are kept by length and handed out again for the same length: the columns
 * of a store grow through one sequence of capacities (`column.ts`), so what one column gives
 * back while growing is what the next one asks for. A buffer is dropped, for the collector,
 * once none of its arrays is in use. Arrays below {@link SlotArenaOptions.minLength} are
 * allocated plainly: a small store never reserves more than it uses.
 *
 * Safety: an array given back may be handed to another column at once, so nothing may keep a
 * slot array past the call that replaces it. Readers go through `column.slots` on every read
 * (`read.ts`), never holding an array across a step of the write.
 *
 * @module
 */

/** Options of {@link createSlotArena}; the defaults suit the store, tests shrink them. */
export interface SlotArenaOptions {
  /** Shortest array, in numbers, taken from a shared buffer. @default 8192 (64 KiB) */
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
   * Bytes the shared buffers hold beyond the arrays in use: arrays kept for reuse and ends left
   * over when a new buffer began (the untouched end of the newest buffer is not counted).
   */
  idleBytes(): number;
}

interface Chunk {
  readonly values: Float64Array;
  /** Numbers handed out from the start of `values` at least once. */
  used: number;
  /** Arrays of this chunk currently in use. */
  live: number;
}

/** Creates an empty arena. */
export function createSlotArena(options: SlotArenaOptions = {}): SlotArena {
  const { minLength = 8192, minChunkBytes = 4 * 1024 * 1024, maxChunkBytes = 512 * 1024 * 1024 } = options;
  const chunks = new Map<ArrayBufferLike, Chunk>();
  const idle = new Map<number, Float64Array[]>();
  let current: Chunk | undefined;
  let reservedNumbers = 0;
  let liveNumbers = 0;

  function newChunk(length: number): Chunk {
    const grown = Math.min(Math.max(reservedNumbers * 8, minChunkBytes), maxChunkBytes);
    const numbers = Math.max(length, Math.floor(grown / 8));
    const chunk = { values: new Float64Array(numbers), used: 0, live: 0 };
    chunks.set(chunk.values.buffer, chunk);
    reservedNumbers += numbers;
    return chunk;
  }

  /** Forgets a chunk no array of which is in use, with its idle arrays. */
  function drop(chunk: Chunk): void {
    for (const [length, list] of idle) {
      const kept = list.filter((values) => values.buffer !== chunk.values.buffer);
      if (kept.length === 0) idle.delete(length);
      else idle.set(length, kept);
    }
    chunks.delete(chunk.values.buffer);
    reservedNumbers -= chunk.values.length;
    if (chunk === current) current = undefined;
  }

  return {
    take(length) {
      if (length < minLength) return new Float64Array(length);
      const reused = idle.get(length)?.pop();
      if (reused !== undefined) {
        chunks.get(reused.buffer)!.live++;
        liveNumbers += length;
        return reused;
      }
      if (current === undefined || current.values.length - current.used < length) current = newChunk(length);
      const values = current.values.subarray(current.used, current.used + length);
      current.used += length;
      current.live++;
      liveNumbers += length;
      return values;
    },
    give(values) {
      const chunk = chunks.get(values.buffer);
      if (chunk === undefined) return;
      chunk.live--;
      liveNumbers -= values.length;
      if (chunk.live === 0) {
        drop(chunk);
        return;
      }
      let list = idle.get(values.length);
      if (list === undefined) idle.set(values.length, (list = []));
      list.push(values);
    },
    idleBytes() {
      const untouched = current === undefined ? 0 : current.values.length - current.used;
      return (reservedNumbers - untouched - liveNumbers) * 8;
    },
  };
}
