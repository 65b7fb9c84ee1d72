/**
 * Streaming-vs-batch reconciliation (docs/reconciliation.md): one `reconciliation_runs` row per
 * check of the settled minutes [from_ts, to_ts): how many minutes and values were compared, how
 * many differ and by how much at most, and the first differing values (`mismatches`, at most 100).
 * The next scheduled run starts where the last one ended.
 */
export const id = '0009_reconciliation';

export const statements: readonly string[] = [
  `CREATE TABLE serving.reconciliation_runs (
    run_id text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    from_ts timestamptz NOT NULL,
    to_ts timestamptz NOT NULL,
    windows_checked integer NOT NULL,
    values_checked integer NOT NULL,
    mismatch_count integer NOT NULL,
    max_difference double precision NOT NULL,
    mismatches jsonb NOT NULL DEFAULT '[]'::jsonb,
    alert_id text)`,
  `CREATE INDEX reconciliation_runs_by_time ON serving.reconciliation_runs (finished_at DESC)`,
];
