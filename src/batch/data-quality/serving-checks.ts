import type { SqlExecutor } from '../../store/serving-store.js';
import { skipped, type DqCheckResult, type DqOptions } from './dq-check.js';

const HOUR_MS = 3_600_000;

/** Validity: quarantine share of all judged events (silver + quarantine), with the share per reason. */
export async function validity(db: SqlExecutor, o: DqOptions): Promise<DqCheckResult> {
  const [t] = await db.query<{ silver: number; quarantine: number }>(
    `SELECT coalesce(sum(silver_rows), 0)::float8 AS silver, coalesce(sum(quarantine_rows), 0)::float8 AS quarantine FROM serving.partition_accounting`,
  );
  const judged = Number(t?.silver ?? 0) + Number(t?.quarantine ?? 0);
  if (judged === 0) return skipped('validity.quarantine_share', 'validity', 'no events judged');
  const reasons = await db.query<{ reason: string; n: number }>(
    `SELECT reason, sum(count)::float8 AS n FROM serving.quarantine_reasons GROUP BY reason ORDER BY n DESC`,
  );
  const pct = (100 * Number(t?.quarantine ?? 0)) / judged;
  const byReasonPct = Object.fromEntries(reasons.map((r) => [r.reason, (100 * Number(r.n)) / judged]));
  return {
    name: 'validity.quarantine_share',
    category: 'validity',
    passed: pct <= o.maxQuarantinePct,
    observed: pct,
    threshold: o.maxQuarantinePct,
    weight: 3,
    message: `${pct.toFixed(3)} % of ${judged} events quarantined${reasons.length ? ` (${reasons.map((r) => `${r.reason}=${r.n}`).join(', ')})` : ''}`,
    details: { byReasonPct },
  };
}

/** Freshness: now - newest committed event time <= freshnessMaxMinutes. */
export async function freshness(db: SqlExecutor, o: DqOptions, nowMs: number): Promise<DqCheckResult> {
  if (o.freshnessMaxMinutes === 0) return skipped('freshness.newest_event', 'freshness', 'disabled');
  const [r] = await db.query<{ t: Date | null }>(
    `SELECT max(max_event_time) AS t FROM serving.processor_positions`,
  );
  if (!r?.t) return skipped('freshness.newest_event', 'freshness', 'no committed events');
  const ageMin = (nowMs - new Date(r.t).getTime()) / 60_000;
  return {
    name: 'freshness.newest_event',
    category: 'freshness',
    passed: ageMin <= o.freshnessMaxMinutes,
    observed: ageMin,
    threshold: o.freshnessMaxMinutes,
    weight: 2,
    message: `newest event is ${ageMin.toFixed(1)} min old`,
    details: { newestEventTime: new Date(r.t).toISOString() },
  };
}

/** Volume: events of the newest complete hour vs the same hour one day and one week before. */
export async function volume(db: SqlExecutor, o: DqOptions): Promise<DqCheckResult[]> {
  const hours = await db.query<{ h: Date; n: number }>(
    `SELECT date_trunc('hour', window_start) AS h, sum(value)::float8 AS n FROM serving.kpi_counts WHERE counter = 'events_total' GROUP BY 1 ORDER BY 1`,
  );
  const byHour = new Map(hours.map((r) => [new Date(r.h).getTime(), Number(r.n)]));
  const complete = hours.length >= 2 ? new Date(hours.at(-2)!.h).getTime() : undefined;
  return [
    ['day', 24 * HOUR_MS],
    ['week', 7 * 24 * HOUR_MS],
  ].map(([label, backMs]) => {
    const name = `volume.vs_previous_${label}`;
    const now = complete === undefined ? undefined : byHour.get(complete);
    const before = complete === undefined ? undefined : byHour.get(complete - (backMs as number));
    if (now === undefined || before === undefined || before === 0)
      return skipped(name, 'volume', `no data for the same hour one ${label} before`);
    const changePct = (100 * (now - before)) / before;
    return {
      name,
      category: 'volume',
      passed: Math.abs(changePct) <= o.volumeMaxChangePct,
      observed: changePct,
      threshold: o.volumeMaxChangePct,
      weight: 1,
      message: `${now} events in ${new Date(complete!).toISOString()} vs ${before} one ${label} before (${changePct.toFixed(1)} %)`,
      details: {},
    };
  });
}

/**
 * Consistency of the served KPIs at minute, hour and day grain (re-derived from summed counters):
 * revenue >= 0, every rate within [0, 1], and a bucket without purchases has revenue 0.
 * At minute grain a rate may exceed 1 legitimately (a session's cart in one minute, its checkout in
 * the next), so there rates are only required to be >= 0; hour and day require [0, 1].
 */
export async function servingConsistency(db: SqlExecutor): Promise<DqCheckResult[]> {
  const out: DqCheckResult[] = [];
  for (const grain of ['minute', 'hour', 'day'] as const) {
    const [r] = await db.query<{ neg: number; rates: number; orphan: number; buckets: number }>(
      `WITH s AS (SELECT date_trunc('${grain}', window_start) AS b,
          sum(value) FILTER (WHERE counter = 'events_click') AS clicks, sum(value) FILTER (WHERE counter = 'events_add_to_cart') AS carts,
          sum(value) FILTER (WHERE counter = 'events_checkout') AS checkouts, sum(value) FILTER (WHERE counter = 'events_purchase') AS purchases,
          sum(value) FILTER (WHERE counter = 'revenue') AS revenue
        FROM serving.kpi_counts GROUP BY 1)
       SELECT count(*) FILTER (WHERE coalesce(revenue, 0) < 0)::int AS neg,
              count(*) FILTER (WHERE least(clicks, carts, checkouts, purchases) < 0 OR ${
                grain === 'minute'
                  ? 'false'
                  : `(clicks > 0 AND purchases / clicks > 1) OR (carts > 0 AND checkouts / carts > 1)
                                  OR (clicks > 0 AND carts / clicks > 1)`
              })::int AS rates,
              count(*) FILTER (WHERE coalesce(purchases, 0) = 0 AND coalesce(revenue, 0) <> 0)::int AS orphan,
              count(*)::int AS buckets FROM s`,
    );
    const neg = Number(r?.neg ?? 0),
      rates = Number(r?.rates ?? 0),
      orphan = Number(r?.orphan ?? 0),
      n = Number(r?.buckets ?? 0);
    const check = (name: string, bad: number, what: string): DqCheckResult => ({
      name: `consistency.${grain}.${name}`,
      category: 'consistency',
      passed: bad === 0,
      observed: bad,
      threshold: 0,
      weight: 1,
      message: `${bad} of ${n} ${grain} buckets ${what}`,
      details: {},
    });
    out.push(
      check('revenue_non_negative', neg, 'with negative revenue'),
      check('rates_in_unit_interval', rates, 'with a rate outside [0, 1]'),
      check('no_purchase_no_revenue', orphan, 'with revenue but no purchase'),
    );
  }
  return out;
}
