import { ShopError } from '../errors/index.js';
import { addCounterDeltas } from './gold-counter-upserts.js';
import { batchPartitions, isoOf, type GoldBatch } from './gold-batch.js';
import { METRICS_OF_SUMS_SQL, summedCountersSql } from './kpi-formulas-sql.js';
import { addAccountingDeltas } from './partition-accounting.js';
import type { ServingStore, SqlExecutor } from './serving-store.js';

/**
 * Commits one Gold batch exactly once: every effect of the batch (KPIs, accounting, positions)
 * lands in ONE transaction, guarded by the partitions' epochs and offsets. The commit path:
 *
 *   1. lock the batch's positions (SELECT ... FOR UPDATE, partition order);
 *   2. fence: every partition must still carry the batch's epoch (else a newer owner claimed it:
 *      this processor is a zombie) and next_offset = the batch's fromOffset (else the batch, or part
 *      of it, is already applied: a replay). Either way SHOP_STORE_FENCED and nothing changes;
 *   3. upsert kpi_window of every touched window (revision + 1); this locks the windows, so
 *      concurrent commits on the same windows serialize and step 5 sees every committed counter;
 *      the same statement records the commit per window (kpi_window_commits: revision, log ranges);
 *   4. add the additive deltas: kpi_counts, kpi_dim_counts, product_minute, recent_orders;
 *   5. recompute kpi_minute of the touched windows from kpi_counts (kpi-formulas-sql.ts);
 *   6. finalize open windows before `finalizeWindowsBeforeMs` (windows another commit holds are
 *      skipped, the next commit or `finalizeWindows` marks them);
 *   7. add the accounting deltas (per partition, per quarantine reason);
 *   8. advance next_offset to the batch's toOffset, stamp committed_at and max_event_time.
 *
 * A crash anywhere before COMMIT leaves no trace; the processor resumes at the stored next_offset.
 */
export async function commitGoldBatch(store: ServingStore, batch: GoldBatch): Promise<void> {
  const partitions = batchPartitions(batch);
  assertBatchShape(batch, partitions);
  await store.transaction(async (tx) => {
    const positions = await lockPositions(tx, batch.topic, partitions); // 1
    fenceOrThrow(batch, partitions, positions); // 2
    const counterWindows = distinctWindows(batch.counters.map((r) => r.windowStartMs));
    await upsertWindows(tx, batch, partitions, touchedWindows(batch)); // 3
    await addCounterDeltas(tx, batch); // 4
    await recomputeKpiMinutes(tx, counterWindows); // 5
    if (batch.finalizeWindowsBeforeMs !== undefined)
      await finalizeOpenWindows(tx, batch.finalizeWindowsBeforeMs); // 6
    await addAccountingDeltas(tx, batch); // 7
    await advancePositions(tx, batch, partitions); // 8
  });
}

/**
 * Marks every open window that starts before `beforeMs` as final (finalized_at = now()); returns how
 * many were marked. Windows locked by a commit in flight are skipped.
 */
export async function finalizeWindows(store: ServingStore, beforeMs: number): Promise<number> {
  return store.transaction((tx) => finalizeOpenWindows(tx, beforeMs));
}

interface LockedPosition {
  readonly partition: number;
  readonly next_offset: number;
  readonly epoch: number;
}

function lockPositions(tx: SqlExecutor, topic: string, partitions: number[]): Promise<LockedPosition[]> {
  return tx.query<LockedPosition>(
    `SELECT partition, next_offset, epoch FROM serving.processor_positions
     WHERE topic = $1 AND partition = ANY($2::int[]) ORDER BY partition FOR UPDATE`,
    [topic, partitions],
  );
}

function fenceOrThrow(batch: GoldBatch, partitions: number[], positions: LockedPosition[]): void {
  const byPartition = new Map(positions.map((p) => [p.partition, p]));
  for (const partition of partitions) {
    const stored = byPartition.get(partition);
    const epoch = batch.epochs[partition];
    const fromOffset = batch.fromOffsets[partition];
    if (stored !== undefined && stored.epoch === epoch && stored.next_offset === fromOffset) continue;
    const reason =
      stored === undefined ? 'unclaimed' : stored.epoch !== epoch ? 'stale_epoch' : 'offset_mismatch';
    throw new ShopError('SHOP_STORE_FENCED', `${batch.topic}[${partition}]: ${reason}`, {
      details: {
        topic: batch.topic,
        partition,
        reason,
        batchEpoch: epoch,
        storedEpoch: stored?.epoch,
        batchFromOffset: fromOffset,
        storedNextOffset: stored?.next_offset,
      },
    });
  }
}

