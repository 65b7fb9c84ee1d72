import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KPI_TOLERANCE } from '../../batch/reconcile/reconcile-kpis.js';
import type { KpiMetric } from '../../contract/kpi-metrics.js';
import type { Lake } from '../../lake/index.js';
import { queryLake } from '../../lake/duckdb/query-lake.js';
import { openPgliteStore } from '../../store/pglite/pglite-store.js';
import type { ServingStore, SqlExecutor } from '../../store/serving-store.js';
import type { StreamProcessorOptions } from '../processor/stream-processor.js';
import { bronzeSource, rebuildFromBronze } from './replay-from-bronze.js';

/** One value that differs between the live tables and the rebuild; null = the row is missing there. */
export interface ReplayDifference {
  readonly table: string;
  /** The row's key, e.g. `2026-04-04T09:30:00.000Z|events_click`. */
  readonly key: string;
  readonly column: string;
  readonly live: number | string | null;
  readonly replayed: number | string | null;
}

export interface ReplayTableDiff {
  readonly table: string;
  readonly liveRows: number;
  readonly replayedRows: number;
  readonly differences: number;
}

export interface ReplayVerification {
  readonly records: number;
  /** The Bronze Delta version the rebuild read (null: Bronze had no commit). */
  readonly bronzeVersion: number | null;
  readonly elapsedMs: number;
  readonly tables: readonly ReplayTableDiff[];
  /** Every difference is counted in `tables`; the first 50 of each table are listed. */
  readonly differences: readonly ReplayDifference[];
  readonly differenceCount: number;
  /** The scratch folder of the rebuild (removed afterwards unless kept). */
  readonly scratchDir: string;
}

export interface VerifyReplayOptions {
  /** Folder for the rebuild's lake and serving DB (created; must not hold another shopstream). */
  readonly scratchDir: string;
  /** Opens (creates) the scratch lake in a local folder under scratchDir, with the live lake's table options. */
  readonly openScratchLake: (dir: string) => Promise<Lake>;
  /** Keep the scratch folder for inspection (default: removed). */
  readonly keepScratch?: boolean;
  readonly onProgress?: (records: number, total: number) => void;
  /** Rebuild from Bronze as of this Delta version (default: the latest when the rebuild starts). */
  readonly bronzeVersion?: number;
}

/** Differences listed per table (all are counted). */
const KEPT_PER_TABLE = 50;

/** A compared table: the same query on both sides, keyed rows, numeric or text values. */
interface Comparison {
  readonly table: string;
  readonly rows: (side: Side) => Promise<Array<Record<string, unknown>>>;
  readonly key: readonly string[];
  readonly values: readonly string[];
  /** Allowed |live - replayed| for a numeric value (default 0: exact). */
  readonly tolerance?: (row: Record<string, unknown>, column: string) => number;
}

interface Side {
  readonly store: SqlExecutor;
  readonly lake: Lake;
}

/** Money to the cent, as the reconciliation compares revenue. */
const MONEY = KPI_TOLERANCE.revenue;
const money = (_row: Record<string, unknown>, column: string) =>
  column === 'revenue' || column === 'refund_amount' ? MONEY : 0;
const byCounter = (row: Record<string, unknown>) =>
  row['counter'] === 'revenue' || row['counter'] === 'refund_amount' ? MONEY : 0;

/**
 * The Gold tables and accounting that a replay rebuilds (serving DB), and Silver and quarantine
 * (lake) fingerprinted per log partition and hour: row count and the XOR of each row's DuckDB hash
 * over all its columns, so any changed, missing or extra row shows in its partition-hour.
 */
