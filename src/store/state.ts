/**
 * The store's internal state, shared by the write path (write.ts), the read path (read.ts) and
 * the factory (modelStore.ts). Not exported from the folder's public surface.
 *
 * @module
 */
import type { DataBatch } from '../core/types.js';
import { createSlotArena, type SlotArena, type SlotArenaOptions } from './arena.js';
import type { Column } from './column.js';
import { createEntityTable, type EntityTable } from './entities.js';
import { createLabelSetTable, type LabelSetTable } from './labelSets.js';
import { createTimeline, type Timeline } from './timeline.js';

/** Everything one store holds. */
export interface StoreState {
  readonly retentionMs: number;
  readonly timeline: Timeline;
  readonly entities: EntityTable;
  readonly labelSets: LabelSetTable;
  /** Unlabeled metrics by name. */
  readonly columns: Map<string, Column>;
  /** Labeled metrics by name. */
  readonly labeledColumns: Map<string, Column>;
  /** Where the columns' slot arrays come from (arena.ts). */
  readonly arena: SlotArena;
  /** The stored batch with the greatest timestamp. */
  latest: DataBatch | undefined;
  /**
   * Estimated bytes of `latest` (memory.ts), summed while it was written: walking a 5,000-node
   * batch at `/metrics` time held the event loop ~200 ms.
   */
  latestBytes: number;
  /** Bumped by every write that changed anything; read-side caches compare it. */
  version: number;
}

/** An empty state. */
export function createStoreState(retentionMs: number, arenaOptions?: SlotArenaOptions): StoreState {
  return {
    retentionMs,
    timeline: createTimeline(),
    entities: createEntityTable(),
    labelSets: createLabelSetTable(),
    columns: new Map(),
    labeledColumns: new Map(),
    arena: createSlotArena(arenaOptions),
    latest: undefined,
    latestBytes: 0,
    version: 0,
  };
}