async function upsertWindows(
  tx: SqlExecutor,
  batch: GoldBatch,
  partitions: number[],
  windows: string[],
): Promise<void> {
  if (windows.length === 0) return;
  await tx.query(
    `WITH touched AS (
       INSERT INTO serving.kpi_window AS k (window_start, first_commit_at, last_commit_at, revision)
       SELECT w, now(), now(), 1 FROM unnest($1::timestamptz[]) AS w ORDER BY w
       ON CONFLICT (window_start) DO UPDATE SET last_commit_at = excluded.last_commit_at, revision = k.revision + 1
       RETURNING window_start, revision)
     INSERT INTO serving.kpi_window_commits
       (window_start, revision, committed_at, topic, partitions, from_offsets, to_offsets, epochs)
     SELECT window_start, revision, now(), $2, $3::int[], $4::bigint[], $5::bigint[], $6::bigint[] FROM touched`,
    [
      windows,
      batch.topic,
      partitions,
      partitions.map((p) => batch.fromOffsets[p]),
      partitions.map((p) => batch.toOffsets[p]),
      partitions.map((p) => batch.epochs[p]),
    ],
  );
}

async function recomputeKpiMinutes(tx: SqlExecutor, windows: string[]): Promise<void> {
  if (windows.length === 0) return;
  await tx.query(
    `INSERT INTO serving.kpi_minute (window_start, metric, value)
     SELECT s.bucket, m.metric, m.value
     FROM (${summedCountersSql('window_start', 'window_start = ANY($1::timestamptz[])')}) AS s
     ${METRICS_OF_SUMS_SQL}
     ORDER BY 1, 2
     ON CONFLICT (window_start, metric) DO UPDATE SET value = excluded.value`,
    [windows],
  );
}

async function finalizeOpenWindows(tx: SqlExecutor, beforeMs: number): Promise<number> {
  const rows = await tx.query(
    `UPDATE serving.kpi_window SET finalized_at = now() WHERE window_start IN (
       SELECT window_start FROM serving.kpi_window WHERE finalized_at IS NULL AND window_start < $1::timestamptz
       ORDER BY window_start FOR UPDATE SKIP LOCKED)
     RETURNING window_start`,
    [isoOf(beforeMs)],
  );
  return rows.length;
}

async function advancePositions(tx: SqlExecutor, batch: GoldBatch, partitions: number[]): Promise<void> {
  const maxTimes = partitions.map((p) => {
    const ms = batch.maxEventTimeMs?.[p];
    return ms === undefined ? null : isoOf(ms);
  });
  await tx.query(
    `UPDATE serving.processor_positions AS p
     SET next_offset = u.next_offset, committed_at = now(), max_event_time = GREATEST(p.max_event_time, u.max_event_time)
     FROM unnest($2::int[], $3::bigint[], $4::timestamptz[]) AS u(partition, next_offset, max_event_time)
     WHERE p.topic = $1 AND p.partition = u.partition`,
    [batch.topic, partitions, partitions.map((p) => batch.toOffsets[p]), maxTimes],
  );
}

function touchedWindows(batch: GoldBatch): string[] {
  return distinctWindows([
    ...batch.counters.map((r) => r.windowStartMs),
    ...batch.dimCounters.map((r) => r.windowStartMs),
    ...batch.products.map((r) => r.windowStartMs),
  ]);
}

/** Distinct window starts, ascending, as ISO strings (the lock order). */
function distinctWindows(windowStartsMs: number[]): string[] {
  return [...new Set(windowStartsMs)].sort((a, b) => a - b).map(isoOf);
}

/** A malformed batch is a caller bug, not a data problem: it throws before touching the store. */
function assertBatchShape(batch: GoldBatch, partitions: number[]): void {
  for (const p of partitions) {
    const from = batch.fromOffsets[p];
    const to = batch.toOffsets[p];
    if (from === undefined || to === undefined || to < from) {
      throw new TypeError(
        `GoldBatch ${batch.topic}[${p}]: fromOffsets/toOffsets missing or toOffset < fromOffset`,
      );
    }
  }
}
