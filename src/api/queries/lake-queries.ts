import { join } from 'node:path';
import { queryLake, type Lake } from '../../lake/index.js';
import { readParquetSql } from '../../lake/lake-views.js';

/**
 * Questions only the lake can answer exactly: distinct users and sessions (not additive across
 * minutes, so Gold cannot sum them) and quarantine over time. DuckDB over the committed Parquet
 * files; hive folders outside the range are pruned. Parameterized SQL only.
 */
async function hasFiles(lake: Lake, table: 'silver' | 'quarantine'): Promise<string | undefined> {
  const glob = join(lake.dir, table, '**', '*.parquet');
  const files = await queryLake(lake, `SELECT count(*) AS n FROM glob($1)`, [glob]);
  return Number(files[0]?.['n'] ?? 0) > 0 ? glob : undefined;
}

export interface UniqueCounts {
  readonly uniqueUsers: number;
  readonly uniqueSessions: number;
  /** Sessions with at least one purchase. */
  readonly convertedSessions: number;
  /** convertedSessions / uniqueSessions (0 when no session). */
  readonly sessionConversion: number;
}

/** Distinct users and sessions with a Silver event in [fromMs, toMs), and session conversion. */
export async function uniqueCounts(lake: Lake, fromMs: number, toMs: number): Promise<UniqueCounts> {
  const glob = await hasFiles(lake, 'silver');
  if (glob === undefined)
    return { uniqueUsers: 0, uniqueSessions: 0, convertedSessions: 0, sessionConversion: 0 };
  const rows = await queryLake(
    lake,
    `SELECT count(DISTINCT user_id) AS users, count(DISTINCT session_id) AS sessions,
            count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS converted
       FROM ${readParquetSql(glob, 'silver')}
      WHERE event_date BETWEEN CAST(epoch_ms($1::BIGINT) AS DATE) AND CAST(epoch_ms($2::BIGINT) AS DATE)
        AND event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)`,
    [fromMs, toMs],
  );
  const r = rows[0] ?? {};
  const sessions = Number(r['sessions'] ?? 0);
  const converted = Number(r['converted'] ?? 0);
  return {
    uniqueUsers: Number(r['users'] ?? 0),
    uniqueSessions: sessions,
    convertedSessions: converted,
    sessionConversion: sessions === 0 ? 0 : converted / sessions,
  };
}

/** Quarantined records per reason code per bucket of `bucketMs`, by log (ingest) time. */
export async function quarantineSeries(
  lake: Lake,
  fromMs: number,
  toMs: number,
  bucketMs: number,
): Promise<Array<{ ts: string; reason: string; count: number }>> {
  const glob = await hasFiles(lake, 'quarantine');
  if (glob === undefined) return [];
  const rows = await queryLake(
    lake,
    `SELECT (epoch_ms(log_timestamp) // $3::BIGINT) * $3::BIGINT AS bucket, reason, count(*) AS n
       FROM ${readParquetSql(glob, 'quarantine')}, unnest(reason_list) AS r(reason)
      WHERE ingest_date BETWEEN CAST(epoch_ms($1::BIGINT) AS DATE) AND CAST(epoch_ms($2::BIGINT) AS DATE)
        AND log_timestamp >= epoch_ms($1::BIGINT) AND log_timestamp < epoch_ms($2::BIGINT)
      GROUP BY ALL ORDER BY bucket, reason`,
    [fromMs, toMs, bucketMs],
  );
  return rows.map((r) => ({
    ts: new Date(Number(r['bucket'])).toISOString(),
    reason: String(r['reason']),
    count: Number(r['n']),
  }));
}
