/**
 * Dense numeric ids that are reused lowest-first, so arrays indexed by id stay as short as the
 * number of live ids allows and shrink back after churn.
 *
 * @module
 */

/** Allocates and releases small non-negative integer ids. */
export interface IdPool {
  /** The lowest free id. */
  allocate(): number;
  /** Returns an id in use to the pool. */
  release(id: number): void;
  /** Whether `id` is currently allocated. */
  has(id: number): boolean;
  /** One past the highest id in use: arrays indexed by id need this length. */
  readonly highWater: number;
  /** Number of ids in use. */
  readonly liveCount: number;
  /** Drops stale free-list entries and shrinks the backing arrays. */
  compact(): void;
  /** Bytes of the backing typed arrays. */
  memoryBytes(): number;
}

const initialCapacity = 16;

/** Creates an empty pool. */
export function createIdPool(): IdPool {
  let inUse = new Uint8Array(initialCapacity);
  // A binary min-heap of released ids. Entries at or above `highWater` are stale (the mark
  // dropped below them); `allocate` discards them, and always before `highWater` grows again.
  let heap = new Int32Array(initialCapacity);
  let heapSize = 0;
  let highWater = 0;
  let liveCount = 0;

  function push(id: number): void {
    if (heapSize === heap.length) {
      const grown = new Int32Array(heap.length * 2);
      grown.set(heap);
      heap = grown;
    }
    let i = heapSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! <= id) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = id;
  }

  function pop(): number {
    const top = heap[0]!;
    const last = heap[--heapSize]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heapSize) break;
      const right = left + 1;
      const child = right < heapSize && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    if (heapSize > 0) heap[i] = last;
    return top;
  }

  function markUsed(id: number): number {
    if (id >= inUse.length) {
      let length = inUse.length;
      while (length <= id) length *= 2;
      const grown = new Uint8Array(length);
      grown.set(inUse);
      inUse = grown;
    }
    inUse[id] = 1;
    liveCount++;
    return id;
  }

  return {
    allocate() {
      while (heapSize > 0) {
        const id = pop();
        if (id < highWater) return markUsed(id);
      }
      return markUsed(highWater++);
    },
    release(id) {
      if (id < 0 || id >= highWater || inUse[id] === 0) return;
      inUse[id] = 0;
      liveCount--;
      if (id === highWater - 1) {
        while (highWater > 0 && inUse[highWater - 1] === 0) highWater--;
      } else {
        push(id);
      }
    },
    has(id) {
      return id >= 0 && id < highWater && inUse[id] === 1;
    },
    get highWater() {
      return highWater;
    },
    get liveCount() {
      return liveCount;
    },
    compact() {
      // An ascending array is a valid min-heap, so rebuilding is one scan.
      const free = highWater - liveCount;
      let capacity = initialCapacity;
      while (capacity < free) capacity *= 2;
      heap = new Int32Array(capacity);
      heapSize = 0;
      for (let id = 0; id < highWater; id++) if (inUse[id] === 0) heap[heapSize++] = id;
      let length = initialCapacity;
      while (length < highWater) length *= 2;
      if (length < inUse.length) inUse = inUse.slice(0, length);
    },
    memoryBytes() {
      return inUse.byteLength + heap.byteLength;
    },
  };
}
