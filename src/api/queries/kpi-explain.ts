import type { SqlExecutor } from '../../store/serving-store.js';
import { windowCommitsOf, type WindowCommit } from '../../store/window-commits.js';
import type { EventType } from '../../contract/event.js';
import type { KpiMetric } from '../../contract/kpi-metrics.js';
import {
  queryLake,
  readParquetSql,
  tableSql,
  type Lake,
  type LakeTableName,
  type LiveFile,
} from '../../lake/index.js';

const MINUTE_MS = 60_000;

interface MetricDefinition {
  readonly formula: string;
  /** The event types whose Silver events make the value (all types for events_total). */
  readonly types: readonly EventType[] | 'all';
  readonly compute: (i: KpiInputs) => number;
}

/** What every reference KPI of a minute is made of: Silver event counts by type and the revenue sum. */
export interface KpiInputs {
  readonly events_total: number;
  readonly events_click: number;
  readonly events_add_to_cart: number;
  readonly events_checkout: number;
  readonly events_purchase: number;
  readonly revenue: number;
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);

/** The brief's formulas, stated for people; `compute` re-derives the value from the inputs. */
export const KPI_DEFINITIONS: Readonly<Record<KpiMetric, MetricDefinition>> = {
  events_total: {
    formula: 'count of Silver events in the minute',
    types: 'all',
    compute: (i) => i.events_total,
  },
  events_click: { formula: 'count of click events', types: ['click'], compute: (i) => i.events_click },
  events_add_to_cart: {
    formula: 'count of add_to_cart events',
    types: ['add_to_cart'],
    compute: (i) => i.events_add_to_cart,
  },
  events_checkout: {
    formula: 'count of checkout events',
    types: ['checkout'],
    compute: (i) => i.events_checkout,
  },
  events_purchase: {
    formula: 'count of purchase events',
    types: ['purchase'],
    compute: (i) => i.events_purchase,
  },
  revenue: {
    formula: 'sum of price × quantity over purchase events',
    types: ['purchase'],
    compute: (i) => i.revenue,
  },
  aov: {
    formula: 'revenue / events_purchase (0 without a purchase)',
    types: ['purchase'],
    compute: (i) => ratio(i.revenue, i.events_purchase),
  },
  add_to_cart_rate: {
    formula: 'events_add_to_cart / events_click (0 without a click)',
    types: ['add_to_cart', 'click'],
    compute: (i) => ratio(i.events_add_to_cart, i.events_click),
  },
  checkout_rate: {
    formula: 'events_checkout / events_add_to_cart (0 without an add_to_cart)',
    types: ['checkout', 'add_to_cart'],
    compute: (i) => ratio(i.events_checkout, i.events_add_to_cart),
  },
  purchase_conversion: {
    formula: 'events_purchase / events_click (0 without a click)',
    types: ['purchase', 'click'],
    compute: (i) => ratio(i.events_purchase, i.events_click),
  },
};

export interface ExplainedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly eventTime: string;
  readonly ingestTime: string;
  readonly price: number | null;
  readonly quantity: number | null;
  readonly partition: number;
  readonly offset: number;
  /** The lake data file holding the row (its Delta `add.path` in the silver table). */
  readonly file: string;
}

export interface ExcludedRecord {
  readonly partition: number;
  readonly offset: number;
  readonly eventId: string | null;
  /** Quarantine reason codes, or `duplicate` (the event_id is in Silver at another offset). */
  readonly reasons: readonly string[];
}

export interface KpiExplanation {
  readonly formula: string;
  readonly inputs: KpiInputs;
  /** The value the formula gives over the inputs (what the streaming value must equal). */
  readonly recomputed: number;
  /** The Silver table version read (null: no Silver yet). */
  readonly silverVersion: number | null;
  readonly events: {
    readonly total: number;
    readonly offset: number;
    readonly limit: number;
    readonly items: readonly ExplainedEvent[];
  };
  readonly excluded: {
    /**
     * Log records whose event_time is in the minute that are not in Silver, among the records of
     * the log ranges (lake files) that hold the minute's Silver events: `logRanges` Bronze files.
     * A record processed in another range (e.g. one that arrived hours late) is not listed.
     */
    readonly logRanges: number;
    readonly byReason: ReadonlyArray<{ reason: string; count: number }>;
    readonly items: readonly ExcludedRecord[];
  };
}

export interface ExplainRequest {
  readonly metric: KpiMetric;
  readonly windowStartMs: number;
  readonly limit: number;
  readonly offset: number;
}

const INPUTS_SQL = (silver: string) => `
  SELECT count(*) AS events_total,
    count(*) FILTER (WHERE event_type = 'click') AS events_click,
    count(*) FILTER (WHERE event_type = 'add_to_cart') AS events_add_to_cart,
    count(*) FILTER (WHERE event_type = 'checkout') AS events_checkout,
    count(*) FILTER (WHERE event_type = 'purchase') AS events_purchase,
    coalesce(sum(price * quantity) FILTER (WHERE event_type = 'purchase'), 0)::DOUBLE AS revenue
  FROM ${silver}
  WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)`;

