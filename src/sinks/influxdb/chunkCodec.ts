/**
 * How a chunk of line protocol is held and sent: gzipped once, right after it is encoded, on
 * libuv's thread pool (zlib's async API), so the main thread only builds the bytes. The gzipped
 * bytes are what the retry buffer holds and what goes on the wire (`Content-Encoding: gzip`).
 *
 * @module
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * The gzip level of every chunk: 1. Measured with `bench/influx-write.ts` against Debian's
 * influxd 1.6.7 on 127.0.0.1 (2-core machine; the simulator's 100-node × 30-pod batch, 234,805
 * points, 311 bytes per line; 3 rounds, levels interleaved; 2026-11-27):
 * - influxd's CPU per point does not depend on the level — 13.5–18.2 µs plain, 14.2–15.6 level 1,
 *   14.0–18.7 level 6 at concurrency 1–8 — nor do its points/s beyond the run-to-run spread (at
 *   concurrency 4, medians plain 148k, level 1 129k, level 6 142k, while level 1 alone ranged
 *   104–168k): unpacking is a small part of influxd's work, so compressing does not slow writes;
 * - our cost: level 1 ≈ 2–3 ms per 5,000-line chunk (~0.5 µs per point, on the thread pool),
 *   level 6 ≈ 6–7 ms;
 * - what the retry buffer holds: level 1 12.7 bytes per point (24:1), level 6 9.3, plain 311.
 * Level 1 keeps the buffer small for half the compression time of level 6.
 */
export const gzipLevel = 1;

/** Compresses one chunk of line protocol. */
export function compressChunk(body: Uint8Array | string, level: number = gzipLevel): Promise<Buffer> {
  return gzipAsync(body, { level });
}

/** The text of a compressed chunk. */
export async function chunkText(body: Uint8Array): Promise<string> {
  return (await gunzipAsync(body)).toString('utf8');
}

/**
 * The chunk without its first `lines` lines, compressed again: the retry buffer drops the oldest
 * points of a chunk lazily (it only counts them) and this runs once, when that chunk is sent.
 */
export async function dropLeadingLines(body: Uint8Array, lines: number, level: number = gzipLevel): Promise<Buffer> {
  if (lines <= 0) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const text = await chunkText(body);
  let at = -1;
  for (let i = 0; i < lines; i++) {
    at = text.indexOf('\n', at + 1);
    if (at === -1) return compressChunk('', level);
  }
  return compressChunk(text.slice(at + 1), level);
}
