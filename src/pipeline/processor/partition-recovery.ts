import { newPartitionState, type PartitionState } from './partition-state.js';
import type { ClaimedPartition, ProcessorLake } from './processor-ports.js';

/**
 * Step 0 for one partition, on a claim and after a failed cycle: the state is rebuilt from the
 * position of record alone. Lake files at or after the committed offset are leftovers of an
 * uncommitted batch and are deleted (they will be written again, possibly cut differently); dedupe
 * is seeded with the committed Silver event ids within the watermark. Because `user_id` is the
 * partition key, every event of a user, duplicates included, lands in this one partition, so this
 * state is complete: a duplicate that arrives after a failover is still dropped.
 */
export async function recoverPartitionState(
  lake: ProcessorLake,
  topic: string,
  partition: number,
  claimed: ClaimedPartition,
  watermarkMs: number,
): Promise<{ state: PartitionState; removedUncommittedFiles: number }> {
  const state = newPartitionState(
    partition,
    claimed.nextOffset,
    claimed.epoch,
    claimed.streamTimeMs,
    watermarkMs,
  );
  const removedUncommittedFiles = await lake.removeUncommitted(topic, partition, claimed.nextOffset);
  if (claimed.streamTimeMs !== null) {
    state.dedupe.seed(await lake.silverEventIdsSince(topic, partition, claimed.streamTimeMs - watermarkMs));
  }
  return { state, removedUncommittedFiles };
}
