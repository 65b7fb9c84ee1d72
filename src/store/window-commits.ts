import type { SqlExecutor } from './serving-store.js';

/** One log range a processor commit applied: offsets [fromOffset, toOffset) of a partition. */
export interface CommittedRange {
  readonly partition: number;
  readonly fromOffset: number;
  readonly toOffset: number;
  readonly epoch: number;
}

/** A processor commit that touched a KPI window (serving.kpi_window_commits). */
export interface WindowCommit {
  /** The window's revision after this commit (1 = the commit that opened it). */
  readonly revision: number;
  readonly committedAt: string;
  readonly topic: string;
  readonly ranges: readonly CommittedRange[];
}

/** The commits of a window, oldest first, at most `limit` (the newest ones when there are more). */
export async function windowCommitsOf(
  db: SqlExecutor,
  windowStartMs: number,
  limit: number,
): Promise<WindowCommit[]> {
  const rows = await db.query<{
    revision: number;
    committed_at: Date;
    topic: string;
    partitions: number[];
    from_offsets: (string | number)[];
    to_offsets: (string | number)[];
    epochs: (string | number)[];
  }>(
    `SELECT * FROM (
       SELECT revision, committed_at, topic, partitions, from_offsets, to_offsets, epochs
       FROM serving.kpi_window_commits WHERE window_start = $1::timestamptz
       ORDER BY revision DESC LIMIT $2) AS newest
     ORDER BY revision`,
    [new Date(windowStartMs).toISOString(), limit],
  );
  return rows.map((r) => ({
    revision: Number(r.revision),
    committedAt: new Date(r.committed_at).toISOString(),
    topic: r.topic,
    ranges: r.partitions.map((partition, i) => ({
      partition: Number(partition),
      fromOffset: Number(r.from_offsets[i]),
      toOffset: Number(r.to_offsets[i]),
      epoch: Number(r.epochs[i]),
    })),
  }));
}

/**
 * Deletes the commit records of windows that started more than `retainHours` before now (the
 * windows' KPIs stay); returns how many. 0 hours keeps everything.
 */
export async function deleteOldWindowCommits(db: SqlExecutor, retainHours: number): Promise<number> {
  if (retainHours <= 0) return 0;
  const [row] = await db.query<{ n: number }>(
    `WITH gone AS (
       DELETE FROM serving.kpi_window_commits
       WHERE window_start < now() - make_interval(hours => $1::int) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [retainHours],
  );
  return Number(row?.n ?? 0);
}
