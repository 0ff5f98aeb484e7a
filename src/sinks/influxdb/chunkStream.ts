/**
 * A batch → compressed chunks in the retry buffer, one chunk at a time, in the background. The
 * encoder suspends after every chunk of `batchLines` lines (lineProtocol.ts), the chunk is gzipped
 * on the thread pool while the next chunk is encoded, and the stream waits for a turn of the
 * event loop before each chunk, so timers, I/O and requests run between chunks and no piece of
 * work is longer than one chunk's encoding (docs/influxdb.md has the figures). At most two chunks
 * exist uncompressed at any time — the one being compressed and the one being encoded, in the
 * encoder's two buffers, which is why a chunk's compression ends before the chunk after it is
 * handed over — whatever the batch size; what waits is compressed (~13 bytes per point).
 *
 * @module
 */
import type { DataBatch } from '../../core/types.js';
import type { LineEncoder } from './lineProtocol.js';

/** Options of {@link createChunkStream}. */
export interface ChunkStreamOptions {
  encoder: LineEncoder;
  /** Lines per chunk. */
  batchLines: number;
  /** Compresses a chunk's line protocol (chunkCodec.ts). */
  compress(body: Buffer): Promise<Uint8Array>;
  /** Takes a compressed chunk of `lines` points (the retry buffer's `add`). */
  put(body: Uint8Array, lines: number): void;
  /** Points the stream gave up: `unencodable` values, or the rest of a batch when stopped (`shutdown`). */
  dropped(points: number, reason: 'unencodable' | 'shutdown'): void;
}

/** The stream: one batch at a time. */
export interface ChunkStream {
  /**
   * The batch's points (the encoder's `countPoints`), counted {@link countSlice} sets per turn of
   * the event loop: at 1,000 nodes (84,000 sets) counting at once took 10–25 ms, and up to 110 ms
   * right after a full GC had moved the sets.
   */
  count(batch: DataBatch): Promise<number>;
  /**
   * Starts streaming `batch`, counted as `points` (the encoder's `countPoints`); resolves once
   * every chunk is handed to `put`. Call only when {@link busy} is undefined.
   */
  start(batch: DataBatch, points: number): Promise<void>;
  /** The batch in progress, until its last chunk is handed over. */
  readonly busy: Promise<void> | undefined;
  /** Points of the batch in progress not handed over yet. */
  readonly pendingPoints: number;
  /** Ends the batch in progress after the chunk at hand; the rest is reported dropped as `shutdown`. */
  stop(): Promise<void>;
}

/** Resolves after a turn of the event loop (timers and I/O included), unlike a resolved promise. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Metric sets counted per turn: a few milliseconds' work even when the sets are cold in memory. */
export const countSlice = 5_000;

/** Creates a stream. */
export function createChunkStream({ encoder, batchLines, compress, put, dropped }: ChunkStreamOptions): ChunkStream {
  let busy: Promise<void> | undefined;
  let pendingPoints = 0;
  let stopped = false;

  async function run(batch: DataBatch): Promise<void> {
    const chunks = encoder.chunks(batch, batchLines);
    let ready: Promise<{ body: Uint8Array; lines: number }> | undefined;
    const hand = (chunk: { body: Uint8Array; lines: number } | undefined) => {
      if (!chunk) return;
      pendingPoints -= chunk.lines;
      put(chunk.body, chunk.lines);
    };
    let failed = false;
    try {
      for (const { body: text, lines } of chunks) {
        const compressing = compress(text).then((body) => ({ body, lines }));
        compressing.catch(() => undefined); // awaited on the next turn; a failure must not count as unhandled meanwhile
        const [previous] = await Promise.all([ready, nextTurn()]);
        hand(previous);
        ready = compressing;
        if (stopped) break;
      }
      hand(await ready);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      if (chunks.skipped > 0) dropped(chunks.skipped, 'unencodable');
      const left = pendingPoints - chunks.skipped;
      // Only a stop ends a batch early; anything else that does (zlib out of memory) lost the rest.
      if (left > 0) dropped(left, failed ? 'unencodable' : 'shutdown');
      pendingPoints = 0;
    }
  }

  return {
    async count(batch) {
      let points = 0;
      let inSlice = 0;
      for (const set of batch.metricSets.values()) {
        points += encoder.setPoints(set);
        if (++inSlice === countSlice) {
          inSlice = 0;
          await nextTurn();
        }
      }
      return points;
    },
    start(batch, points) {
      if (busy) throw new Error('a batch is still being streamed');
      if (stopped) {
        dropped(points, 'shutdown');
        return Promise.resolve();
      }
      pendingPoints = points;
      const running = run(batch).finally(() => {
        busy = undefined;
      });
      busy = running;
      return running;
    },
    get busy() {
      return busy;
    },
    get pendingPoints() {
      return pendingPoints;
    },
    async stop() {
      stopped = true;
      await busy?.catch(() => undefined);
    },
  };
}
