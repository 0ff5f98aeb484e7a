/**
 * The streaming encoder: a batch reaches the retry buffer as compressed chunks, in batch order,
 * never more than two chunks of text at a time, with the event loop free between chunks.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMetricSet, type DataBatch } from '../../../src/core/types.js';
import { compressChunk, dropLeadingLines } from '../../../src/sinks/influxdb/chunkCodec.js';
import { countSlice, createChunkStream, type ChunkStreamOptions } from '../../../src/sinks/influxdb/chunkStream.js';
import { createLineEncoder } from '../../../src/sinks/influxdb/lineProtocol.js';
import { simBatches } from './simBatches.js';

/** `count` node sets with one `uptime` value each: one point per set. */
function nodesBatch(count: number): DataBatch {
  const metricSets = new Map();
  for (let i = 0; i < count; i++) {
    const set = createMetricSet({ type: 'node', nodename: `n${i}` });
    set.metricValues.set('uptime', i);
    metricSets.set(`node:n${i}`, set);
  }
  return { timestamp: Date.UTC(2024, 4, 1), metricSets };
}

/** A stream whose puts and drops are recorded, with the real gzip unless `compress` is given. */
function recorded(options: Partial<ChunkStreamOptions> = {}) {
  const puts: Array<{ lines: string[]; count: number }> = [];
  const dropped: Array<[number, string]> = [];
  const stream = createChunkStream({
    encoder: createLineEncoder(),
    batchLines: 100,
    compress: (text) => compressChunk(text),
    put: (body, count) => void puts.push({ lines: gunzipSync(body).toString('utf8').split('\n'), count }),
    dropped: (points, reason) => void dropped.push([points, reason]),
    ...options,
  });
  return { stream, puts, dropped };
}

describe('createChunkStream', () => {
  it('hands every line of a batch to the buffer once, in batch order, in chunks of batchLines', async () => {
    const [batch] = simBatches({ startMs: Date.UTC(2024, 4, 1), count: 1 });
    const encoder = createLineEncoder();
    const expected = encoder.encode(batch!).lines;
    const { stream, puts, dropped } = recorded({ encoder });
    await stream.start(batch!, encoder.countPoints(batch!));
    expect(puts.flatMap((p) => p.lines)).toEqual(expected);
    expect(puts.every((p) => p.lines.length === p.count && p.count <= 100)).toBe(true);
    expect(puts.slice(0, -1).every((p) => p.count === 100)).toBe(true);
    expect(dropped).toEqual([]);
    expect(stream.pendingPoints).toBe(0);
    expect(stream.busy).toBeUndefined();
  });

  it('holds at most two chunks as text: it encodes no third chunk while two wait for compression', async () => {
    const waiting: Array<() => void> = [];
    let most = 0;
    const { stream, puts } = recorded({
      // Compression that finishes only when the test says so.
      compress: (text) =>
        new Promise<Uint8Array>((resolve) => {
          waiting.push(() => resolve(gzipSync(text)));
          most = Math.max(most, waiting.length);
        }),
    });
    let finished = false;
    const done = stream.start(nodesBatch(1_000), 1_000).then(() => (finished = true));
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    // Let the stream run as far as it can on its own.
    for (let i = 0; i < 20; i++) await turn();
    expect(waiting).toHaveLength(2);
    expect(puts).toHaveLength(0);
    expect(stream.pendingPoints).toBe(1_000);
    while (!finished) {
      waiting.shift()?.();
      await turn();
    }
    await done;
    expect(most).toBe(2);
    expect(puts.map((p) => p.count)).toEqual(Array(10).fill(100));
    expect(puts.flatMap((p) => p.lines).map((line) => Number(/value=(\d+)i/.exec(line)![1]))).toEqual([...Array(1_000).keys()]);
  });

  it('lets timers run between chunks', async () => {
    const { stream, puts } = recorded({ batchLines: 50 });
    const seen: number[] = [];
    let ticking = true;
    const tick = () => {
      seen.push(puts.length);
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await stream.start(nodesBatch(5_000), 5_000);
    ticking = false;
    expect(puts).toHaveLength(100);
    // A timer fired while the batch was part-way into the buffer.
    expect(seen.some((n) => n > 0 && n < 100)).toBe(true);
  });

  it('counts the points of a big batch a slice of sets per turn of the event loop', async () => {
    const batch = nodesBatch(3 * countSlice + 7);
    const { stream } = recorded();
    let turned = false;
    setImmediate(() => (turned = true));
    expect(await stream.count(batch)).toBe(createLineEncoder().countPoints(batch));
    expect(turned).toBe(true);
    let small = false;
    setImmediate(() => (small = true));
    expect(await stream.count(nodesBatch(10))).toBe(10);
    expect(small).toBe(false); // a batch within one slice is counted at once
  });

  it('counts unencodable values and, when stopped part-way, the rest of the batch as shutdown', async () => {
    const batch = nodesBatch(1_000);
    // Infinity, not NaN: setting NaN removes a value, infinity stays and has no line protocol.
    batch.metricSets.get('node:n3')!.metricValues.set('cpu/node_utilization', Number.POSITIVE_INFINITY);
    const { stream, puts, dropped } = recorded({ batchLines: 100 });
    const done = stream.start(batch, 1_001);
    await new Promise((resolve) => setImmediate(resolve));
    await stream.stop();
    await done;
    const written = puts.reduce((sum, p) => sum + p.count, 0);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(1_000);
    expect(dropped).toEqual([
      [1, 'unencodable'],
      [1_000 - written, 'shutdown'],
    ]);
    await stream.start(nodesBatch(10), 10); // after stop: dropped at once
    expect(dropped.at(-1)).toEqual([10, 'shutdown']);
  });
});

describe('dropLeadingLines', () => {
  it('cuts the first lines out of a compressed chunk and compresses the rest again', async () => {
    const body = await compressChunk(['a 1', 'b 2', 'c 3', 'd 4'].join('\n'));
    expect(gunzipSync(await dropLeadingLines(body, 1)).toString()).toBe('b 2\nc 3\nd 4');
    expect(gunzipSync(await dropLeadingLines(body, 3)).toString()).toBe('d 4');
    expect(gunzipSync(await dropLeadingLines(body, 0)).toString()).toBe('a 1\nb 2\nc 3\nd 4');
  });
});
