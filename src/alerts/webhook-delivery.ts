import type { AlertEventSender } from '../downstream/data-quality-alerts-topic.js';
import type { ServingStore } from '../store/serving-store.js';
import type { DeliveryOptions } from './alert-options.js';

/** How the due rows are sent: HTTP for webhooks, `sendEvent` for the alert-events topic. */
interface Senders {
  readonly timeoutMs: number;
  readonly fetchFn?: typeof fetch;
  /** Sends rows of format `event` to ecom.data_quality_alerts.v1; without it they fail (and are retried). */
  readonly sendEvent?: AlertEventSender;
}

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
 * (`<alert id>:<event>`) a deduplicating receiver sees it exactly once. Rows of format `event` go
 * to the alert-events topic instead (`sendEvent`, same key in the `dedupe_key` header), with the
 * same leases, retries and dead-lettering; an acknowledged append counts as a 2xx.
 */
export async function deliverDue(
  store: ServingStore,
  o: DeliveryOptions & Senders & { nowMs: number; limit?: number },
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
  o: DeliveryOptions & Senders & { nowMs: number },
): Promise<DeliveryAttempt> {
  const started = performance.now();
  const { ok, statusCode, error } = row.format === 'event' ? await sendToTopic(row, o) : await post(row, o);
  const durationMs = performance.now() - started;
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

/** `statusCode`: the HTTP status of a webhook POST; null for the topic and for network errors. */
type Outcome = { ok: boolean; statusCode: number | null; error: string | null };

const errorText = (err: unknown): string => {
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err instanceof Error ? err.message : String(err)}${cause}`.slice(0, 500);
};

/** Sent = the log acknowledged the append. */
async function sendToTopic(row: DueRow, o: Senders): Promise<Outcome> {
  if (o.sendEvent === undefined)
    return {
      ok: false,
      statusCode: null,
      error: 'no event log to send to: alerts.publishTopic needs a detector that can write the log',
    };
  try {
    await o.sendEvent({ alertId: row.alert_id, event: row.event, payload: row.payload });
    return { ok: true, statusCode: null, error: null };
  } catch (err) {
    return { ok: false, statusCode: null, error: errorText(err) };
  }
}

async function post(row: DueRow, o: Senders): Promise<Outcome> {
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
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: errorText(err) };
  }
}
