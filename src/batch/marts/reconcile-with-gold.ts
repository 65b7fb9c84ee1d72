import type { SqlExecutor } from '../../store/serving-store.js';

export interface GoldMismatch {
  readonly day: string;
  readonly measure: string;
  readonly gold: number;
  readonly marts: number;
}

/**
 * Compares the marts with Gold per UTC day (docs/marts.md, "Reconciliation with Gold"):
 * events_total and events_<type> of daily_aggregations against serving.kpi_counts exactly, purchase
 * revenue of daily_aggregations and gross revenue of fact_order_lines by line_date against Gold's
 * revenue in cents (marts are exact decimals, Gold sums float8). Returns every difference.
 */
export async function reconcileMartsWithGold(
  db: SqlExecutor,
): Promise<{ days: number; mismatches: GoldMismatch[] }> {
  const rows = await db.query<{ day: string; measure: string; gold: number | null; marts: number | null }>(
    `WITH g AS (
       SELECT (window_start AT TIME ZONE 'UTC')::date::text AS day, counter AS measure,
         CASE WHEN counter = 'revenue' THEN round(sum(value)::numeric * 100) ELSE sum(value)::numeric END AS v
       FROM serving.kpi_counts WHERE counter LIKE 'events\\_%' OR counter = 'revenue' GROUP BY 1, 2
       UNION ALL
       SELECT (window_start AT TIME ZONE 'UTC')::date::text, 'line_revenue', round(sum(value)::numeric * 100)
       FROM serving.kpi_counts WHERE counter = 'revenue' GROUP BY 1
     ), m AS (
       SELECT date::text AS day, 'events_' || event_type AS measure, sum(total_events)::numeric AS v
       FROM mart.daily_aggregations GROUP BY 1, 2
       UNION ALL SELECT date::text, 'events_total', sum(total_events) FROM mart.daily_aggregations GROUP BY 1
       UNION ALL SELECT date::text, 'revenue', round(sum(total_revenue) * 100) FROM mart.daily_aggregations GROUP BY 1
       UNION ALL SELECT line_date::text, 'line_revenue', round(sum(gross_revenue) * 100)
         FROM mart.fact_order_lines WHERE source = 'stream' GROUP BY 1
     )
     SELECT day, measure, g.v::float8 AS gold, m.v::float8 AS marts FROM g FULL JOIN m USING (day, measure)`,
  );
  const mismatches = rows
    .map((r) => ({ day: r.day, measure: r.measure, gold: Number(r.gold ?? 0), marts: Number(r.marts ?? 0) }))
    .filter((r) => r.gold !== r.marts)
    .sort((a, b) => (a.day + a.measure < b.day + b.measure ? -1 : 1));
  return { days: new Set(rows.map((r) => r.day)).size, mismatches };
}
