/**
 * The older part of a range, from InfluxDB (`--historical_source`): where memory ends, which
 * lookups need InfluxDB, and one per-operation DataLoader that sends every such lookup of an
 * operation to InfluxDB as ONE request of statements (`InfluxHistory.seriesBatch`).
 *
 * Memory answers every point from where it starts ({@link memoryStartMs}) on; InfluxDB answers
 * the part of a range before that. The two parts never overlap, so a merged series has no
 * duplicates and memory is the only source for the time it holds.
 *
 * @module
 */
import DataLoader from 'dataloader';
import type { Logger } from '../../core/log.js';
import { InfluxError } from '../../sinks/influxdb/errors.js';
import { checkKey, checkLabels, checkMetricName, historicalKeyFromModelKey } from '../../sinks/influxdb/historyQuery.js';
import type { HistoricalRange, InfluxHistory, SeriesRequest } from '../../sinks/influxdb/historyTypes.js';
import type { Point, QueryService } from '../query/types.js';
import { influxMaxMs, influxMinMs } from '../rest/historicalParams.js';
import { influxFailureAnswers } from '../rest/historicalReply.js';
import { labelSetKey } from './completion.js';
import type { RangeMs } from './loaders.js';

/** The historical source as the surface's operations share it. */
export interface HistorySettings {
  readonly source: InfluxHistory;
  /** Hears of InfluxDB failures (once per failed request, not once per field). */
  readonly logger?: Logger | undefined;
}

/** Both exclusive bounds of an InfluxDB lookup, ms, inside InfluxDB's time range. */
export type ExclusiveRange = Required<HistoricalRange>;

/** One lookup of the older part of a series. */
export interface OlderLookup {
  /** The model-store key of the entity. */
  readonly key: string;
  readonly metric: string;
  /** Points of a labeled metric with these labels (InfluxDB tag match); absent for unlabeled metrics. */
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly range: ExclusiveRange;
}

/** The older parts of one operation's ranges. */
export interface HistoryReader {
  /**
   * The part of an inclusive range that memory cannot hold, as InfluxDB's exclusive bounds;
   * undefined when memory holds all of it, or the range has no start (no start means "what
   * memory holds": an unbounded lookup would read all of InfluxDB).
   */
  olderPart(range: RangeMs): ExclusiveRange | undefined;
  /** The points of a lookup, ascending; batched with every other lookup of the operation. */
  points(lookup: OlderLookup): Promise<Point[]>;
}

const clamp = (ms: number): number => Math.min(influxMaxMs, Math.max(influxMinMs, ms));

/**
 * Where memory's answer starts. Eviction keeps the points after `newest − retention`; once memory
 * has run that long (the batch one resolution before its oldest would have been evicted anyway)
 * it holds everything from `newest − retention + 1` on, and a range of exactly the retention (a
 * dashboard's `lastMinutes: 15`) needs no InfluxDB. Until then (after a start) memory starts at its
 * oldest batch and InfluxDB fills the time before. With no batch at all (`--disable_metric_sink`)
 * memory holds nothing.
 */
export function memoryStartMs(query: QueryService, resolutionMs: number): number {
  const timestamps = query.timestamps();
  if (timestamps.length === 0) return Number.POSITIVE_INFINITY;
  const oldest = timestamps[0]!;
  const earliestHeld = timestamps[timestamps.length - 1]! - query.retentionMs + 1;
  return oldest - resolutionMs < earliestHeld ? earliestHeld : oldest;
}

/**
 * `[startMs, min(endMs, boundary))` of an inclusive range as InfluxDB's exclusive bounds, clamped
 * to InfluxDB's time range (1677–2262: a bound beyond it fails the statement). Points sit on whole
 * milliseconds, so `> start − 1` keeps `start`, and `< end + 1` keeps `end`.
 */
export function olderPartOf(range: RangeMs, boundaryMs: number): ExclusiveRange | undefined {
  const { startMs, endMs } = range;
  if (startMs === undefined || startMs >= boundaryMs) return undefined;
  const older = { startMs: clamp(startMs - 1), endMs: clamp(Math.min(endMs === undefined ? Number.POSITIVE_INFINITY : endMs + 1, boundaryMs)) };
  // No whole millisecond strictly between the bounds: nothing to ask.
  return older.endMs - older.startMs < 2 ? undefined : older;
}

const requestKey = (r: SeriesRequest): string => `${JSON.stringify(r.key)}\u0000${r.metric}\u0000${r.labels ? labelSetKey(r.labels) : ''}\u0000${r.startMs}\u0000${r.endMs}`;

/** The InfluxDB error a field shows: the REST routes' wording (`InfluxDB did not answer: ...`), same code. */
function fieldError(error: unknown, logger: Logger | undefined): Error {
  if (!(error instanceof InfluxError)) return error instanceof Error ? error : new Error(String(error));
  const { prefix, log } = influxFailureAnswers[error.code];
  if (log) logger?.warn({ code: error.code, context: error.context, err: error.message }, 'graphql history query failed');
  return new InfluxError(error.code, `${prefix}${error.message}`, error.context, { cause: error });
}

/**
 * Creates the reader of one operation. Lookups are collected until the operation has nothing
 * left to resolve but them: the batch is dispatched on `setImmediate`, after every promise job
 * and `nextTick` of the execution (DataLoader's default, a `nextTick`, would also split the
 * batch around any resolver that waits for I/O), so fields at every depth travel together.
 */
export function createHistoryReader(query: QueryService, { source, logger }: HistorySettings, resolutionMs: number): HistoryReader {
  const loader = new DataLoader<SeriesRequest, Point[], string>(
    async (requests) => {
      try {
        const answers = await source.seriesBatch(requests);
        return answers.map((answer) => answer.points);
      } catch (error) {
        throw fieldError(error, logger);
      }
    },
    {
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
      cacheKeyFn: requestKey,
    },
  );
  return {
    olderPart: (range) => olderPartOf(range, memoryStartMs(query, resolutionMs)),
    async points({ key, metric, labels, range }) {
      const historical = historicalKeyFromModelKey(key);
      // Every entity of the graph has a key of core/keys.ts; anything else has no InfluxDB series.
      if (historical === undefined) return [];
      // Checked here, alone: a lookup InfluxDB cannot be asked fails its own field, not the batch.
      checkKey(historical);
      checkMetricName(metric);
      checkLabels(labels);
      return loader.load({ key: historical, metric, ...(labels ? { labels } : {}), ...range });
    },
  };
}
