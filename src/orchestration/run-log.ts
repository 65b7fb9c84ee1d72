import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../store/serving-store.js';

/** Statuses of one attempt row in serving.pipeline_execution_logs. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'crashed' | 'skipped' | 'cancelled';

export interface RunRow {
  readonly runId: string;
  readonly asset: string;
  readonly partition: string;
  readonly status: RunStatus;
  readonly attempt: number;
  readonly trigger: string;
  readonly backfillId: string | null;
  readonly executorId: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly durationMs: number | null;
  readonly rowsWritten: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly upstreamVersions: Record<string, string>;
  readonly checks: readonly { name: string; passed: boolean; message: string }[];
}

interface DbRunRow {
  run_id: string;
  asset: string;
  partition_key: string;
  status: RunStatus;
  attempt: number;
  trigger: string;
  backfill_id: string | null;
  executor_id: string;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
  rows_written: number | null;
  error_code: string | null;
  error_message: string | null;
  upstream_versions: Record<string, string>;
  checks: { name: string; passed: boolean; message: string }[];
}

const toRun = (r: DbRunRow): RunRow => ({
  runId: r.run_id,
  asset: r.asset,
  partition: r.partition_key,
  status: r.status,
  attempt: Number(r.attempt),
  trigger: r.trigger,
  backfillId: r.backfill_id,
  executorId: r.executor_id,
  startedAt: new Date(r.started_at).toISOString(),
  finishedAt: r.finished_at === null ? null : new Date(r.finished_at).toISOString(),
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  rowsWritten: r.rows_written === null ? null : Number(r.rows_written),
  errorCode: r.error_code,
  errorMessage: r.error_message,
  upstreamVersions: r.upstream_versions,
  checks: r.checks,
});

export interface ClaimRequest {
  readonly asset: string;
  readonly partition: string;
  readonly attempt: number;
  readonly trigger: string;
  readonly backfillId: string | null;
  readonly executorId: string;
  readonly leaseMs: number;
  readonly upstreamVersions: Readonly<Record<string, string>>;
}

/**
 * Claims one attempt: inserts its `running` row. Returns its run id, or null when another attempt
 * of the same (asset, partition) is running (the partial unique index refuses the row; ON CONFLICT
 * DO NOTHING turns that into no row). This is the only way an attempt starts.
 */
export async function claimAttempt(db: SqlExecutor, c: ClaimRequest): Promise<string | null> {
  const runId = randomUUID();
  const rows = await db.query<{ run_id: string }>(
    `INSERT INTO serving.pipeline_execution_logs
       (run_id, asset, partition_key, status, attempt, trigger, backfill_id, executor_id, started_at, lease_expires_at, upstream_versions)
     VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, now(), now() + $8 * interval '1 millisecond', $9::jsonb)
     ON CONFLICT (asset, partition_key) WHERE status = 'running' DO NOTHING RETURNING run_id`,
    [
      runId,
      c.asset,
      c.partition,
      c.attempt,
      c.trigger,
      c.backfillId,
      c.executorId,
      c.leaseMs,
      JSON.stringify(c.upstreamVersions),
    ],
  );
  return rows[0]?.run_id ?? null;
}

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly rowsWritten: number | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly checks: readonly { name: string; passed: boolean; message: string }[];
}

/**
 * Ends a running attempt. Returns false when the row was no longer running (its lease expired and
 * it was marked crashed): the caller then must not act on its outcome.
 */
export async function finishAttempt(db: SqlExecutor, runId: string, o: RunOutcome): Promise<boolean> {
  const rows = await db.query(
    `UPDATE serving.pipeline_execution_logs SET status = $2, finished_at = now(),
       duration_ms = (extract(epoch FROM (now() - started_at)) * 1000)::bigint,
       rows_written = $3, error_code = $4, error_message = $5, checks = $6::jsonb
     WHERE run_id = $1 AND status = 'running' RETURNING run_id`,
    [
      runId,
      o.status,
      o.rowsWritten,
      o.errorCode,
      o.errorMessage?.slice(0, 2000) ?? null,
      JSON.stringify(o.checks),
    ],
  );
  return rows.length > 0;
}

