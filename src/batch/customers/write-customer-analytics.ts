import type { SqlExecutor } from '../../store/serving-store.js';
import type { CohortRow } from './cohorts/monthly-cohorts.js';
import type { RfmRow } from './rfm/rfm-snapshot.js';
import type { ClvRun, CustomerClvRow } from './clv/clv-run.js';

/** Inserts `rows` in chunks of `batchRows`, one `INSERT ... SELECT FROM unnest($1::t[], ...)` each. */
async function insertColumns<R>(
  tx: SqlExecutor,
  table: string,
  columns: readonly (readonly [name: string, pgArray: string, value: (r: R) => unknown])[],
  rows: readonly R[],
  batchRows: number,
): Promise<void> {
  const names = columns.map((c) => c[0]).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c[1]}`).join(', ');
  for (let from = 0; from < rows.length; from += batchRows) {
    const chunk = rows.slice(from, from + batchRows);
    await tx.query(
      `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`,
      columns.map((c) => chunk.map(c[2])),
    );
  }
}

/** Replaces the as-of day's RFM snapshot (other days' snapshots are the history and stay). */
export async function writeRfmSnapshot(
  tx: SqlExecutor,
  asOfDay: string,
  runId: string,
  rows: readonly RfmRow[],
  batchRows: number,
): Promise<void> {
  await tx.query('DELETE FROM mart.customer_rfm WHERE as_of_date = $1::date', [asOfDay]);
  await insertColumns<RfmRow>(
    tx,
    'mart.customer_rfm',
    [
      ['as_of_date', 'date[]', () => asOfDay],
      ['customer_id', 'text[]', (r) => r.customerId],
      ['recency_days', 'int4[]', (r) => r.recencyDays],
      ['frequency', 'int4[]', (r) => r.frequency],
      ['monetary', 'numeric[]', (r) => r.monetary.toFixed(6)],
      ['r_score', 'int2[]', (r) => r.r],
      ['f_score', 'int2[]', (r) => r.f],
      ['m_score', 'int2[]', (r) => r.m],
      ['fm_score', 'int2[]', (r) => r.fm],
      ['rfm_score', 'text[]', (r) => `${r.r}${r.f}${r.m}`],
      ['segment', 'text[]', (r) => r.segment],
      ['run_id', 'text[]', () => runId],
    ],
    rows,
    batchRows,
  );
}

/** Replaces the cohort table with the run's cohorts. */
export async function writeCohorts(
  tx: SqlExecutor,
  asOfDay: string,
  rows: readonly CohortRow[],
  batchRows: number,
): Promise<void> {
  await tx.query('DELETE FROM mart.customer_cohorts');
  await insertColumns<CohortRow>(
    tx,
    'mart.customer_cohorts',
    [
      ['cohort_month', 'date[]', (r) => r.cohortMonth],
      ['months_since', 'int4[]', (r) => r.monthsSince],
      ['as_of_date', 'date[]', () => asOfDay],
      ['cohort_size', 'int4[]', (r) => r.cohortSize],
      ['active_customers', 'int4[]', (r) => r.activeCustomers],
      ['retention', 'float8[]', (r) => r.retention],
      ['orders', 'int4[]', (r) => r.orders],
      ['revenue', 'numeric[]', (r) => r.revenue.toFixed(6)],
      ['cumulative_revenue_per_customer', 'float8[]', (r) => r.cumulativeRevenuePerCustomer],
    ],
    rows,
    batchRows,
  );
}

/** Records the run and replaces mart.customer_clv with its customers. */
export async function writeClv(
  tx: SqlExecutor,
  run: ClvRun,
  rows: readonly CustomerClvRow[],
  batchRows: number,
): Promise<void> {
  const bg = run.bgNbd;
  const gg = run.gammaGamma;
  await tx.query(
    `INSERT INTO mart.clv_runs VALUES ($1, $2::date, $3::timestamptz, $4::timestamptz, $5, 'day', $6, $7, $8,
       $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
    [
      run.runId,
      run.asOfDay,
      run.startedAt,
      run.finishedAt,
      run.customers,
      run.options.horizonMonths,
      run.options.monthlyDiscountRate,
      run.options.purchasesHorizonDays,
      bg.params?.r ?? null,
      bg.params?.alpha ?? null,
      bg.params?.a ?? null,
      bg.params?.b ?? null,
      bg.fit.logLikelihood,
      bg.fit.iterations,
      bg.fit.converged,
      bg.fit.elapsedMs,
      gg.fit.customers,
      gg.params?.p ?? null,
      gg.params?.q ?? null,
      gg.params?.v ?? null,
      gg.fit.logLikelihood,
      gg.fit.iterations,
      gg.fit.converged,
      gg.fit.elapsedMs,
    ],
  );
  await tx.query('DELETE FROM mart.customer_clv');
  await insertColumns<CustomerClvRow>(
    tx,
    'mart.customer_clv',
    [
      ['customer_id', 'text[]', (r) => r.customerId],
      ['run_id', 'text[]', () => run.runId],
      ['as_of_date', 'date[]', () => run.asOfDay],
      ['frequency', 'int4[]', (r) => r.summary.frequency],
      ['recency_days', 'int4[]', (r) => r.summary.recency],
      ['age_days', 'int4[]', (r) => r.summary.T],
      ['avg_repeat_value', 'float8[]', (r) => r.summary.monetary],
      ['orders', 'int4[]', (r) => r.orders],
      ['historical_clv', 'numeric[]', (r) => r.historicalClv.toFixed(6)],
      ['expected_purchases', 'float8[]', (r) => r.prediction.expectedPurchases],
      ['probability_alive', 'float8[]', (r) => r.prediction.probabilityAlive],
      ['expected_spend', 'float8[]', (r) => r.prediction.expectedSpend],
      ['predicted_clv', 'float8[]', (r) => r.prediction.predictedClv],
    ],
    rows,
    batchRows,
  );
}

/** Puts the latest segment and predicted CLV on every dim_customers version of each customer. */
export async function updateDimCustomers(tx: SqlExecutor, asOfDay: string): Promise<void> {
  await tx.query(
    `UPDATE mart.dim_customers SET rfm_segment = NULL, predicted_clv = NULL
     WHERE rfm_segment IS NOT NULL OR predicted_clv IS NOT NULL`,
  );
  await tx.query(
    `UPDATE mart.dim_customers d SET rfm_segment = r.segment, predicted_clv = c.predicted_clv
     FROM mart.customer_rfm r LEFT JOIN mart.customer_clv c USING (customer_id)
     WHERE r.as_of_date = $1::date AND r.customer_id = d.customer_id`,
    [asOfDay],
  );
}
