import type { SqlExecutor } from '../../store/serving-store.js';
import { productBucketSql } from '../../store/product-rollup-sql.js';

/**
 * Test data written straight into the serving schema, in the shapes the Gold commit writes:
 * additive counters (kpi_counts, kpi_dim_counts), the reference rows of kpi_minute derived with
 * the brief's formulas, product minutes, order lines, positions, accounting and quarantine
 * reasons, and the kpi_window bookkeeping the store poller watches. Deterministic from its input.
 */
export interface SeedWindow {
  readonly windowStartMs: number;
  readonly clicks: number;
  readonly carts: number;
  readonly checkouts: number;
  readonly purchases: number;
  /** Revenue of the window's purchases. */
  readonly revenue: number;
  readonly channel?: string;
  readonly category?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** Adds one window's counters (additive, like a commit) and rewrites its kpi_minute rows. */
export async function seedWindow(db: SqlExecutor, w: SeedWindow, committedAtMs = Date.now()): Promise<void> {
  const total = w.clicks + w.carts + w.checkouts + w.purchases;
  const counters: Record<string, number> = {
    events_total: total,
    events_click: w.clicks,
    events_add_to_cart: w.carts,
    events_checkout: w.checkouts,
    events_purchase: w.purchases,
    revenue: w.revenue,
    units_purchased: w.purchases,
  };
  for (const [counter, value] of Object.entries(counters)) {
    await db.query(
      `INSERT INTO serving.kpi_counts (window_start, counter, value) VALUES ($1::timestamptz, $2, $3)
       ON CONFLICT (window_start, counter) DO UPDATE SET value = serving.kpi_counts.value + EXCLUDED.value`,
      [iso(w.windowStartMs), counter, value],
    );
    if (counter === 'units_purchased') continue;
    for (const [dimension, value2] of [
      ['channel', w.channel],
      ['category', w.category],
    ] as const) {
      if (value2 === undefined) continue;
      await db.query(
        `INSERT INTO serving.kpi_dim_counts (window_start, dimension, dim_value, counter, value) VALUES ($1::timestamptz, $2, $3, $4, $5)
         ON CONFLICT (window_start, dimension, dim_value, counter) DO UPDATE SET value = serving.kpi_dim_counts.value + EXCLUDED.value`,
        [iso(w.windowStartMs), dimension, value2, counter, value],
      );
    }
  }
  await rewriteKpiMinute(db, w.windowStartMs, committedAtMs);
}

async function rewriteKpiMinute(
  db: SqlExecutor,
  windowStartMs: number,
  committedAtMs: number,
): Promise<void> {
  const rows = await db.query<{ counter: string; value: number }>(
    `SELECT counter, value FROM serving.kpi_counts WHERE window_start = $1::timestamptz`,
    [iso(windowStartMs)],
  );
  const c = new Map(rows.map((r) => [r.counter, Number(r.value)]));
  const g = (k: string) => c.get(k) ?? 0;
  const metrics: Record<string, number> = {
    events_total: g('events_total'),
    events_click: g('events_click'),
    events_add_to_cart: g('events_add_to_cart'),
    events_checkout: g('events_checkout'),
    events_purchase: g('events_purchase'),
    revenue: g('revenue'),
    aov: ratio(g('revenue'), g('events_purchase')),
    add_to_cart_rate: ratio(g('events_add_to_cart'), g('events_click')),
    checkout_rate: ratio(g('events_checkout'), g('events_add_to_cart')),
    purchase_conversion: ratio(g('events_purchase'), g('events_click')),
  };
  for (const [metric, value] of Object.entries(metrics)) {
    await db.query(
      `INSERT INTO serving.kpi_minute (window_start, metric, value) VALUES ($1::timestamptz, $2, $3)
       ON CONFLICT (window_start, metric) DO UPDATE SET value = EXCLUDED.value`,
      [iso(windowStartMs), metric, value],
    );
  }
  await db.query(
    `INSERT INTO serving.kpi_window (window_start, first_commit_at, last_commit_at, revision) VALUES ($1::timestamptz, $2::timestamptz, $2::timestamptz, 1)
     ON CONFLICT (window_start) DO UPDATE SET last_commit_at = EXCLUDED.last_commit_at, revision = serving.kpi_window.revision + 1`,
    [iso(windowStartMs), iso(committedAtMs)],
  );
}

export async function seedProductMinute(
  db: SqlExecutor,
  p: {
    windowStartMs: number;
    productId: string;
    category: string;
    clicks: number;
    carts: number;
    units: number;
    revenue: number;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO serving.product_minute (window_start, product_id, category, clicks, carts, units, revenue)
     VALUES ($1::timestamptz, $2, $3, $4, $5, $6, $7)`,
    [iso(p.windowStartMs), p.productId, p.category, p.clicks, p.carts, p.units, p.revenue],
  );
  // Its bucket, as the commit path keeps it: one row added to, not a rebuild of every bucket.
  await db.query(
    `INSERT INTO serving.product_10m AS b (bucket_start, product_id, category, clicks, carts, units, revenue)
     VALUES (${productBucketSql('$1::timestamptz')}, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (bucket_start, product_id) DO UPDATE SET category = coalesce(excluded.category, b.category),
       clicks = b.clicks + excluded.clicks, carts = b.carts + excluded.carts,
       units = b.units + excluded.units, revenue = b.revenue + excluded.revenue`,
    [iso(p.windowStartMs), p.productId, p.category, p.clicks, p.carts, p.units, p.revenue],
  );
}

export async function seedOrder(
  db: SqlExecutor,
  o: {
    partition: number;
    offset: number;
    orderId: string;
    eventTimeMs: number;
    productId: string;
    items: number;
    revenue: number;
    channel: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO serving.recent_orders (partition, "offset", order_id, user_id, event_time, product_id, revenue, items, currency, channel, store_id)
     VALUES ($1, $2, $3, 'u-' || $3, $4::timestamptz, $5, $6, $7, 'USD', $8, NULL)`,
    [o.partition, o.offset, o.orderId, iso(o.eventTimeMs), o.productId, o.revenue, o.items, o.channel],
  );
}

export async function seedPipeline(
  db: SqlExecutor,
  p: {
    partition: number;
    nextOffset: number;
    committedAtMs: number;
    maxEventTimeMs: number;
    silver: number;
    quarantine: number;
    duplicates: number;
    reasons: Record<string, number>;
  },
): Promise<void> {
  const topic = 'ecom.events.raw.v1';
  await db.query(
    `INSERT INTO serving.processor_positions (topic, partition, next_offset, epoch, owner, committed_at, max_event_time)
     VALUES ($1, $2, $3, 1, 'test', $4::timestamptz, $5::timestamptz)
     ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset, committed_at = EXCLUDED.committed_at, max_event_time = EXCLUDED.max_event_time`,
    [topic, p.partition, p.nextOffset, iso(p.committedAtMs), iso(p.maxEventTimeMs)],
  );
  const read = p.silver + p.quarantine + p.duplicates;
  await db.query(
    `INSERT INTO serving.partition_accounting (topic, partition, records_read, bronze_rows, silver_rows, quarantine_rows, duplicates_dropped)
     VALUES ($1, $2, $3, $3, $4, $5, $6)
     ON CONFLICT (topic, partition) DO UPDATE SET records_read = EXCLUDED.records_read, bronze_rows = EXCLUDED.bronze_rows,
       silver_rows = EXCLUDED.silver_rows, quarantine_rows = EXCLUDED.quarantine_rows, duplicates_dropped = EXCLUDED.duplicates_dropped`,
    [topic, p.partition, read, p.silver, p.quarantine, p.duplicates],
  );
  for (const [reason, count] of Object.entries(p.reasons)) {
    await db.query(
      `INSERT INTO serving.quarantine_reasons (topic, partition, reason, count) VALUES ($1, $2, $3, $4)
       ON CONFLICT (topic, partition, reason) DO UPDATE SET count = EXCLUDED.count`,
      [topic, p.partition, reason, count],
    );
  }
}

export async function seedAlert(
  db: SqlExecutor,
  a: {
    metric: string;
    windowStartMs: number;
    severity: 'warning' | 'critical';
    value: number;
    baseline: number;
    zScore: number;
    createdAtMs: number;
  },
): Promise<string> {
  const id = `ewma_zscore:${a.metric}:${iso(a.windowStartMs)}`;
  await db.query(
    `INSERT INTO serving.alerts (id, rule, metric, window_start, severity, status, value, baseline, z_score, message, created_at, updated_at)
     VALUES ($1, 'ewma_zscore', $2, $3::timestamptz, $4, 'open', $5, $6, $7, $8, $9::timestamptz, $9::timestamptz)`,
    [
      id,
      a.metric,
      iso(a.windowStartMs),
      a.severity,
      a.value,
      a.baseline,
      a.zScore,
      `${a.metric} ${a.value.toFixed(2)} vs baseline ${a.baseline.toFixed(2)} (z=${a.zScore.toFixed(1)})`,
      iso(a.createdAtMs),
    ],
  );
  return id;
}
