import {
  EMPTY_VERSION,
  queryLake,
  readParquetSql,
  resolveTableVersion,
  type Lake,
  type LakeParam,
  type LakeRow,
  type LiveFile,
  type TableAsOf,
} from '../../lake/index.js';
import { LakeResultCache } from './lake-result-cache.js';
import { explainKpiMinute, type ExplainRequest, type KpiExplanation } from './kpi-explain.js';

/**
 * Questions only the lake can answer exactly: distinct users and sessions (not additive across
 * minutes, so Gold cannot sum them) and quarantine over time. Bounded: only the hive folders
 * overlapping the range are listed and read, the reader is a separate DuckDB instance with a
 * memory limit and a statement timeout (`lake.query*`), and results are cached by the exact
 * files they read. Parameterized SQL only. Each question can time-travel (`asOf`: a Delta version
 * of the table it reads, or an instant) and says which version it read.
 */
export class LakeQueries {
  private readonly cache = new LakeResultCache<LakeRow[]>();

  constructor(private readonly lake: Lake) {}

  /** Distinct users and sessions with a Silver event in [fromMs, toMs), and session conversion. */
  async uniqueCounts(fromMs: number, toMs: number, asOf: TableAsOf = {}): Promise<UniqueCounts> {
    const { rows, lakeVersion } = await this.cachedQuery('silver', fromMs, toMs, asOf, UNIQUES_SQL, [
      fromMs,
      toMs,
    ]);
    const r = rows[0] ?? {};
    const sessions = Number(r['sessions'] ?? 0);
    const converted = Number(r['converted'] ?? 0);
    return {
      lakeVersion,
      uniqueUsers: Number(r['users'] ?? 0),
      uniqueSessions: sessions,
      convertedSessions: converted,
      sessionConversion: sessions === 0 ? 0 : converted / sessions,
    };
  }

  /** Quarantined records per reason code per bucket of `bucketMs`, by log (ingest) time. */
  async quarantineSeries(
    fromMs: number,
    toMs: number,
    bucketMs: number,
    asOf: TableAsOf = {},
  ): Promise<QuarantineSeries> {
    const { rows, lakeVersion } = await this.cachedQuery('quarantine', fromMs, toMs, asOf, QUARANTINE_SQL, [
      fromMs,
      toMs,
      bucketMs,
    ]);
    const points = rows.map((r) => ({
      ts: new Date(Number(r['bucket'])).toISOString(),
      reason: String(r['reason']),
      count: Number(r['n']),
    }));
    return { lakeVersion, points };
  }

  /** One minute's KPI explained from the lake (kpi-explain.ts); not cached: it is paged and rare. */
  explainMinute(req: ExplainRequest): Promise<KpiExplanation> {
    return explainKpiMinute(this.lake, req);
  }

  private async cachedQuery(
    table: 'silver' | 'quarantine',
    fromMs: number,
    toMs: number,
    asOf: TableAsOf,
    body: (source: string) => string,
    params: readonly LakeParam[],
  ): Promise<{ rows: LakeRow[]; lakeVersion: number | null }> {
    const pinned = await resolveTableVersion(this.lake, table, asOf);
    const snap = pinned === EMPTY_VERSION ? undefined : await this.lake.files.snapshot(table, pinned);
    if (snap === undefined) return { rows: [], lakeVersion: null };
    const version = snap.version;
    const files = await this.lake.files.list(table, { fromMs, toMs, version });
    if (files.length === 0) return { rows: [], lakeVersion: version };
    const sql = (listed: readonly LiveFile[]) =>
      body(
        readParquetSql(
          listed.map((f) => f.path),
          table,
        ),
      );
    const rows = await this.cache.get(sql([]), params, files, () =>
      queryLake(
        this.lake,
        async () => {
          // A retry (a file vacuumed under the query) reads the latest again, unless pinned.
          const fresh = await this.lake.files.list(table, { fromMs, toMs, version: pinned });
          return sql(fresh.length === 0 ? files : fresh);
        },
        params,
      ),
    );
    return { rows, lakeVersion: version };
  }
}

export interface QuarantineSeries {
  /** The quarantine table version read (null: no table yet, or empty at the instant asked). */
  readonly lakeVersion: number | null;
  readonly points: Array<{ ts: string; reason: string; count: number }>;
}

export interface UniqueCounts {
  /** The Silver table version read (null: no table yet, or empty at the instant asked). */
  readonly lakeVersion: number | null;
  readonly uniqueUsers: number;
  readonly uniqueSessions: number;
  /** Sessions with at least one purchase. */
  readonly convertedSessions: number;
  /** convertedSessions / uniqueSessions (0 when no session). */
  readonly sessionConversion: number;
}

const UNIQUES_SQL = (source: string) =>
  `SELECT count(DISTINCT user_id) AS users, count(DISTINCT session_id) AS sessions,
          count(DISTINCT session_id) FILTER (WHERE event_type = 'purchase') AS converted
     FROM ${source}
    WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)`;

const QUARANTINE_SQL = (source: string) =>
  `SELECT (epoch_ms(log_timestamp) // $3::BIGINT) * $3::BIGINT AS bucket, reason, count(*) AS n
     FROM ${source}, unnest(reason_list) AS r(reason)
    WHERE log_timestamp >= epoch_ms($1::BIGINT) AND log_timestamp < epoch_ms($2::BIGINT)
    GROUP BY ALL ORDER BY bucket, reason`;
