import { ShopError } from '../../errors/index.js';
import { isoSql, toIsoParam, type ApiStore } from './api-store.js';

/** An alert as the API returns it: the `serving.alerts` row, timestamps as ISO strings. */
export interface AlertRow {
  id: string;
  rule: string;
  metric: string;
  window_start: string;
  severity: string;
  status: string;
  value: number | null;
  baseline: number | null;
  z_score: number | null;
  message: string;
  created_at: string;
  updated_at: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  details: unknown;
}

const isoOrNull = (col: string) => `CASE WHEN ${col} IS NULL THEN NULL ELSE ${isoSql(col)} END`;

const SELECT_ALERT = `SELECT id, rule, metric, ${isoSql('window_start')} AS window_start, severity, status,
  value::float8 AS value, baseline::float8 AS baseline, z_score::float8 AS z_score, coalesce(message, '') AS message,
  ${isoSql('created_at')} AS created_at, ${isoOrNull('updated_at')} AS updated_at,
  ${isoOrNull('acknowledged_at')} AS acknowledged_at, acknowledged_by, ${isoOrNull('resolved_at')} AS resolved_at,
  details FROM serving.alerts`;

export interface AlertFilter {
  readonly fromMs: number;
  readonly toMs: number;
  readonly metric?: string | undefined;
  readonly severity?: string | undefined;
  readonly limit: number;
}

/** Alerts whose window starts in [fromMs, toMs), newest window first. */
export async function listAlerts(store: ApiStore, f: AlertFilter): Promise<AlertRow[]> {
  const rows = await store.query<AlertRow>(
    `${SELECT_ALERT}
      WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz
        AND ($3::text IS NULL OR metric = $3) AND ($4::text IS NULL OR severity = $4)
      ORDER BY window_start DESC, id LIMIT $5`,
    [toIsoParam(f.fromMs), toIsoParam(f.toMs), f.metric ?? null, f.severity ?? null, f.limit],
  );
  return rows.map(normalizeAlert);
}

/** The most recently raised alerts, newest first. */
export async function latestAlerts(store: ApiStore, limit: number): Promise<AlertRow[]> {
  const rows = await store.query<AlertRow>(`${SELECT_ALERT} ORDER BY created_at DESC, id LIMIT $1`, [limit]);
  return rows.map(normalizeAlert);
}

export async function alertById(store: ApiStore, id: string): Promise<AlertRow | undefined> {
  const rows = await store.query<AlertRow>(`${SELECT_ALERT} WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : normalizeAlert(rows[0]);
}

/**
 * Acknowledges an alert: idempotent (a second acknowledge keeps the first time and author).
 * Throws SHOP_API_NOT_FOUND when no alert has this id.
 */
export async function acknowledgeAlert(
  store: ApiStore,
  id: string,
  by: string,
  nowMs: number,
): Promise<AlertRow> {
  await store.query(
    `UPDATE serving.alerts SET acknowledged_at = $2::timestamptz, acknowledged_by = $3,
            status = CASE WHEN status = 'open' THEN 'acknowledged' ELSE status END, updated_at = $2::timestamptz
      WHERE id = $1 AND acknowledged_at IS NULL`,
    [id, toIsoParam(nowMs), by],
  );
  const row = await alertById(store, id);
  if (row === undefined) throw new ShopError('SHOP_API_NOT_FOUND', `no alert ${id}`);
  return row;
}

function normalizeAlert(r: AlertRow): AlertRow {
  const num = (v: number | null) => (v === null ? null : Number(v));
  const details = typeof r.details === 'string' ? safeJson(r.details) : (r.details ?? null);
  return { ...r, value: num(r.value), baseline: num(r.baseline), z_score: num(r.z_score), details };
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return s;
  }
}
