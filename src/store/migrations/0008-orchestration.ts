/**
 * The asset orchestrator's state (docs/orchestration.md):
 * - `pipeline_execution_logs`: one row per attempt of one (asset, partition). A partial unique
 *   index allows at most one `running` row per (asset, partition): claiming an attempt is an INSERT
 *   that fails while another runs, so two executions never overlap. A running row carries a lease
 *   (database clock) renewed by its executor; once it has passed, the row is marked `crashed`.
 * - `pipeline_queue`: what must be materialised, one row per (asset, partition), kept until the
 *   work succeeds or fails for good (its `attempts` and `not_before` carry the retry backoff).
 * - `pipeline_scheduler_lease`: at most one active scheduler per deployment (like processor_members).
 * - `pipeline_schedule_state`: the last schedule tick handled per asset (missed-run catch-up).
 * - `pipeline_backfills`: backfill requests (cancel and resume).
 * `partition_key` is a day `YYYY-MM-DD` for daily assets and '' for unpartitioned ones.
 */
export const id = '0008_orchestration';

export const statements: readonly string[] = [
  `CREATE TABLE serving.pipeline_execution_logs (
    run_id text PRIMARY KEY,
    asset text NOT NULL,
    partition_key text NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'crashed', 'skipped', 'cancelled')),
    attempt integer NOT NULL,
    trigger text NOT NULL,
    backfill_id text,
    executor_id text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    duration_ms bigint,
    lease_expires_at timestamptz NOT NULL,
    rows_written bigint,
    error_code text,
    error_message text,
    upstream_versions jsonb NOT NULL DEFAULT '{}'::jsonb,
    checks jsonb NOT NULL DEFAULT '[]'::jsonb)`,
  `CREATE UNIQUE INDEX pipeline_execution_logs_one_running
     ON serving.pipeline_execution_logs (asset, partition_key) WHERE status = 'running'`,
  `CREATE INDEX pipeline_execution_logs_by_asset
     ON serving.pipeline_execution_logs (asset, partition_key, started_at DESC)`,
  `CREATE TABLE serving.pipeline_queue (
    asset text NOT NULL,
    partition_key text NOT NULL,
    trigger text NOT NULL,
    backfill_id text,
    attempts integer NOT NULL DEFAULT 0,
    not_before timestamptz NOT NULL DEFAULT now(),
    enqueued_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset, partition_key))`,
  `CREATE TABLE serving.pipeline_scheduler_lease (
    name text PRIMARY KEY,
    holder text NOT NULL,
    acquired_at timestamptz NOT NULL DEFAULT now(),
    renewed_at timestamptz NOT NULL DEFAULT now(),
    lease_expires_at timestamptz NOT NULL)`,
  `CREATE TABLE serving.pipeline_schedule_state (
    asset text PRIMARY KEY,
    last_tick_at timestamptz NOT NULL)`,
  `CREATE TABLE serving.pipeline_backfills (
    backfill_id text PRIMARY KEY,
    asset text NOT NULL,
    from_day date NOT NULL,
    to_day date NOT NULL,
    downstream boolean NOT NULL,
    assets jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('running', 'cancelled', 'done')),
    created_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz)`,
];
