/**
 * The context of one GraphQL operation (one HTTP request, or one shared execution of a
 * subscription for one batch): the query service, the operation's loaders (with the historical
 * source when there is one), its points budget and a memo for indexes several fields derive from
 * the same lists.
 *
 * @module
 */
import type { DataBatch } from '../../core/types.js';
import { UNRESTRICTED, type AccessScope } from '../auth/types.js';
import { scopeQueryService } from '../query/scope.js';
import { scopeHistory } from '../query/scopeHistory.js';
import type { QueryService } from '../query/types.js';
import { GraphqlSurfaceError } from './errors.js';
import { createHistoryReader, type HistorySettings } from './history.js';
import { createSeriesLoaders, type SeriesLoaders } from './loaders.js';

/** Counts the points an operation returns and stops it at the cap. */
export interface PointBudget {
  /** Adds `count` points; throws `points_limit` once the total passes the cap. */
  spend(count: number): void;
  /** Points returned so far. */
  readonly spent: number;
  /** The error raised when the cap was passed, if it was. */
  readonly exceeded: GraphqlSurfaceError | undefined;
}

/** Page sizes of list fields. */
export interface PageLimits {
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
}

/**
 * Values derived from the newest batch alone (entity lists, pods by node), shared by every
 * operation until the next batch is stored: each list is read from the store once per batch,
 * not once per request.
 */
export interface BatchMemo {
  get<T>(key: string, build: () => T): T;
}

/** A memo that starts over whenever the query service's newest batch is another object. */
export function createBatchMemo(query: QueryService): BatchMemo {
  let batch: DataBatch | undefined;
  let entries = new Map<string, unknown>();
  return {
    get<T>(key: string, build: () => T): T {
      const newest = query.latestBatch();
      if (newest !== batch) {
        batch = newest;
        entries = new Map();
      }
      if (entries.has(key)) return entries.get(key) as T;
      const value = build();
      entries.set(key, value);
      return value;
    },
  };
}

/** What every resolver receives. */
export interface OperationContext {
  /** The query service as the caller sees it (`scopeQueryService`): hidden entities do not exist in it. */
  readonly query: QueryService;
  /** What the caller may see (unrestricted without a front door). */
  readonly scope: AccessScope;
  readonly loaders: SeriesLoaders;
  readonly points: PointBudget;
  readonly pages: PageLimits;
  /** `--metric_resolution`, ms. */
  readonly resolutionMs: number;
  /** Builds a value once per operation (indexes that also read the Kubernetes caches). */
  memo<T>(key: string, build: () => T): T;
  /** Builds a value once per stored batch (lists and indexes read from the newest batch only); treat it as immutable. */
  batchMemo<T>(key: string, build: () => T): T;
}

/** What is shared by every operation of a surface. */
export interface ContextSettings {
  /** The whole query service; each operation reads it through its caller's scope. */
  readonly query: QueryService;
  /** Shared by the surface's operations. */
  readonly batchMemo: BatchMemo;
  readonly pages: PageLimits;
  readonly resolutionMs: number;
  readonly maxPointsPerOperation: number;
  /** The historical source (`--historical_source`): completes ranges that start before memory. */
  readonly history?: HistorySettings | undefined;
}

function createPointBudget(max: number): PointBudget {
  let spent = 0;
  let exceeded: GraphqlSurfaceError | undefined;
  return {
    spend(count) {
      spent += count;
      if (spent > max) {
        exceeded ??= new GraphqlSurfaceError(
          'points_limit',
          `The operation returns more than ${max} points (series points and aggregation buckets); ask for a shorter range, fewer series or a smaller page`,
          { limit: max },
        );
        throw exceeded;
      }
    },
    get spent() {
      return spent;
    },
    get exceeded() {
      return exceeded;
    },
  };
}

/**
 * A fresh context for one operation of a caller with `scope`. Per-batch memos are kept apart per
 * scope key, so a list built for one caller is never served to a caller who sees other entities;
 * the historical source is read through the same scope.
 */
export function createOperationContext(settings: ContextSettings, scope: AccessScope = UNRESTRICTED): OperationContext {
  const { batchMemo, pages, resolutionMs, maxPointsPerOperation } = settings;
  const query = scopeQueryService(settings.query, scope);
  const history = settings.history && !scope.unrestricted ? { ...settings.history, source: scopeHistory(settings.history.source, scope, query) } : settings.history;
  const memoPrefix = scope.unrestricted ? '' : `${scope.key}\u0000`;
  const memos = new Map<string, unknown>();
  return {
    query,
    scope,
    // One reader per operation: its DataLoader sends all of the operation's older lookups as one request.
    loaders: createSeriesLoaders(query, history ? createHistoryReader(query, history, resolutionMs) : undefined),
    points: createPointBudget(maxPointsPerOperation),
    pages,
    resolutionMs,
    memo<T>(key: string, build: () => T): T {
      if (memos.has(key)) return memos.get(key) as T;
      const value = build();
      memos.set(key, value);
      return value;
    },
    batchMemo: (key, build) => batchMemo.get(memoPrefix + key, build),
  };
}
