import type { Lake } from '../../lake/index.js';
import { readSilverEventIdsSince } from '../../lake/index.js';
import {
  claimPartitions,
  commitGoldBatch,
  finalizeWindows,
  readPositions,
  type AccountingDelta as StoreAccountingDelta,
  type GoldBatch,
  type ServingStore,
} from '../../store/index.js';
import type { ClaimedPartition, GoldCommit, ProcessorLake, ProcessorStore } from './processor-ports.js';

/** The DuckDB lake in the processor's terms. */
export function processorLake(lake: Lake): ProcessorLake {
  return {
    writeBronze: async (rows, key) => void (await lake.writeBronze(rows, key)),
    writeSilver: async (rows, key) => void (await lake.writeSilver(rows, key)),
    writeQuarantine: async (rows, key) => void (await lake.writeQuarantine(rows, key)),
    removeUncommitted: async (_topic, partition, nextOffset) =>
      (await lake.removeUncommitted({ partition, committedNextOffset: nextOffset })).length,
    silverEventIdsSince: (_topic, partition, sinceMs) => readSilverEventIdsSince(lake, partition, sinceMs),
  };
}

/** The serving store in the processor's terms. */
export function processorStore(store: ServingStore): ProcessorStore {
  return {
    async claim(topic, partitions, owner) {
      const claimed = await claimPartitions(store, { topic, partitions, owner });
      const streamTimes = new Map(
        (await readPositions(store, topic)).map((p) => [p.partition, p.maxEventTime]),
      );
      const out = new Map<number, ClaimedPartition>();
      for (const [p, c] of claimed) {
        const t = streamTimes.get(p);
        out.set(p, { nextOffset: c.nextOffset, epoch: c.epoch, streamTimeMs: t ? t.getTime() : null });
      }
      return out;
    },
    async positions(topic) {
      const rows = await readPositions(store, topic);
      return new Map(
        rows.map((r) => [
          r.partition,
          { nextOffset: r.nextOffset, epoch: r.epoch, streamTimeMs: r.maxEventTime?.getTime() ?? null },
        ]),
      );
    },
    commit: (commit) => commitGoldBatch(store, toGoldBatch(commit)),
    finalize: (beforeMs) => finalizeWindows(store, beforeMs),
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
