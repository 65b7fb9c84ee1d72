/**
 * Alert notifications and data-quality results.
 * - `alert_outbox`: one row per (alert, event, webhook), inserted in the transaction that inserts
 *   the alert (or resolves it); the detector's delivery step marks it sent. Primary key = the
 *   exactly-once unit of notification.
 * - `alert_deliveries`: the delivery log, one row per HTTP attempt.
 * - `data_quality_runs` / `data_quality_logs`: one row per suite run (0-100 score) and per check.
 */
export const id = '0002_alerting_and_quality';

export const statements: readonly string[] = [
  `CREATE TABLE serving.alert_outbox (
    alert_id text NOT NULL,
    event text NOT NULL CHECK (event IN ('raised', 'resolved')),
    webhook text NOT NULL,
    format text NOT NULL CHECK (format IN ('json', 'slack')),
    payload jsonb NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz NULL,
    last_error text NULL,
    PRIMARY KEY (alert_id, event, webhook))`,
  `CREATE INDEX alert_outbox_due ON serving.alert_outbox (next_attempt_at) WHERE status = 'pending'`,
  `CREATE TABLE serving.alert_deliveries (
    id bigserial PRIMARY KEY,
    alert_id text NOT NULL,
    event text NOT NULL,
    webhook text NOT NULL,
    attempt integer NOT NULL,
    attempted_at timestamptz NOT NULL,
    ok boolean NOT NULL,
    status_code integer NULL,
    error text NULL,
    duration_ms double precision NOT NULL)`,
  `CREATE INDEX alert_deliveries_alert ON serving.alert_deliveries (alert_id)`,
  `CREATE TABLE serving.data_quality_runs (
    run_id text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    score double precision NOT NULL,
    checks_passed integer NOT NULL,
    checks_failed integer NOT NULL)`,
  `CREATE TABLE serving.data_quality_logs (
    run_id text NOT NULL REFERENCES serving.data_quality_runs (run_id) ON DELETE CASCADE,
    check_name text NOT NULL,
    category text NOT NULL,
    passed boolean NOT NULL,
    observed double precision NULL,
    threshold double precision NULL,
    weight double precision NOT NULL,
    message text NOT NULL,
    details jsonb NOT NULL DEFAULT '{}'::jsonb,
    checked_at timestamptz NOT NULL,
    PRIMARY KEY (run_id, check_name))`,
  `CREATE INDEX data_quality_runs_time ON serving.data_quality_runs (started_at DESC)`,
];
