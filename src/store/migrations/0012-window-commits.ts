/**
 * The processor commits that touched each KPI window, one row per window and commit: its revision
 * (kpi_window.revision after that commit), when, and the log ranges it applied (per partition:
 * from offset inclusive, to offset exclusive, the claim epoch). Written in the same statement as
 * the kpi_window upsert; `explain` lists them. Rows of windows older than
 * store.windowCommitsRetentionHours are deleted by the scheduled `gold.retention` asset.
 * Windows committed before this migration have no rows.
 */
export const id = '0012_window_commits';

export const statements: readonly string[] = [
  `CREATE TABLE serving.kpi_window_commits (
    window_start timestamptz NOT NULL,
    revision integer NOT NULL,
    committed_at timestamptz NOT NULL,
    topic text NOT NULL,
    partitions integer[] NOT NULL,
    from_offsets bigint[] NOT NULL,
    to_offsets bigint[] NOT NULL,
    epochs bigint[] NOT NULL,
    PRIMARY KEY (window_start, revision))`,
];
