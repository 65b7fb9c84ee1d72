import type { ApiStore } from './api-store.js';

export interface ReconciliationRunRow {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly from: string;
  readonly to: string;
  readonly windowsChecked: number;
  readonly valuesChecked: number;
  readonly mismatchCount: number;
  readonly maxDifference: number;
  readonly mismatches: ReadonlyArray<{
    windowStart: string;
    metric: string;
    streaming: number | null;
    batch: number | null;
    difference: number;
  }>;
  readonly alertId: string | null;
  /** The Silver Delta version the run read (null: before Silver's first commit, or an older run). */
  readonly silverVersion: number | null;
}

/** The newest reconciliation runs, newest first, with their first mismatches. */
export async function recentReconciliationRuns(
  store: ApiStore,
  limit: number,
): Promise<ReconciliationRunRow[]> {
  const rows = await store.query<{
    run_id: string;
    started_at: Date;
    finished_at: Date;
    from_ts: Date;
    to_ts: Date;
    windows_checked: number;
    values_checked: number;
    mismatch_count: number;
    max_difference: number;
    mismatches: ReconciliationRunRow['mismatches'];
    alert_id: string | null;
    silver_version: number | null;
  }>(
    `SELECT run_id, started_at, finished_at, from_ts, to_ts, windows_checked, values_checked, mismatch_count,
            max_difference, mismatches, alert_id, silver_version::float8 AS silver_version
       FROM serving.reconciliation_runs ORDER BY finished_at DESC, run_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at.toISOString(),
    from: r.from_ts.toISOString(),
    to: r.to_ts.toISOString(),
    windowsChecked: r.windows_checked,
    valuesChecked: r.values_checked,
    mismatchCount: r.mismatch_count,
    maxDifference: r.max_difference,
    mismatches: r.mismatches,
    alertId: r.alert_id,
    silverVersion: r.silver_version,
  }));
}