/** Records an attempt that never ran (upstream failed, cancelled backfill) as a finished row. */
export async function recordSkipped(
  db: SqlExecutor,
  r: {
    asset: string;
    partition: string;
    attempt: number;
    trigger: string;
    backfillId: string | null;
    executorId: string;
    status: 'skipped' | 'cancelled';
    errorCode: string | null;
    errorMessage: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO serving.pipeline_execution_logs
       (run_id, asset, partition_key, status, attempt, trigger, backfill_id, executor_id, started_at, finished_at, duration_ms, lease_expires_at, error_code, error_message)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), now(), 0, now(), $9, $10)`,
    [
      randomUUID(),
      r.asset,
      r.partition,
      r.status,
      r.attempt,
      r.trigger,
      r.backfillId,
      r.executorId,
      r.errorCode,
      r.errorMessage,
    ],
  );
}

/** Renews the lease of every running attempt of `executorId`. */
export async function renewAttemptLeases(
  db: SqlExecutor,
  executorId: string,
  leaseMs: number,
): Promise<void> {
  await db.query(
    `UPDATE serving.pipeline_execution_logs SET lease_expires_at = now() + $2 * interval '1 millisecond'
     WHERE executor_id = $1 AND status = 'running'`,
    [executorId, leaseMs],
  );
}

/**
 * Marks running attempts whose lease has passed (database clock) as crashed, with
 * SHOP_JOBS_ATTEMPT_LOST; returns them. Their queue rows stay, so they are retried.
 */
export async function reapLostAttempts(db: SqlExecutor): Promise<RunRow[]> {
  const rows = await db.query<DbRunRow>(
    `UPDATE serving.pipeline_execution_logs SET status = 'crashed', finished_at = lease_expires_at,
       duration_ms = (extract(epoch FROM (lease_expires_at - started_at)) * 1000)::bigint,
       error_code = 'SHOP_JOBS_ATTEMPT_LOST', error_message = 'the executor stopped renewing its lease (crashed or stalled)'
     WHERE status = 'running' AND lease_expires_at < now() RETURNING *`,
  );
  return rows.map(toRun);
}

/** Runs, newest first, optionally of one asset / partition. */
export async function listRuns(
  db: SqlExecutor,
  f: { asset?: string; partition?: string; status?: RunStatus; limit?: number } = {},
): Promise<RunRow[]> {
  const rows = await db.query<DbRunRow>(
    `SELECT * FROM serving.pipeline_execution_logs
     WHERE ($1::text IS NULL OR asset = $1) AND ($2::text IS NULL OR partition_key = $2) AND ($3::text IS NULL OR status = $3)
     ORDER BY started_at DESC, attempt DESC LIMIT $4`,
    [f.asset ?? null, f.partition ?? null, f.status ?? null, f.limit ?? 100],
  );
  return rows.map(toRun);
}

/** The newest row of every (asset, partition) among rows of the given statuses (all when null). */
/**
 * The latest run of every (asset, partition) in each status, read in ONE query: `of(statuses)`
 * answers what `latestRuns(db, statuses)` would, for any set of statuses, without another read
 * (the scheduler's tick and the executor's pass each need several of these views).
 */
export class LatestRunsByStatus {
  constructor(private readonly rows: readonly { readonly run: RunRow; readonly recency: number }[]) {}

  /** Per (asset, partition), its latest run among `statuses` (null: any status). */
  of(statuses: readonly RunStatus[] | null): RunRow[] {
    const best = new Map<string, { readonly run: RunRow; readonly recency: number }>();
    for (const r of this.rows) {
      if (statuses !== null && !statuses.includes(r.run.status)) continue;
      const key = `${r.run.asset}\u0000${r.run.partition}`;
      const held = best.get(key);
      if (held === undefined || r.recency < held.recency) best.set(key, r);
    }
    return [...best.values()].map((r) => r.run);
  }
}

export async function readLatestRunsByStatus(db: SqlExecutor): Promise<LatestRunsByStatus> {
  // recency 1 = the (asset, partition)'s latest run overall, in latestRuns' order.
  const rows = await db.query<DbRunRow & { recency: number }>(
    `SELECT DISTINCT ON (asset, partition_key, status) * FROM (
       SELECT *, row_number() OVER (PARTITION BY asset, partition_key ORDER BY started_at DESC, attempt DESC) AS recency
       FROM serving.pipeline_execution_logs) AS r
     ORDER BY asset, partition_key, status, recency`,
  );
  return new LatestRunsByStatus(rows.map((r) => ({ run: toRun(r), recency: Number(r.recency) })));
}

export async function latestRuns(db: SqlExecutor, statuses: readonly RunStatus[] | null): Promise<RunRow[]> {
  const rows = await db.query<DbRunRow>(
    `SELECT DISTINCT ON (asset, partition_key) * FROM serving.pipeline_execution_logs
     WHERE ($1::text[] IS NULL OR status = ANY($1::text[]))
     ORDER BY asset, partition_key, started_at DESC, attempt DESC`,
    [statuses],
  );
  return rows.map(toRun);
}