const EVENTS_SQL = (silver: string) => `
  SELECT event_id, event_type, epoch_ms(event_time) AS event_ms, epoch_ms(ingest_time) AS ingest_ms,
         price, quantity, "partition", "offset", filename, count(*) OVER () AS total
  FROM ${silver}
  WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)
    AND ($3::VARCHAR = '' OR list_contains(string_split($3::VARCHAR, ','), event_type))
  ORDER BY event_time, "partition", "offset"
  LIMIT $4 OFFSET $5`;

/** Bronze records of the minute not in Silver: quarantined (with reasons) or duplicates. */
const EXCLUDED_SQL = (bronze: string, silver: string, quarantine: string) => `
  WITH b AS (
    SELECT "partition", "offset", event_id FROM ${bronze}
    WHERE event_time >= epoch_ms($1::BIGINT) AND event_time < epoch_ms($2::BIGINT)
  ), kept AS (SELECT "partition", "offset", event_id FROM ${silver})
  SELECT b."partition", b."offset", b.event_id,
         coalesce(q.reason_list, CASE WHEN b.event_id IN (SELECT event_id FROM kept) THEN ['duplicate'] ELSE ['unknown'] END) AS reasons
  FROM b
  LEFT JOIN kept k ON k."partition" = b."partition" AND k."offset" = b."offset"
  LEFT JOIN ${quarantine} q ON q."partition" = b."partition" AND q."offset" = b."offset"
  WHERE k."offset" IS NULL
  ORDER BY b."partition", b."offset"`;

const EMPTY_INPUTS: KpiInputs = {
  events_total: 0,
  events_click: 0,
  events_add_to_cart: 0,
  events_checkout: 0,
  events_purchase: 0,
  revenue: 0,
};

/** The most excluded records listed (all are counted by reason). */
const EXCLUDED_ITEMS = 200;

/**
 * Explains one minute's KPI from the lake: the formula, its inputs over Silver, the contributing
 * Silver events (paged, with their log position and lake file), and the log records of the minute
 * that were left out and why. Reads only the hive hours around the minute; parameterized SQL.
 */
export async function explainKpiMinute(lake: Lake, req: ExplainRequest): Promise<KpiExplanation> {
  const def = KPI_DEFINITIONS[req.metric];
  const fromMs = req.windowStartMs;
  const toMs = fromMs + MINUTE_MS;
  const snap = await lake.files.snapshot('silver');
  const silverFiles = await lake.files.list('silver', {
    fromMs,
    toMs,
    ...(snap ? { version: snap.version } : {}),
  });
  // The log records of the minute left out of Silver are looked for in the Bronze and quarantine
  // files of the same log ranges (a flush writes the three tables for one range): they hold every
  // record processed together with the minute's events. A duplicate's original has the same
  // event_time, so it is in the minute's Silver files.
  const overlaps = (f: LiveFile) =>
    silverFiles.some(
      (s) => s.partition === f.partition && s.fromOffset <= f.toOffset && f.fromOffset <= s.toOffset,
    );
  const [bronzeFiles, quarantineFiles] = await Promise.all([
    lake.files.list('bronze').then((files) => files.filter(overlaps)),
    lake.files.list('quarantine').then((files) => files.filter(overlaps)),
  ]);
  const tablePathOf = new Map(silverFiles.map((f) => [f.path, f.tablePath]));
  const src = (files: readonly LiveFile[], table: LakeTableName) =>
    readParquetSql(
      files.map((f) => f.path),
      table,
    );
  /** Every row of the files as a subquery (zero rows with the table's columns when there are none). */
  const rows = (files: readonly LiveFile[], table: LakeTableName) =>
    `(${tableSql(
      files.map((f) => f.path),
      table,
    )})`;
  const types = def.types === 'all' ? '' : def.types.join(',');
  const [inputRows, eventRows, excludedRows] = await Promise.all([
    silverFiles.length === 0 ? [] : queryLake(lake, INPUTS_SQL(src(silverFiles, 'silver')), [fromMs, toMs]),
    silverFiles.length === 0
      ? []
      : queryLake(
          lake,
          EVENTS_SQL(
            src(silverFiles, 'silver').replace(
              'union_by_name = true',
              'union_by_name = true, filename = true',
            ),
          ),
          [fromMs, toMs, types, req.limit, req.offset],
        ),
    bronzeFiles.length === 0
      ? []
      : queryLake(
          lake,
          EXCLUDED_SQL(
            rows(bronzeFiles, 'bronze'),
            rows(silverFiles, 'silver'),
            rows(quarantineFiles, 'quarantine'),
          ),
          [fromMs, toMs],
        ),
  ]);
  const r = inputRows[0];
  const inputs: KpiInputs =
    r === undefined
      ? EMPTY_INPUTS
      : {
          events_total: Number(r['events_total']),
          events_click: Number(r['events_click']),
          events_add_to_cart: Number(r['events_add_to_cart']),
          events_checkout: Number(r['events_checkout']),
          events_purchase: Number(r['events_purchase']),
          revenue: Number(r['revenue']),
        };
  const byReason = new Map<string, number>();
  const items: ExcludedRecord[] = [];
  for (const row of excludedRows) {
    const reasons = (row['reasons'] as string[] | null) ?? [];
    for (const reason of reasons) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    if (items.length < EXCLUDED_ITEMS)
      items.push({
        partition: Number(row['partition']),
        offset: Number(row['offset']),
        eventId: row['event_id'] === null ? null : String(row['event_id']),
        reasons,
      });
  }
  return {
    formula: def.formula,
    inputs,
    recomputed: def.compute(inputs),
    silverVersion: snap?.version ?? null,
    events: {
      total: Number(eventRows[0]?.['total'] ?? 0),
      offset: req.offset,
      limit: req.limit,
      items: eventRows.map((e) => ({
        eventId: String(e['event_id']),
        eventType: String(e['event_type']),
        eventTime: new Date(Number(e['event_ms'])).toISOString(),
        ingestTime: new Date(Number(e['ingest_ms'])).toISOString(),
        price: e['price'] === null ? null : Number(e['price']),
        quantity: e['quantity'] === null ? null : Number(e['quantity']),
        partition: Number(e['partition']),
        offset: Number(e['offset']),
        file: tablePathOf.get(String(e['filename'])) ?? String(e['filename']),
      })),
    },
    excluded: {
      logRanges: bronzeFiles.length,
      byReason: [...byReason].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
      items,
    },
  };
}

