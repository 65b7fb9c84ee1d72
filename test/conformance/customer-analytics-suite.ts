import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildCustomerAnalytics, type CustomerAnalyticsOptions } from '../../src/batch/customers/index.js';
import { insertFactOrders } from '../../src/batch/customers/testing/insert-fact-orders.js';
import {
  TWENTY,
  TWENTY_AS_OF,
  twentyCustomerOrders,
} from '../../src/batch/customers/testing/rfm-twenty-customers.js';
import { DEFAULT_SEGMENT_RULES } from '../../src/batch/customers/rfm/segment-rules.js';
import type { ServingStore } from '../../src/store/serving-store.js';

export const TEST_OPTIONS: CustomerAnalyticsOptions = {
  segmentRules: DEFAULT_SEGMENT_RULES,
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  purchasesHorizonDays: 90,
  publishBatchRows: 7,
};

/**
 * The customer-analytics job on one serving-store adapter (PGlite and PostgreSQL run the same
 * suite): the 20 hand-built customers as mart.fact_orders, the job as of 2026-03-31 and a day
 * later, every stored table checked.
 */
export function customerAnalyticsSuite(
  name: string,
  open: () => Promise<{ store: ServingStore; dispose: () => Promise<void> }>,
): void {
  describe(`${name}: customer analytics job`, () => {
    let store: ServingStore;
    let dispose: () => Promise<void>;
    before(async () => {
      ({ store, dispose } = await open());
      await store.migrate();
      await insertFactOrders(store, twentyCustomerOrders());
    });
    after(() => dispose());

    test('stores the RFM snapshot (scores and segments as computed by hand) and puts the segment on dim_customers', async () => {
      const job = await buildCustomerAnalytics({ asOf: TWENTY_AS_OF, store, options: TEST_OPTIONS });
      assert.equal(job.run.customers, 20);
      const rows = await store.query<Record<string, unknown>>(
        `SELECT r.customer_id, r.recency_days, r.frequency, r.monetary::float8 AS monetary,
           r.rfm_score || r.fm_score::text || ' ' || r.segment AS scored, d.rfm_segment, d.predicted_clv, c.predicted_clv AS clv
         FROM mart.customer_rfm r JOIN mart.dim_customers d USING (customer_id) JOIN mart.customer_clv c USING (customer_id)
         WHERE r.as_of_date = $1::date ORDER BY r.customer_id`,
        [TWENTY_AS_OF],
      );
      assert.deepEqual(
        rows.map((r) => [r['customer_id'], r['recency_days'], r['frequency'], r['monetary'], r['scored']]),
        TWENTY.map((c) => [...c]),
      );
      for (const r of rows) {
        assert.equal(r['rfm_segment'], String(r['scored']).slice(5));
        assert.equal(r['predicted_clv'], r['clv']);
        assert.ok(Number.isFinite(r['clv']) && Number(r['clv']) >= 0);
      }
    });

    test('records the fitted parameters and diagnostics of the run', async () => {
      const [run] = await store.query<Record<string, unknown>>(
        `SELECT * FROM mart.clv_runs ORDER BY finished_at DESC LIMIT 1`,
      );
      assert.ok(run);
      for (const k of ['bgnbd_r', 'bgnbd_alpha', 'bgnbd_a', 'bgnbd_b', 'gg_p', 'gg_q', 'gg_v'])
        assert.ok(Number(run[k]) > 0, `${k} = ${String(run[k])}`);
      assert.ok(Number(run['bgnbd_log_likelihood']) < 0);
      assert.ok(Number(run['bgnbd_iterations']) > 0);
      assert.equal(run['gg_customers'], 12, 'customers with a repeat day');
      assert.equal(run['horizon_months'], 12);
    });

    test('cohorts: one triangle row per cohort month and month since, retention of month 0 = 1', async () => {
      const cells = await store.query<Record<string, unknown>>(
        `SELECT cohort_month::text AS m, months_since AS k, cohort_size AS n, active_customers AS a, retention
         FROM mart.customer_cohorts ORDER BY 1, 2`,
      );
      const sizes = new Map(cells.map((c) => [c['m'], c['n']]));
      assert.equal(
        [...sizes.values()].reduce((s, n) => Number(s) + Number(n), 0),
        20,
      );
      for (const c of cells.filter((c) => c['k'] === 0)) assert.equal(c['retention'], 1);
      // c20's only order is 200 days before 2026-03-31: 2025-09-12, a cohort of its own until March
      const sept = cells.filter((c) => c['m'] === '2025-09-01');
      assert.deepEqual(
        sept.map((c) => [c['k'], c['a']]),
        [
          [0, 1],
          [1, 0],
          [2, 0],
          [3, 0],
          [4, 0],
          [5, 0],
          [6, 0],
        ],
      );
    });

    test('a later as-of day adds a snapshot (history) and rerunning a day replaces it', async () => {
      await buildCustomerAnalytics({ asOf: '2026-04-30', store, options: TEST_OPTIONS });
      await buildCustomerAnalytics({ asOf: '2026-04-30', store, options: TEST_OPTIONS });
      const days = await store.query<{ d: string; n: number }>(
        `SELECT as_of_date::text AS d, count(*)::int AS n FROM mart.customer_rfm GROUP BY 1 ORDER BY 1`,
      );
      assert.deepEqual(days, [
        { d: '2026-03-31', n: 20 },
        { d: '2026-04-30', n: 20 },
      ]);
      const [c01] = await store.query<{ recency_days: number }>(
        `SELECT recency_days FROM mart.customer_rfm WHERE as_of_date = '2026-04-30' AND customer_id = 'c01'`,
      );
      assert.equal(c01?.recency_days, 30);
      const [clv] = await store.query<{ d: string; n: number }>(
        `SELECT min(as_of_date)::text AS d, count(*)::int AS n FROM mart.customer_clv`,
      );
      assert.deepEqual(clv, { d: '2026-04-30', n: 20 });
    });
  });
}
