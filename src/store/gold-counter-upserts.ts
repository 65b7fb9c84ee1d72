import { isoOf, type GoldBatch } from './gold-batch.js';
import { productBucketSql } from './product-rollup-sql.js';
import type { SqlExecutor } from './serving-store.js';

/**
 * Step 4 of the Gold commit: adds the batch's additive deltas, each table in one statement over
 * unnest() arrays. Rows are pre-aggregated per key (a key may repeat in a batch) and written in key
 * order, so concurrent commits lock shared rows in the same order and cannot deadlock.
 */
export async function addCounterDeltas(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  if (batch.counters.length > 0) await addCounters(tx, batch);
  if (batch.dimCounters.length > 0) await addDimCounters(tx, batch);
  if (batch.products.length > 0) await addProducts(tx, batch);
  if (batch.orders.length > 0) await addOrders(tx, batch);
}

async function addCounters(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  const rows = batch.counters;
  await tx.query(
    `INSERT INTO serving.kpi_counts (window_start, counter, value)
     SELECT w, c, sum(d) FROM unnest($1::timestamptz[], $2::text[], $3::float8[]) AS u(w, c, d)
     GROUP BY w, c ORDER BY w, c
     ON CONFLICT (window_start, counter) DO UPDATE SET value = kpi_counts.value + excluded.value`,
    [rows.map((r) => isoOf(r.windowStartMs)), rows.map((r) => r.counter), rows.map((r) => r.delta)],
  );
}

async function addDimCounters(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  const rows = batch.dimCounters;
  await tx.query(
    `INSERT INTO serving.kpi_dim_counts (window_start, dimension, dim_value, counter, value)
     SELECT w, dim, v, c, sum(d)
     FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::float8[]) AS u(w, dim, v, c, d)
     GROUP BY w, dim, v, c ORDER BY w, dim, v, c
     ON CONFLICT (window_start, dimension, dim_value, counter)
     DO UPDATE SET value = kpi_dim_counts.value + excluded.value`,
    [
      rows.map((r) => isoOf(r.windowStartMs)),
      rows.map((r) => r.dimension),
      rows.map((r) => r.dimValue),
      rows.map((r) => r.counter),
      rows.map((r) => r.delta),
    ],
  );
}

/** Adds the batch's product deltas to the minute and to its 10-minute bucket: one statement. */
async function addProducts(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  const rows = batch.products;
  await tx.query(
    `WITH d AS (
       SELECT w, p, max(cat) AS cat, sum(cl) AS cl, sum(ca) AS ca, sum(un) AS un, sum(rev) AS rev
       FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
         AS u(w, p, cat, cl, ca, un, rev)
       GROUP BY w, p),
     minutes AS (
       INSERT INTO serving.product_minute AS m (window_start, product_id, category, clicks, carts, units, revenue)
       SELECT w, p, cat, cl, ca, un, rev FROM d ORDER BY w, p
       ON CONFLICT (window_start, product_id) DO UPDATE SET
         category = coalesce(excluded.category, m.category),
         clicks = m.clicks + excluded.clicks, carts = m.carts + excluded.carts,
         units = m.units + excluded.units, revenue = m.revenue + excluded.revenue)
     INSERT INTO serving.product_10m AS b (bucket_start, product_id, category, clicks, carts, units, revenue)
     SELECT ${productBucketSql('w')}, p, max(cat), sum(cl), sum(ca), sum(un), sum(rev) FROM d GROUP BY 1, 2 ORDER BY 1, 2
     ON CONFLICT (bucket_start, product_id) DO UPDATE SET
       category = coalesce(excluded.category, b.category),
       clicks = b.clicks + excluded.clicks, carts = b.carts + excluded.carts,
       units = b.units + excluded.units, revenue = b.revenue + excluded.revenue`,
    [
      rows.map((r) => isoOf(r.windowStartMs)),
      rows.map((r) => r.productId),
      rows.map((r) => r.category),
      rows.map((r) => r.clicks),
      rows.map((r) => r.carts),
      rows.map((r) => r.units),
      rows.map((r) => r.revenue),
    ],
  );
}

/** Inserts purchases into the live order feed, then keeps only the newest `recentOrdersLimit`. */
async function addOrders(tx: SqlExecutor, batch: GoldBatch): Promise<void> {
  const rows = batch.orders;
  await tx.query(
    `INSERT INTO serving.recent_orders
       (partition, "offset", order_id, user_id, event_time, product_id, revenue, items, currency, channel, store_id)
     SELECT * FROM unnest($1::int[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
       $7::float8[], $8::int[], $9::text[], $10::text[], $11::text[])
     ON CONFLICT (partition, "offset") DO NOTHING`,
    [
      rows.map((r) => r.partition),
      rows.map((r) => r.offset),
      rows.map((r) => r.orderId),
      rows.map((r) => r.userId),
      rows.map((r) => isoOf(r.eventTimeMs)),
      rows.map((r) => r.productId),
      rows.map((r) => r.quantity * r.price),
      rows.map((r) => r.quantity),
      rows.map((r) => r.currency),
      rows.map((r) => r.channel),
      rows.map((r) => r.storeId),
    ],
  );
  await tx.query(
    `DELETE FROM serving.recent_orders WHERE ctid IN (
       SELECT ctid FROM serving.recent_orders ORDER BY event_time DESC, partition, "offset" OFFSET $1)`,
    [batch.recentOrdersLimit ?? 1000],
  );
}