/** The newest commits of a minute listed one by one (the count covers all). */
export const LISTED_COMMITS = 100;

/** The processor commits that touched a minute (serving.kpi_window, serving.kpi_window_commits). */
export interface MinuteCommits {
  /** Serving-DB transactions that added to the minute (its revision). */
  readonly count: number;
  readonly firstCommitAt: string | null;
  readonly lastCommitAt: string | null;
  /** When Gold finalised it; null while open. */
  readonly finalizedAt: string | null;
  /**
   * The newest LISTED_COMMITS of them, oldest first, each with the log ranges it applied. Fewer
   * than `count` when the minute was committed before they were recorded or past
   * store.windowCommitsRetentionHours.
   */
  readonly items: readonly WindowCommit[];
}

/** The minute's value as the stream committed it, whether Gold finalised it, and its commits. */
export async function goldMinute(
  store: SqlExecutor,
  windowStartMs: number,
  metric: KpiMetric,
): Promise<{ value: number | null; finalized: boolean; commits: MinuteCommits }> {
  const [row] = await store.query<{
    value: number | null;
    revision: number | null;
    first_commit_at: Date | null;
    last_commit_at: Date | null;
    finalized_at: Date | null;
  }>(
    `SELECT (SELECT value FROM serving.kpi_minute WHERE window_start = $1::timestamptz AND metric = $2) AS value,
            w.revision, w.first_commit_at, w.last_commit_at, w.finalized_at
     FROM (SELECT 1) AS one LEFT JOIN serving.kpi_window w ON w.window_start = $1::timestamptz`,
    [new Date(windowStartMs).toISOString(), metric],
  );
  const items = await windowCommitsOf(store, windowStartMs, LISTED_COMMITS);
  const iso = (d: Date | null | undefined) => (d == null ? null : new Date(d).toISOString());
  return {
    value: row?.value ?? null,
    finalized: row?.finalized_at != null,
    commits: {
      count: Number(row?.revision ?? 0),
      firstCommitAt: iso(row?.first_commit_at),
      lastCommitAt: iso(row?.last_commit_at),
      finalizedAt: iso(row?.finalized_at),
      items,
    },
  };
}

/** One minute's KPI as the stream committed it, explained from the lake: the route's and the CLI's answer. */
export interface ExplainedKpi extends KpiExplanation {
  readonly metric: KpiMetric;
  readonly windowStart: string;
  readonly value: number | null;
  readonly finalized: boolean;
  readonly commits: MinuteCommits;
}

export async function explainKpi(
  store: SqlExecutor,
  explainMinute: (req: ExplainRequest) => Promise<KpiExplanation>,
  req: ExplainRequest,
): Promise<ExplainedKpi> {
  const [gold, explanation] = await Promise.all([
    goldMinute(store, req.windowStartMs, req.metric),
    explainMinute(req),
  ]);
  return {
    metric: req.metric,
    windowStart: new Date(req.windowStartMs).toISOString(),
    ...gold,
    ...explanation,
  };
}
