import { hostname, userInfo } from 'node:os';
import type { SqlExecutor } from '../store/serving-store.js';

/**
 * The audit trail of admin actions (serving.audit_log, migration 0006): append-only, one entry per
 * action once its outcome is known (ok, failed with the error code, or denied), readable by admins
 * (API and CLI), never changed (a trigger refuses UPDATE, DELETE and TRUNCATE).
 */
export type AuditAction =
  | 'key.create'
  | 'key.revoke'
  | 'key.rotate'
  | 'alert.acknowledge'
  | 'job.trigger'
  | 'replay'
  | 'vacuum'
  | 'backup.create'
  | 'backup.restore'
  | 'db.migrate'
  | 'access.denied';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditEntry {
  /** Who: `key:<id>` (a managed key), `config:<role>:<digest prefix>`, `cli:<os user>`, `anonymous`. */
  readonly actor: string;
  /** The actor's role: viewer|analyst|operator|admin, `cli`, or `anonymous`. */
  readonly role: string;
  readonly action: AuditAction;
  /** What it acted on (alert id, key id, route), when it has one. */
  readonly target?: string | null;
  /** From where: the client IP, or `cli@<host>`. */
  readonly source: string;
  readonly outcome: AuditOutcome;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditRow extends Required<Omit<AuditEntry, 'details'>> {
  readonly id: number;
  /** ISO-8601 UTC, database clock. */
  readonly at: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Appends one entry (the database sets `at`). */
export async function recordAudit(db: SqlExecutor, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO serving.audit_log (actor, role, action, target, source, outcome, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [e.actor, e.role, e.action, e.target ?? null, e.source, e.outcome, JSON.stringify(e.details ?? {})],
  );
}

/**
 * Runs `action` and records its outcome: `ok`, or `failed` with the error code (the error is
 * rethrown). The entry is written after the action: a crash in between loses the entry, never the
 * action's own effects.
 */
export async function audited<T>(
  db: SqlExecutor,
  entry: Omit<AuditEntry, 'outcome'>,
  action: () => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await action();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const details = { ...entry.details, error: typeof code === 'string' ? code : 'unknown' };
    await recordAudit(db, { ...entry, outcome: 'failed', details }).catch(() => undefined);
    throw err;
  }
  await recordAudit(db, { ...entry, outcome: 'ok' });
  return result;
}

export interface AuditFilter {
  readonly fromMs?: number | undefined;
  readonly toMs?: number | undefined;
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  readonly limit: number;
}

/** Entries in [fromMs, toMs), newest first. */
export async function readAudit(db: SqlExecutor, f: AuditFilter): Promise<AuditRow[]> {
  const rows = await db.query<AuditRow>(
    `SELECT id::float8 AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at,
            actor, role, action, target, source, outcome, details
       FROM serving.audit_log
      WHERE ($1::timestamptz IS NULL OR at >= $1::timestamptz) AND ($2::timestamptz IS NULL OR at < $2::timestamptz)
        AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR actor = $4)
      ORDER BY id DESC LIMIT $5`,
    [iso(f.fromMs), iso(f.toMs), f.action ?? null, f.actor ?? null, f.limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The actor and source of a CLI command: the OS user on this host. */
export function cliActor(): Pick<AuditEntry, 'actor' | 'role' | 'source'> {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep `unknown`
  }
  return { actor: `cli:${user}`, role: 'cli', source: `cli@${hostname()}` };
}
