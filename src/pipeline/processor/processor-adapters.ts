import type { Lake } from '../../lake/index.js';
import { streamSilverEventIdsSince } from '../../lake/index.js';
import {
  claimPartitions,
  commitGoldBatch,
  commitLakePositions,
  finalizeWindows,
  readPositions,
  type AccountingDelta as StoreAccountingDelta,
  type GoldBatch,
  type PositionRow,
  type ServingStore,
} from '../../store/index.js';
import type { ClaimedPartition, GoldCommit, ProcessorLake, ProcessorStore } from './processor-ports.js';

const FLUSH = { idempotent: true, operation: 'STREAMING UPDATE' } as const;

/** The DuckDB lake in the processor's terms. */
export function processorLake(lake: Lake): ProcessorLake {
  return {
    writeBronze: async (runs) => void (await lake.append('bronze', runs, FLUSH)),
    writeSilver: async (runs) => void (await lake.append('silver', runs, FLUSH)),
    writeQuarantine: async (runs) => void (await lake.append('quarantine', runs, FLUSH)),
    removeUncommitted: async (topic, partition, nextOffset) =>
      (
        await lake.removeUncommitted({
          partition,
          topic,
          committedNextOffset: nextOffset,
          untrackedOnly: true,
        })
      ).length,
    silverEventIdsSince: (_topic, partition, sinceMs, beforeOffset) =>
      streamSilverEventIdsSince(lake, partition, sinceMs, beforeOffset),
  };
}

/** The serving store in the processor's terms. */
export function processorStore(store: ServingStore): ProcessorStore {
  return {
    async claim(topic, partitions, owner) {
      const claimed = await claimPartitions(store, { topic, partitions, owner });
      const stored = new Map((await readPositions(store, topic)).map((p) => [p.partition, p]));
      const out = new Map<number, ClaimedPartition>();
      for (const [p, c] of claimed) {
        const row = stored.get(p);
        out.set(p, {
          ...(row === undefined
            ? { nextOffset: 0, streamTimeMs: null, lakeNextOffset: 0, lakeStreamTimeMs: null }
            : claimedOf(row)),
          nextOffset: c.nextOffset,
          epoch: c.epoch,
        });
      }
      return out;
    },
    async positions(topic) {
      const rows = await readPositions(store, topic);
      return new Map(rows.map((r) => [r.partition, claimedOf(r)]));
    },
    commit: (commit) => commitGoldBatch(store, toGoldBatch(commit)),
    commitLake: (topic, flushes) => commitLakePositions(store, topic, flushes),
    finalize: (beforeMs) => finalizeWindows(store, beforeMs),
  };
}

function claimedOf(row: PositionRow): ClaimedPartition {
  return {
    nextOffset: row.nextOffset,
    epoch: row.epoch,
    streamTimeMs: row.maxEventTime?.getTime() ?? null,
    lakeNextOffset: row.lakeNextOffset,
    lakeStreamTimeMs: row.lakeStreamTime?.getTime() ?? null,
  };
}

function toGoldBatch(commit: GoldCommit): GoldBatch {
  const epochs: Record<number, number> = {};
  const fromOffsets: Record<number, number> = {};
  const toOffsets: Record<number, number> = {};
  const maxEventTimeMs: Record<number, number> = {};
  const accounting: Record<number, StoreAccountingDelta> = {};
  for (const p of commit.partitions) {
    epochs[p.partition] = p.epoch;
    fromOffsets[p.partition] = p.fromOffset;
    toOffsets[p.partition] = p.nextOffset;
    if (p.streamTimeMs !== null) maxEventTimeMs[p.partition] = p.streamTimeMs;
    const { reasons, ...counts } = p.accounting;
    accounting[p.partition] = { ...counts, reasonCounts: Object.fromEntries(reasons) };
  }
  return {
    topic: commit.topic,
    epochs,
    fromOffsets,
    toOffsets,
    maxEventTimeMs,
    counters: commit.counters,
    dimCounters: commit.dimCounters,
    products: commit.products,
    orders: commit.orders,
    accounting,
    ...(commit.finalizeBeforeMs === undefined ? {} : { finalizeWindowsBeforeMs: commit.finalizeBeforeMs }),
  };
}
