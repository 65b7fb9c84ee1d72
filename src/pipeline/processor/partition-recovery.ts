import type { DedupeSpill } from '../../state/dedupe-state.js';
import { newPartitionState, type PartitionState } from './partition-state.js';
import type { ClaimedPartition, ProcessorLake } from './processor-ports.js';

/**
 * Step 0 for one partition, on a claim and after a failed cycle: the state is rebuilt from the
 * LAKE position of record (`lakeNextOffset`, at or before the Gold position). A table may hold
 * rows past it (a flush committed its Delta version but crashed before recording the position):
 * its txn version for the partition says so, and the next flush skips those rows. (A table
 * without a txn for the partition, written before Delta, has such files rolled back instead.)
 * Dedupe is seeded with the committed Silver event ids below the lake position within the
 * watermark of the lake stream time. The caller then re-derives [lakeNextOffset, nextOffset) from
 * the log (lake rows only: their Gold is committed) to reach the state at the Gold position.
 * Because `user_id` is the partition key, every event of a user, duplicates included, lands in
 * this one partition, so this state is complete: a duplicate that arrives after a failover is
 * still dropped.
 */
export async function recoverPartitionState(
  lake: ProcessorLake,
  topic: string,
  partition: number,
  claimed: ClaimedPartition,
  watermarkMs: number,
  dedupeSpill?: DedupeSpill,
): Promise<{ state: PartitionState; removedUncommittedFiles: number }> {
  const state = newPartitionState(
    partition,
    claimed.lakeNextOffset,
    claimed.epoch,
    claimed.lakeStreamTimeMs,
    watermarkMs,
    dedupeSpill,
  );
  const removedUncommittedFiles = await lake.removeUncommitted(topic, partition, claimed.lakeNextOffset);
  if (claimed.lakeStreamTimeMs !== null) {
    // One chunk at a time: with spill, the state seals as it goes and stays bounded.
    for await (const rows of lake.silverEventIdsSince(
      topic,
      partition,
      claimed.lakeStreamTimeMs - watermarkMs,
      claimed.lakeNextOffset,
    ))
      state.dedupe.seed(rows);
  }
  return { state, removedUncommittedFiles };
}
