/**
 * Access control and audit (docs/deploy.md, docs/api.md):
 * - `audit_log`: one row per admin action (key create/revoke/rotate, alert acknowledge, job
 *   trigger, replay, vacuum, backup, restore) and per refused attempt at one: who (`actor`, its
 *   `role`), what (`action`, `target`), when (`at`, database clock), from where (`source`: client IP,
 *   or `cli@<host>`), `outcome`. Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE for
 *   every role (SQLSTATE 42501), and the API has no route that changes it.
 * - `api_keys`: API keys managed at run time (beside the ones in config), stored as sha256
 *   digests, with a role, an optional expiry, revocation and the key a rotation replaced.
 * - `alert_outbox.format` gains `event`: alert lifecycle events published to the log topic
 *   ecom.data_quality_alerts.v1 through the same outbox as webhooks.
 */
export const id = '0006_access_and_audit';

export const statements: readonly string[] = [
  `CREATE TABLE serving.audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    role text NOT NULL,
    action text NOT NULL,
    target text NULL,
    source text NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    details jsonb NOT NULL DEFAULT '{}'::jsonb)`,
  `CREATE INDEX audit_log_at ON serving.audit_log (at DESC)`,
  `CREATE FUNCTION serving.refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'serving.audit_log is append-only' USING ERRCODE = '42501';
    END $$`,
  `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON serving.audit_log
    FOR EACH ROW EXECUTE FUNCTION serving.refuse_audit_change()`,
  `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON serving.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION serving.refuse_audit_change()`,
  `CREATE TABLE serving.api_keys (
    id text PRIMARY KEY,
    name text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'analyst', 'operator', 'admin')),
    digest text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    created_by text NOT NULL,
    expires_at timestamptz NULL,
    revoked_at timestamptz NULL,
    rotated_from text NULL REFERENCES serving.api_keys (id))`,
  `ALTER TABLE serving.alert_outbox DROP CONSTRAINT alert_outbox_format_check`,
  `ALTER TABLE serving.alert_outbox ADD CONSTRAINT alert_outbox_format_check
    CHECK (format IN ('json', 'slack', 'event'))`,
];
