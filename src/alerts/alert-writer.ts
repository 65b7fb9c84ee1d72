import type { ServingStore, SqlExecutor } from '../store/serving-store.js';
import type { WebhookTarget } from './alert-options.js';
import { passesCooldown } from './alert-cooldown.js';
import { alertId, type AlertCandidate, type RuleOutcome } from './alert-types.js';
import { payloadFor, type NotificationEvent, type NotifiedAlert } from './webhook-payloads.js';

export interface WriteResult {
  /** Ids of alerts inserted by this call (each with its outbox rows, in the same transaction). */
  readonly raised: string[];
  /** Ids of alerts whose severity rose (warning -> critical) on re-detection. */
  readonly escalated: string[];
  readonly resolved: string[];
  readonly suppressed: string[];
}

const RETURNING = `RETURNING id, rule, metric, to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS window_start,
  severity, status, value, baseline, z_score, message`;

/**
 * Applies rule outcomes to `serving.alerts`, each in its own transaction:
 * - fire: INSERT ... ON CONFLICT (id) DO NOTHING; when this call inserted the row (and only then)
 *   one outbox row per webhook is inserted in the same transaction: a notification exists iff its
 *   alert does, whatever crashes. A re-detected warning that became critical is escalated.
 *   A warning within the metric's cooldown (see alert-cooldown.ts) is not written at all.
 * - ok: open or acknowledged alerts of that rule and metric for earlier windows are resolved,
 *   with a `resolved` outbox row per webhook.
 */
export async function writeOutcomes(
  store: ServingStore,
  outcomes: readonly RuleOutcome[],
  o: { cooldownMs: number; webhooks: readonly WebhookTarget[]; nowMs: number },
): Promise<WriteResult> {
  const result: WriteResult = { raised: [], escalated: [], resolved: [], suppressed: [] };
  // A pass yields one outcome per rule and metric, mostly `ok`: consecutive ones are resolved in one
  // statement and one transaction (was one each: ~20 transactions a pass). A `fire` ends the run, so
  // the outcomes still apply in their order.
  let oks: OkOutcome[] = [];
  const resolvePending = async () => {
    if (oks.length === 0) return;
    const run = oks;
    oks = [];
    await store.transaction(async (tx) => result.resolved.push(...(await resolveOlder(tx, run, o))));
  };
  for (const out of outcomes) {
    if (out.kind === 'ok') oks.push(out);
    else if (out.kind === 'fire') {
      await resolvePending();
      await store.transaction((tx) => fireOne(tx, out.alert, o, result));
    }
  }
  await resolvePending();
  return result;
}

type OkOutcome = Extract<RuleOutcome, { kind: 'ok' }>;

async function fireOne(
  tx: SqlExecutor,
  a: AlertCandidate,
  o: { cooldownMs: number; webhooks: readonly WebhookTarget[]; nowMs: number },
  result: WriteResult,
): Promise<void> {
  const id = alertId(a.rule, a.metric, a.windowStartMs);
  const now = new Date(o.nowMs).toISOString();
  const escalated = await tx.query<{ id: string }>(
    `UPDATE serving.alerts SET severity = 'critical', value = $2, baseline = $3, z_score = $4, message = $5, updated_at = $6::timestamptz
      WHERE id = $1 AND severity <> 'critical' AND $7 = 'critical' RETURNING id`,
    [id, a.value, a.baseline, a.zScore, a.message, now, a.severity],
  );
  if (escalated.length > 0) result.escalated.push(id);
  const exists = await tx.query(`SELECT 1 FROM serving.alerts WHERE id = $1`, [id]);
  if (exists.length > 0) return;
  const prev = await tx.query<{ w: Date | null }>(
    `SELECT max(window_start) AS w FROM serving.alerts WHERE metric = $1 AND window_start < $2::timestamptz`,
    [a.metric, new Date(a.windowStartMs).toISOString()],
  );
  const prevMs = prev[0]?.w ? new Date(prev[0].w).getTime() : undefined;
  if (!passesCooldown(a, prevMs, o.cooldownMs)) {
    result.suppressed.push(id);
    return;
  }
  const rows = await tx.query<NotifiedAlert>(
    `INSERT INTO serving.alerts (id, rule, metric, window_start, severity, status, value, baseline, z_score, message, created_at, updated_at, details)
     VALUES ($1, $2, $3, $4::timestamptz, $5, 'open', $6, $7, $8, $9, $10::timestamptz, $10::timestamptz, $11::jsonb)
     ON CONFLICT (id) DO NOTHING ${RETURNING}`,
    [
      id,
      a.rule,
      a.metric,
      new Date(a.windowStartMs).toISOString(),
      a.severity,
      a.value,
      a.baseline,
      a.zScore,
      a.message,
      now,
      JSON.stringify(a.details),
    ],
  );
  const inserted = rows[0];
  if (inserted === undefined) return;
  await enqueue(tx, 'raised', normalize(inserted), o);
  result.raised.push(id);
}

/** Resolves, for each outcome, the open alerts of its rule and metric on earlier windows. */
async function resolveOlder(
  tx: SqlExecutor,
  oks: readonly OkOutcome[],
  o: { webhooks: readonly WebhookTarget[]; nowMs: number },
): Promise<string[]> {
  const now = new Date(o.nowMs).toISOString();
  const rows = await tx.query<NotifiedAlert>(
    `UPDATE serving.alerts SET status = 'resolved', resolved_at = $4::timestamptz, updated_at = $4::timestamptz
       FROM (SELECT ok_rule, ok_metric, max(ok_window) AS ok_window
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(ok_rule, ok_metric, ok_window)
             GROUP BY ok_rule, ok_metric) AS ok
      WHERE rule = ok_rule AND metric = ok_metric AND window_start < ok_window AND status <> 'resolved' ${RETURNING}`,
    [
      oks.map((x) => x.rule),
      oks.map((x) => x.metric),
      oks.map((x) => new Date(x.windowStartMs).toISOString()),
      now,
    ],
  );
  rows.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  for (const r of rows) await enqueue(tx, 'resolved', normalize(r), o);
  return rows.map((r) => r.id);
}

/** One outbox row per webhook; the primary key (alert, event, webhook) makes it at most one. */
async function enqueue(
  tx: SqlExecutor,
  event: NotificationEvent,
  alert: NotifiedAlert,
  o: { webhooks: readonly WebhookTarget[]; nowMs: number },
): Promise<void> {
  const now = new Date(o.nowMs).toISOString();
  for (const target of o.webhooks) {
    await tx.query(
      `INSERT INTO serving.alert_outbox (alert_id, event, webhook, format, payload, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz, $6::timestamptz) ON CONFLICT DO NOTHING`,
      [alert.id, event, target.url, target.format, JSON.stringify(payloadFor(target, event, alert)), now],
    );
  }
}

function normalize(r: NotifiedAlert): NotifiedAlert {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return { ...r, value: Number(r.value), baseline: num(r.baseline), z_score: num(r.z_score) };
}
