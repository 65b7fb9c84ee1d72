import { queryLake, type Lake } from '../../lake/index.js';
import { skipped, type DqCheckResult, type DqOptions } from './dq-check.js';

/** Field -> the event types that require it (undefined = every event), per the contract v1. */
const REQUIRED: ReadonlyArray<readonly [string, readonly string[] | undefined]> = [
  ['event_id', undefined],
  ['event_type', undefined],
  ['event_time', undefined],
  ['ingest_time', undefined],
  ['user_id', undefined],
  ['session_id', undefined],
  ['source', undefined],
  ['product_id', ['click', 'add_to_cart']],
  ['quantity', ['add_to_cart', 'purchase']],
  ['price', ['add_to_cart', 'purchase']],
  ['currency', ['add_to_cart', 'purchase']],
  ['order_id', ['purchase']],
];

/** Silver rows of the `lookbackHours` before the newest event (a CTE named `recent`). */
const RECENT = (hours: number) =>
  `WITH recent AS (SELECT * FROM silver WHERE event_time >= (SELECT max(event_time) FROM silver) - INTERVAL ${Math.floor(hours)} HOUR)`;

/** Completeness (null rate per required field), uniqueness (event_id) and consistency of Silver. */
export async function silverChecks(lake: Lake, o: DqOptions): Promise<DqCheckResult[]> {
  if ((await lake.files.list('silver')).length === 0) {
    return [
      skipped('completeness', 'completeness', 'no Silver data'),
      skipped('uniqueness.event_id', 'uniqueness', 'no Silver data'),
    ];
  }
  return [...(await completeness(lake, o)), await uniqueness(lake, o), ...(await silverConsistency(lake, o))];
}

async function completeness(lake: Lake, o: DqOptions): Promise<DqCheckResult[]> {
  const cols = REQUIRED.map(([field, types], i) => {
    const scope = types === undefined ? 'true' : `event_type IN (${types.map((t) => `'${t}'`).join(', ')})`;
    return `count(*) FILTER (WHERE ${scope}) AS n${i}, count(*) FILTER (WHERE ${scope} AND "${field}" IS NULL) AS z${i}`;
  });
  const [row] = await queryLake(lake, `${RECENT(o.lookbackHours)} SELECT ${cols.join(', ')} FROM recent`);
  return REQUIRED.map(([field], i) => {
    const n = Number(row?.[`n${i}`] ?? 0);
    const nulls = Number(row?.[`z${i}`] ?? 0);
    const pct = n === 0 ? 0 : (100 * nulls) / n;
    const passed = pct <= o.maxNullPct;
    return {
      name: `completeness.${field}`,
      category: 'completeness',
      passed,
      observed: pct,
      threshold: o.maxNullPct,
      weight: 1,
      message: `${field}: ${nulls} of ${n} required values null (${pct.toFixed(3)} %)`,
      details: { rows: n, nulls },
    };
  });
}

async function uniqueness(lake: Lake, o: DqOptions): Promise<DqCheckResult> {
  const [row] = await queryLake(
    lake,
    `${RECENT(o.lookbackHours)} SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM recent`,
  );
  const n = Number(row?.['n'] ?? 0);
  const dupes = n - Number(row?.['d'] ?? 0);
  return {
    name: 'uniqueness.event_id',
    category: 'uniqueness',
    passed: dupes === 0,
    observed: dupes,
    threshold: 0,
    weight: 3,
    message: `${dupes} duplicate event_id values among ${n} Silver events`,
    details: { rows: n },
  };
}

async function silverConsistency(lake: Lake, o: DqOptions): Promise<DqCheckResult[]> {
  const [row] = await queryLake(
    lake,
    `${RECENT(o.lookbackHours)} SELECT
       count(*) FILTER (WHERE event_type = 'purchase' AND price * quantity < 0) AS negative_revenue,
       count(*) FILTER (WHERE event_type IN ('add_to_cart', 'purchase') AND (quantity < 1 OR price < 0)) AS bad_lines
     FROM recent`,
  );
  const neg = Number(row?.['negative_revenue'] ?? 0);
  const bad = Number(row?.['bad_lines'] ?? 0);
  return [
    {
      name: 'consistency.revenue_non_negative',
      category: 'consistency',
      passed: neg === 0,
      observed: neg,
      threshold: 0,
      weight: 2,
      message: `${neg} purchase events with negative revenue (price x quantity)`,
      details: {},
    },
    {
      name: 'consistency.cart_lines',
      category: 'consistency',
      passed: bad === 0,
      observed: bad,
      threshold: 0,
      weight: 1,
      message: `${bad} cart/purchase events with quantity < 1 or price < 0`,
      details: {},
    },
  ];
}
