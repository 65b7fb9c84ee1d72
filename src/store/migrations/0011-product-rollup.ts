import { PRODUCT_ROLLUP_FROM_MINUTES_SQL } from '../product-rollup-sql.js';

/**
 * Top products over a range summed every product of every minute (an hour of the default traffic:
 * ~95k rows, ~100 ms in PGlite on every dashboard poll; a day: 2.3M rows). `product_10m` holds the
 * same counters per 10-minute bucket, kept in the same transaction as `product_minute`, so a range
 * reads its whole buckets here and only its partial edges (at most 9 minutes at each end) from the minutes.
 * Filled from the existing minutes once.
 */
export const id = '0011_product_rollup';

export const statements: readonly string[] = [
  `CREATE TABLE serving.product_10m (
    bucket_start timestamptz NOT NULL,
    product_id text NOT NULL,
    category text NULL,
    clicks double precision NOT NULL,
    carts double precision NOT NULL,
    units double precision NOT NULL,
    revenue double precision NOT NULL,
    PRIMARY KEY (bucket_start, product_id))`,
  PRODUCT_ROLLUP_FROM_MINUTES_SQL,
];
