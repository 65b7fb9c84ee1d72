import type { ServingStore } from '../store/serving-store.js';
import type { DeliveryOptions } from './alert-options.js';

export interface DeliveryAttempt {
  readonly alertId: string;
  readonly event: string;
  readonly webhook: string;
  readonly format: string;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly durationMs: number;
  /** True when this failure used the last attempt: the row is now `dead`. */
  readonly dead: boolean;
}

interface DueRow {
  alert_id: string;
  event: string;
  webhook: string;
  format: string;
  payload: unknown;
  attempts: number;
}

/** Delay before attempt n+1 after n failed attempts: min(maxMs, baseMs * 2^(n-1)). */
export const backoffMs = (
  failedAttempts: number,
  o: Pick<DeliveryOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
): number => Math.min(o.backoffMaxMs, o.backoffBaseMs * 2 ** Math.max(0, failedAttempts - 1));

/**
 * Sends the due outbox rows (status pending, next_attempt_at <= now), oldest first, at most
 * `limit`. Each row is leased (next_attempt_at pushed past the POST deadline) before its POST so a
 * second dispatcher skips it; a 2xx marks it `sent`; anything else schedules a retry with
 * exponential backoff, or marks it `dead` after maxAttempts. Every attempt is logged in
 * `alert_deliveries`. Delivery is at least once per row; with the `Idempotency-Key` header
 * (`<alert id>:<event>`) a deduplicating receiver sees it exactly once.
 */
export async function deliverDue(
  store: ServingStore,
  o: DeliveryOptions & { nowMs: number; limit?: number; fetchFn?: typeof fetch },
): Promise<DeliveryAttempt[]> {
  const now = new Date(o.nowMs).toISOString();
  const leaseUntil = new Date(o.nowMs + o.timeoutMs + 1000).toISOString();
  const due = await store.query<DueRow>(
    `UPDATE serving.alert_outbox SET next_attempt_at = $2::timestamptz
      WHERE (alert_id, event, webhook) IN (
        SELECT alert_id, event, webhook FROM serving.alert_outbox
         WHERE status = 'pending' AND next_attempt_at <= $1::timestamptz
         ORDER BY created_at, alert_id LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING alert_id, event, webhook, format, payload, attempts`,
    [now, leaseUntil, o.limit ?? 100],
  );
  const out: DeliveryAttempt[] = [];
  for (const row of due) out.push(await deliverOne(store, row, o));
  return out;
}

async function deliverOne(
  store: ServingStore,
  row: DueRow,
  o: DeliveryOptions & { nowMs: number; fetchFn?: typeof fetch },
): Promise<DeliveryAttempt> {
  const started = performance.now();
  const { statusCode, error } = await post(row, o);
  const durationMs = performance.now() - started;
  const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
  const attempt = row.attempts + 1;
  const dead = !ok && attempt >= o.maxAttempts;
  const next = new Date(o.nowMs + backoffMs(attempt, o)).toISOString();
  await store.transaction(async (tx) => {
    await tx.query(
      `UPDATE serving.alert_outbox SET attempts = $4, status = $5, sent_at = CASE WHEN $5 = 'sent' THEN $6::timestamptz ELSE NULL END,
              next_attempt_at = $7::timestamptz, last_error = $8
        WHERE alert_id = $1 AND event = $2 AND webhook = $3`,
      [
        row.alert_id,
        row.event,
        row.webhook,
        attempt,
        ok ? 'sent' : dead ? 'dead' : 'pending',
        new Date(o.nowMs).toISOString(),
        next,
        error,
      ],
    );
    await tx.query(
      `INSERT INTO serving.alert_deliveries (alert_id, event, webhook, attempt, attempted_at, ok, status_code, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5::timestamptz, $6, $7, $8, $9)`,
      [
        row.alert_id,
        row.event,
        row.webhook,
        attempt,
        new Date(o.nowMs).toISOString(),
        ok,
        statusCode,
        error,
        durationMs,
      ],
    );
  });
  return {
    alertId: row.alert_id,
    event: row.event,
    webhook: row.webhook,
    format: row.format,
    ok,
    statusCode,
    durationMs,
    dead,
  };
}

async function post(
  row: DueRow,
  o: { timeoutMs: number; fetchFn?: typeof fetch },
): Promise<{ statusCode: number | null; error: string | null }> {
  try {
    const res = await (o.fetchFn ?? fetch)(row.webhook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': `${row.alert_id}:${row.event}`,
        'x-shopstream-alert-id': row.alert_id,
        'x-shopstream-event': row.event,
      },
      body: typeof row.payload === 'string' ? row.payload : JSON.stringify(row.payload),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { statusCode: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return {
      statusCode: null,
      error: `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 500),
    };
  }
}
