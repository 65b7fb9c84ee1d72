import type { SqlExecutor } from '../store/serving-store.js';

/**
 * At most one active scheduler per deployment: one row of serving.pipeline_scheduler_lease, held
 * by `holder` until `lease_expires_at` (database clock, so process clocks never matter). The
 * holder renews it every heartbeat; anyone may take it once it has passed. A scheduler that failed
 * to renew in time must stop starting work (it learns so from the next `tryAcquire`).
 */
export async function tryAcquireLease(
  db: SqlExecutor,
  holder: string,
  leaseMs: number,
  name = 'default',
): Promise<boolean> {
  const rows = await db.query<{ holder: string }>(
    `INSERT INTO serving.pipeline_scheduler_lease (name, holder, lease_expires_at)
     VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (name) DO UPDATE SET
       holder = excluded.holder,
       acquired_at = CASE WHEN pipeline_scheduler_lease.holder = excluded.holder THEN pipeline_scheduler_lease.acquired_at ELSE now() END,
       renewed_at = now(), lease_expires_at = excluded.lease_expires_at
     WHERE pipeline_scheduler_lease.holder = excluded.holder OR pipeline_scheduler_lease.lease_expires_at < now()
     RETURNING holder`,
    [name, holder, leaseMs],
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease up (clean shutdown) so that a standby takes over at its next tick. */
export async function releaseLease(db: SqlExecutor, holder: string, name = 'default'): Promise<void> {
  await db.query('DELETE FROM serving.pipeline_scheduler_lease WHERE name = $1 AND holder = $2', [
    name,
    holder,
  ]);
}

export interface LeaseHolder {
  readonly holder: string;
  readonly acquiredAt: string;
  readonly expiresAt: string;
  readonly live: boolean;
}

export async function readLease(db: SqlExecutor, name = 'default'): Promise<LeaseHolder | null> {
  const rows = await db.query<{ holder: string; acquired_at: Date; lease_expires_at: Date; live: boolean }>(
    `SELECT holder, acquired_at, lease_expires_at, lease_expires_at >= now() AS live
     FROM serving.pipeline_scheduler_lease WHERE name = $1`,
    [name],
  );
  const r = rows[0];
  return r === undefined
    ? null
    : {
        holder: r.holder,
        acquiredAt: new Date(r.acquired_at).toISOString(),
        expiresAt: new Date(r.lease_expires_at).toISOString(),
        live: r.live,
      };
}
