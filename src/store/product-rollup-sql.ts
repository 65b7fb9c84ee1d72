/**
 * `serving.product_10m`: the product counters of `serving.product_minute` summed per 10-minute
 * bucket (aligned to the epoch, UTC), so top-product ranges read whole buckets instead of every
 * minute. The commit path adds each batch's product deltas to both tables in one statement.
 */
export const PRODUCT_BUCKET_MS = 600_000;

/** The bucket of a timestamptz expression, as SQL (the same alignment as `productBucketStartMs`). */
export const productBucketSql = (expr: string): string =>
  `date_bin('10 minutes', ${expr}, timestamptz '1970-01-01 00:00:00+00')`;

export const productBucketStartMs = (ms: number): number =>
  Math.floor(ms / PRODUCT_BUCKET_MS) * PRODUCT_BUCKET_MS;

/** Rebuilds every bucket from the minutes (the migration); idempotent. */
export const PRODUCT_ROLLUP_FROM_MINUTES_SQL = `INSERT INTO serving.product_10m AS b
     (bucket_start, product_id, category, clicks, carts, units, revenue)
   SELECT ${productBucketSql('window_start')}, product_id, max(category), sum(clicks), sum(carts), sum(units), sum(revenue)
   FROM serving.product_minute GROUP BY 1, 2 ORDER BY 1, 2
   ON CONFLICT (bucket_start, product_id) DO UPDATE SET category = excluded.category, clicks = excluded.clicks,
     carts = excluded.carts, units = excluded.units, revenue = excluded.revenue`;
