import type { SqlExecutor } from '../store/serving-store.js';

/** One pending request in serving.pipeline_queue: kept until it succeeds or fails for good. */
export interface QueuedJob {
  readonly asset: string;
  readonly partition: string;
  readonly trigger: string;
  readonly backfillId: string | null;
  /** Attempts already made (failed or crashed). */
  readonly attempts: number;
  readonly notBefore: Date;
  readonly enqueuedAt: Date;
  /** not_before <= now() by the database clock. */
  readonly due: boolean;
}

export interface EnqueueRequest {
  readonly asset: string;
  readonly partition: string;
  readonly trigger: string;
  readonly backfillId?: string | null;
}

/**
 * Queues (asset, partition) unless it is already queued (then the existing request stays, with
 * its attempts; a backfill request adopts a queued one so that it is counted in its progress).
 * Returns whether a new row was inserted.
 */
export async function enqueue(db: SqlExecutor, r: EnqueueRequest): Promise<boolean> {
  const rows = await db.query<{ inserted: boolean }>(
    `INSERT INTO serving.pipeline_queue (asset, partition_key, trigger, backfill_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (asset, partition_key) DO UPDATE SET backfill_id = COALESCE(excluded.backfill_id, pipeline_queue.backfill_id)
     RETURNING (xmax = 0) AS inserted`,
    [r.asset, r.partition, r.trigger, r.backfillId ?? null],
  );
  return rows[0]?.inserted === true;
}

export async function listQueue(db: SqlExecutor): Promise<QueuedJob[]> {
  const rows = await db.query<{
    asset: string;
    partition_key: string;
    trigger: string;
    backfill_id: string | null;
    attempts: number;
    not_before: Date;
    enqueued_at: Date;
    due: boolean;
  }>(
    `SELECT asset, partition_key, trigger, backfill_id, attempts, not_before, enqueued_at, not_before <= now() AS due
     FROM serving.pipeline_queue ORDER BY partition_key, enqueued_at`,
  );
  return rows.map((r) => ({
    asset: r.asset,
    partition: r.partition_key,
    trigger: r.trigger,
    backfillId: r.backfill_id,
    attempts: Number(r.attempts),
    notBefore: new Date(r.not_before),
    enqueuedAt: new Date(r.enqueued_at),
    due: r.due,
  }));
}

/**
 * Whether the request is still the one `job` describes (the same attempts made) and due, locking
 * its row until the transaction ends. A request read before its previous attempt settled is stale:
 * starting it would repeat that attempt's number and skip its backoff.
 */
export async function lockIfStillDue(db: SqlExecutor, job: QueuedJob): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM serving.pipeline_queue
     WHERE asset = $1 AND partition_key = $2 AND attempts = $3 AND not_before <= now() FOR UPDATE`,
    [job.asset, job.partition, job.attempts],
  );
  return rows.length > 0;
}

/** Removes a finished request (succeeded, failed for good, skipped). */
export async function dequeue(db: SqlExecutor, asset: string, partition: string): Promise<void> {
  await db.query('DELETE FROM serving.pipeline_queue WHERE asset = $1 AND partition_key = $2', [
    asset,
    partition,
  ]);
}

/** Counts one more attempt and holds the request back for `delayMs` (retry backoff). */
export async function deferRetry(
  db: SqlExecutor,
  asset: string,
  partition: string,
  delayMs: number,
): Promise<void> {
  await db.query(
    `UPDATE serving.pipeline_queue SET attempts = attempts + 1, not_before = now() + $3 * interval '1 millisecond'
     WHERE asset = $1 AND partition_key = $2`,
    [asset, partition, delayMs],
  );
}

/** Counts an attempt that was lost (crash) without holding the request back. */
export async function countLostAttempt(db: SqlExecutor, asset: string, partition: string): Promise<void> {
  await db.query(
    'UPDATE serving.pipeline_queue SET attempts = attempts + 1 WHERE asset = $1 AND partition_key = $2',
    [asset, partition],
  );
}
