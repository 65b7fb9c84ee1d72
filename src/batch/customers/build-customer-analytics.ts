import { randomUUID } from 'node:crypto';
import type { ServingStore } from '../../store/serving-store.js';
import { runClv, type ClvRun } from './clv/clv-run.js';
import type { ClvOptions } from './clv/customer-lifetime-value.js';
import { monthlyCohorts } from './cohorts/monthly-cohorts.js';
import { dayNumber, ordersByCustomer, readCustomerOrders } from './customer-orders.js';
import { rfmSnapshot } from './rfm/rfm-snapshot.js';
import { parseSegmentRules } from './rfm/segment-rules.js';
import { updateDimCustomers, writeClv, writeCohorts, writeRfmSnapshot } from './write-customer-analytics.js';

export interface CustomerAnalyticsOptions extends ClvOptions {
  /** `customers.segmentRules` (segment-rules.ts). */
  readonly segmentRules: string;
  readonly publishBatchRows: number;
}

export interface CustomerAnalyticsRequest {
  /** The as-of day D, `YYYY-MM-DD` (UTC): orders on or before D count. */
  readonly asOf: string;
  readonly store: ServingStore;
  readonly options: CustomerAnalyticsOptions;
}

export interface CustomerAnalyticsResult {
  readonly run: ClvRun;
  readonly segments: readonly { readonly segment: string; readonly customers: number }[];
  readonly cohorts: number;
  readonly elapsedMs: { readonly read: number; readonly compute: number; readonly write: number };
}

/**
 * The customer-analytics job, run after `marts build` (it reads mart.fact_orders):
 *   1. read every order up to D;
 *   2. compute the RFM snapshot of D, the monthly cohorts, and the CLV run (BG/NBD + Gamma-Gamma
 *      fits, per-customer predictions);
 *   3. in ONE transaction: replace D's RFM snapshot (other days stay: the history), the cohorts,
 *      and the per-customer CLV, record the run in mart.clv_runs, and put the latest segment and
 *      predicted CLV on mart.dim_customers.
 * Idempotent per D: running it twice for D leaves the same rows (and two clv_runs records).
 */
export async function buildCustomerAnalytics(
  req: CustomerAnalyticsRequest,
): Promise<CustomerAnalyticsResult> {
  const grid = parseSegmentRules(req.options.segmentRules);
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const asOfDay = dayNumber(req.asOf);
  const byCustomer = ordersByCustomer(await readCustomerOrders(req.store, req.asOf));
  const readMs = performance.now() - started;
  const rfm = rfmSnapshot(byCustomer, asOfDay, grid);
  const cohorts = monthlyCohorts(byCustomer, asOfDay);
  const clv = runClv(byCustomer, asOfDay, req.options);
  const computed = performance.now();
  const run: ClvRun = {
    runId: randomUUID(),
    asOfDay: req.asOf,
    startedAt,
    finishedAt: new Date().toISOString(),
    customers: clv.rows.length,
    options: {
      horizonMonths: req.options.horizonMonths,
      monthlyDiscountRate: req.options.monthlyDiscountRate,
      purchasesHorizonDays: req.options.purchasesHorizonDays,
    },
    bgNbd: clv.bgNbd,
    gammaGamma: clv.gammaGamma,
  };
  const batch = req.options.publishBatchRows;
  await req.store.transaction(async (tx) => {
    await writeRfmSnapshot(tx, req.asOf, run.runId, rfm, batch);
    await writeCohorts(tx, req.asOf, cohorts, batch);
    await writeClv(tx, run, clv.rows, batch);
    await updateDimCustomers(tx, req.asOf);
  });
  const counts = new Map(grid.names.map((n) => [n, 0]));
  for (const r of rfm) counts.set(r.segment, (counts.get(r.segment) ?? 0) + 1);
  return {
    run,
    segments: [...counts].map(([segment, customers]) => ({ segment, customers })),
    cohorts: cohorts.length,
    elapsedMs: { read: readMs, compute: computed - started - readMs, write: performance.now() - computed },
  };
}
