/**
 * Relay-style connections over entity lists: label-selector filtering, top-N ordering by a
 * metric's latest value, and keyset cursors. A cursor names the last entity seen (and its sort
 * value), not an offset, so paging stays correct while batches add and remove entities.
 *
 * @module
 */
import { parseLabelSelector } from '../../core/labelSelector.js';
import { checkMetric } from './args.js';
import type { OperationContext } from './context.js';
import { invalidArgument } from './errors.js';
import type { MetricOrder } from './generated/types.js';
import type { EntityModel } from './models.js';
import type { Point } from '../query/types.js';

/** Arguments every list field takes. */
export interface ListArgs {
  labelSelector?: string | null;
  orderBy?: MetricOrder | null;
  first?: number | null;
  after?: string | null;
}

/** One edge of a page. */
export interface Edge<M> {
  cursor: string;
  node: M;
  orderValue: number | null;
}

/** One page of a list. */
export interface Connection<M> {
  edges: Edge<M>[];
  nodes: M[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** What a cursor holds: the entity key, its sort value, and the ordering it belongs to. */
interface CursorState {
  k: string;
  v?: number | null;
  o: string;
}

function orderingOf(orderBy: MetricOrder | null | undefined): string {
  return orderBy ? `${orderBy.metric}:${orderBy.direction ?? 'DESC'}` : 'key';
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(cursor: string, ordering: string): CursorState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    invalidArgument('after', 'not a cursor of this list', cursor);
  }
  const s = state as Partial<CursorState> | null;
  if (!s || typeof s !== 'object' || typeof s.k !== 'string' || typeof s.o !== 'string' || (s.v !== undefined && s.v !== null && typeof s.v !== 'number')) {
    invalidArgument('after', 'not a cursor of this list', cursor);
  }
  if (s.o !== ordering) invalidArgument('after', `the cursor belongs to another ordering (${s.o}, not ${ordering})`, cursor);
  return s as CursorState;
}

function pageSize(first: number | null | undefined, context: OperationContext): number {
  const { defaultPageSize, maxPageSize } = context.pages;
  if (first === null || first === undefined) return defaultPageSize;
  if (!Number.isInteger(first) || first < 0 || first > maxPageSize) invalidArgument('first', `must be an integer from 0 to ${maxPageSize}`, first);
  return first;
}

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sort value comparison: entities without a value last in either direction, ties by key. */
function compareEntries(direction: 'ASC' | 'DESC'): (a: { v: number | null; k: string }, b: { v: number | null; k: string }) => number {
  return (a, b) => {
    if (a.v !== b.v) {
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      return direction === 'ASC' ? a.v - b.v : b.v - a.v;
    }
    return byKey(a.k, b.k);
  };
}

interface Entry<M> {
  item: M;
  k: string;
  v: number | null;
  point: Point | null;
}

/**
 * Orders of shared (per-batch) lists, by metric and direction. A list array is replaced when a
 * batch is stored, so an order is computed once per batch however many dashboards ask for it.
 */
const orders = new WeakMap<readonly EntityModel[], Map<string, readonly Entry<EntityModel>[]>>();

/** `items` by the latest value of `metric`, cached per shared list. */
function ordered<M extends EntityModel>(items: readonly M[], shareable: boolean, metric: string, direction: 'ASC' | 'DESC', context: OperationContext): readonly Entry<M>[] {
  const cacheKey = `${metric}:${direction}`;
  let entries = shareable ? (orders.get(items)?.get(cacheKey) as readonly Entry<M>[] | undefined) : undefined;
  if (!entries) {
    // Read synchronously: one promise per entity would cost more than the lookups themselves.
    const computed = items.map((item) => {
      const point = context.query.latest(item.key, metric) ?? null;
      return { item, k: item.key, v: point?.value ?? null, point };
    });
    computed.sort(compareEntries(direction));
    entries = computed;
    if (shareable) {
      let byOrder = orders.get(items);
      if (!byOrder) orders.set(items, (byOrder = new Map()));
      byOrder.set(cacheKey, entries);
    }
  }
  return entries;
}

/**
 * One page of `items` (already sorted by key), filtered by `labelSelector` over `labelsOf`,
 * ordered by `orderBy` when given. `items` must not be modified (it may be a per-batch list).
 */
export async function paginate<M extends EntityModel>(
  items: readonly M[],
  args: ListArgs,
  context: OperationContext,
  labelsOf?: (item: M) => Readonly<Record<string, string>>,
): Promise<Connection<M>> {
  const size = pageSize(args.first, context);
  let filtered: readonly M[] = items;
  if (args.labelSelector !== null && args.labelSelector !== undefined && args.labelSelector !== '') {
    const selector = parseLabelSelector(args.labelSelector);
    filtered = items.filter((item) => selector.matches(labelsOf ? labelsOf(item) : {}));
  }
  const ordering = orderingOf(args.orderBy);
  let entries: readonly Entry<M>[];
  if (args.orderBy) {
    const { metric, direction } = args.orderBy;
    checkMetric(context.query, 'orderBy.metric', metric, false);
    entries = ordered(filtered, filtered === items, metric, direction ?? 'DESC', context);
  } else {
    entries = filtered.map((item) => ({ item, k: item.key, v: null, point: null }));
  }
  let start = 0;
  if (args.after !== null && args.after !== undefined) {
    const cursor = decodeCursor(args.after, ordering);
    if (args.orderBy) {
      const compare = compareEntries(args.orderBy.direction ?? 'DESC');
      const anchor = { k: cursor.k, v: cursor.v ?? null };
      while (start < entries.length && compare(entries[start]!, anchor) <= 0) start++;
    } else {
      while (start < entries.length && entries[start]!.k <= cursor.k) start++;
    }
  }
  const page = entries.slice(start, start + size);
  // The page's values were just read: `latest` fields on these entities need not read them again.
  if (args.orderBy) for (const entry of page) context.loaders.latest.prime({ key: entry.k, metric: args.orderBy.metric }, entry.point);
  const edges = page.map(({ item, k, v }) => ({
    cursor: encodeCursor(args.orderBy ? { k, v, o: ordering } : { k, o: ordering }),
    node: item,
    orderValue: args.orderBy ? v : null,
  }));
  return {
    edges,
    nodes: page.map((e) => e.item),
    pageInfo: {
      hasNextPage: start + size < entries.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: entries.length,
  };
}
