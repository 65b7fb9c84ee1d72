/**
 * The Silver events every day model reads, selected once per day through the lake's `silver`
 * view. `amount` is the exact money of a purchase or refund line:
 *   amount = CAST(price AS DECIMAL(18,6)) x coalesce(quantity, 1)   (NULL without a price)
 * (a purchase always has a quantity; a refund without one refunds one unit). A duplicated event_id
 * (a Silver file seen twice while the lake rewrites files) counts once.
 */
export const EVENT_COLUMNS = [
  'event_id',
  'event_type',
  'event_time',
  'user_id',
  'session_id',
  'product_id',
  'quantity',
  'price',
  'currency',
  'order_id',
  'category',
  'channel',
  'store_id',
  'page_url',
  'country',
  'device',
] as const;

const AMOUNT = `CASE WHEN event_type IN ('purchase', 'refund') AND price IS NOT NULL
    THEN CAST(price AS DECIMAL(18,6)) * coalesce(quantity, 1) END AS amount`;

/** Silver events matching `where` (a condition on event_date and other columns), deduplicated. */
export function silverEventsSql(where: string): string {
  return `SELECT ${EVENT_COLUMNS.join(', ')}, ${AMOUNT}
    FROM silver WHERE ${where}
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY event_time) = 1`;
}