function comparisons(topic: string): Comparison[] {
  const gold =
    (sql: string, params: unknown[] = []) =>
    (side: Side) =>
      side.store.query<Record<string, unknown>>(sql, params);
  const lakeFingerprint = (table: 'silver' | 'quarantine', timeColumn: string) => (side: Side) =>
    queryLake(
      side.lake,
      `SELECT "partition"::INTEGER AS "partition", strftime(date_trunc('hour', ${timeColumn}), '%Y-%m-%dT%H') AS hour,
              count(*)::DOUBLE AS row_count, bit_xor(hash(t))::VARCHAR AS fingerprint
       FROM ${table} t WHERE topic = $1 GROUP BY ALL ORDER BY ALL`,
      [topic],
    );
  const products = (table: string, timeColumn: string): Comparison => ({
    table,
    rows: gold(
      `SELECT ${timeColumn}, product_id, category, clicks, carts, units, revenue FROM ${table} ORDER BY 1, 2`,
    ),
    key: [timeColumn, 'product_id'],
    values: ['category', 'clicks', 'carts', 'units', 'revenue'],
    tolerance: money,
  });
  return [
    {
      table: 'serving.kpi_minute',
      rows: gold(`SELECT window_start, metric, value FROM serving.kpi_minute ORDER BY 1, 2`),
      key: ['window_start', 'metric'],
      values: ['value'],
      tolerance: (row) => KPI_TOLERANCE[row['metric'] as KpiMetric] ?? 0,
    },
    {
      table: 'serving.kpi_counts',
      rows: gold(`SELECT window_start, counter, value FROM serving.kpi_counts ORDER BY 1, 2`),
      key: ['window_start', 'counter'],
      values: ['value'],
      tolerance: byCounter,
    },
    {
      table: 'serving.kpi_dim_counts',
      rows: gold(
        `SELECT window_start, dimension, dim_value, counter, value FROM serving.kpi_dim_counts ORDER BY 1, 2, 3, 4`,
      ),
      key: ['window_start', 'dimension', 'dim_value', 'counter'],
      values: ['value'],
      tolerance: byCounter,
    },
    products('serving.product_minute', 'window_start'),
    products('serving.product_10m', 'bucket_start'),
    {
      table: 'serving.partition_accounting',
      rows: gold(
        `SELECT partition, records_read, bronze_rows, silver_rows, quarantine_rows, duplicates_dropped, late_quarantined
         FROM serving.partition_accounting WHERE topic = $1 ORDER BY 1`,
        [topic],
      ),
      key: ['partition'],
      values: [
        'records_read',
        'bronze_rows',
        'silver_rows',
        'quarantine_rows',
        'duplicates_dropped',
        'late_quarantined',
      ],
    },
    {
      table: 'serving.quarantine_reasons',
      rows: gold(
        `SELECT partition, reason, count FROM serving.quarantine_reasons WHERE topic = $1 ORDER BY 1, 2`,
        [topic],
      ),
      key: ['partition', 'reason'],
      values: ['count'],
    },
    {
      table: 'lake.silver',
      rows: lakeFingerprint('silver', 'event_time'),
      key: ['partition', 'hour'],
      values: ['row_count', 'fingerprint'],
    },
    {
      table: 'lake.quarantine',
      rows: lakeFingerprint('quarantine', 'log_timestamp'),
      key: ['partition', 'hour'],
      values: ['row_count', 'fingerprint'],
    },
  ];
}

/** A value as compared and reported: numbers (pg may hand bigints as strings), text, dates as ISO. */
function valueOf(v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  return String(v);
}

function diffTable(
  c: Comparison,
  live: Array<Record<string, unknown>>,
  replayed: Array<Record<string, unknown>>,
): ReplayDifference[] {
  const keyOf = (row: Record<string, unknown>) => c.key.map((k) => valueOf(row[k])).join('|');
  const liveByKey = new Map(live.map((r) => [keyOf(r), r]));
  const replayedByKey = new Map(replayed.map((r) => [keyOf(r), r]));
  const keys = [...new Set([...liveByKey.keys(), ...replayedByKey.keys()])].sort();
  const out: ReplayDifference[] = [];
  for (const key of keys) {
    const l = liveByKey.get(key);
    const r = replayedByKey.get(key);
    for (const column of c.values) {
      const a = l === undefined ? null : valueOf(l[column]);
      const b = r === undefined ? null : valueOf(r[column]);
      const equal =
        typeof a === 'number' && typeof b === 'number'
          ? Math.abs(a - b) <= (c.tolerance?.(l ?? r!, column) ?? 0)
          : a === b;
      if (!equal) out.push({ table: c.table, key, column, live: a, replayed: b });
    }
  }
  return out;
}

/**
 * `replay --verify`: rebuilds Silver, quarantine, Gold and the accounting from the live Bronze
 * into a scratch lake and a scratch embedded serving DB (the live tables are only read, never
 * changed), then diffs every rebuilt table with the live one. Zero differences means a replay would
 * change nothing: the live tables are what the current rules make of Bronze. For an exact answer
 * the pipeline should be stopped (a running processor keeps changing the live side, and its
 * unflushed lake buffer is not in the live lake yet).
 */
export async function verifyReplay(
  lake: Lake,
  store: ServingStore,
  options: StreamProcessorOptions,
  o: VerifyReplayOptions,
): Promise<ReplayVerification> {
  const started = Date.now();
  await mkdir(o.scratchDir, { recursive: true });
  const scratchStore = await openPgliteStore({ dataDir: join(o.scratchDir, 'store') });
  let scratchLake: Lake | undefined;
  try {
    await scratchStore.migrate();
    scratchLake = await o.openScratchLake(join(o.scratchDir, 'lake'));
    const source = await bronzeSource(lake, options.topic, o.bronzeVersion);
    const { records } = await rebuildFromBronze(source, scratchLake, scratchStore, options, o.onProgress);
    const live: Side = { store, lake };
    const replayed: Side = { store: scratchStore, lake: scratchLake };
    const tables: ReplayTableDiff[] = [];
    const differences: ReplayDifference[] = [];
    let differenceCount = 0;
    for (const c of comparisons(options.topic)) {
      const [a, b] = await Promise.all([c.rows(live), c.rows(replayed)]);
      const found = diffTable(c, a, b);
      tables.push({ table: c.table, liveRows: a.length, replayedRows: b.length, differences: found.length });
      differenceCount += found.length;
      differences.push(...found.slice(0, KEPT_PER_TABLE));
    }
    return {
      records,
      bronzeVersion: source.version,
      elapsedMs: Date.now() - started,
      tables,
      differences,
      differenceCount,
      scratchDir: o.scratchDir,
    };
  } finally {
    await Promise.allSettled([scratchLake?.close(), scratchStore.close()]);
    if (o.keepScratch !== true) await rm(o.scratchDir, { recursive: true, force: true });
  }
}
