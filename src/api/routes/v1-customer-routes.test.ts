import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildCustomerAnalytics } from '../../batch/customers/index.js';
import { DEFAULT_SEGMENT_RULES } from '../../batch/customers/rfm/segment-rules.js';
import { insertFactOrders } from '../../batch/customers/testing/insert-fact-orders.js';
import { TWENTY_AS_OF, twentyCustomerOrders } from '../../batch/customers/testing/rfm-twenty-customers.js';
import { customerIdMasker } from '../customer-id-masking.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';

const options = {
  segmentRules: DEFAULT_SEGMENT_RULES,
  horizonMonths: 12,
  monthlyDiscountRate: 0.01,
  purchasesHorizonDays: 90,
  publishBatchRows: 1000,
};
let t: TestApi;

before(async () => {
  t = await openTestApi({ processor: { piiMasking: 'hash', piiSalt: 'test-salt' } });
});
after(() => t?.close());

const get = async (url: string) => {
  const res = await t.app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

describe('/api/v1/customers routes', () => {
  it('answer empty (null snapshot and run) before the job ran', async () => {
    const seg = await get('/api/v1/customers/segments');
    assert.equal(seg.status, 200);
    assert.equal(seg.body['asOf'], null);
    assert.equal((seg.body['segments'] as unknown[]).length, 11);
    const clv = await get('/api/v1/customers/clv/summary');
    assert.equal(clv.body['run'], null);
    assert.equal((await get('/api/v1/customers/c01')).status, 404);
  });

  it('segments, CLV summary, cohorts and one customer after the job, ids masked', async () => {
    await insertFactOrders(t.store, twentyCustomerOrders());
    await buildCustomerAnalytics({ asOf: TWENTY_AS_OF, store: t.store, options });
    const seg = await get('/api/v1/customers/segments');
    assert.equal(seg.body['asOf'], TWENTY_AS_OF);
    assert.equal(seg.body['customers'], 20);
    const segments = seg.body['segments'] as { segment: string; customers: number; revenueShare: number }[];
    assert.deepEqual(
      segments.map((s) => [s.segment, s.customers]),
      [
        ['Champions', 2],
        ['Loyal', 4],
        ['Potential Loyalist', 2],
        ['Recent', 1],
        ['Promising', 1],
        ['Need Attention', 1],
        ['About to Sleep', 2],
        ['At Risk', 3],
        ["Can't Lose", 1],
        ['Hibernating', 2],
        ['Lost', 1],
      ],
    );
    // Champions: c01 900 + c04 300 of 3870
    assert.ok(Math.abs(segments[0]!.revenueShare - 1200 / 3870) < 1e-12);
    const clv = await get('/api/v1/customers/clv/summary?top=3');
    const run = clv.body['run'] as { customers: number; bgNbd: { converged: boolean } };
    assert.equal(run.customers, 20);
    const top = clv.body['top'] as { customerId: string; predictedClv: number }[];
    assert.equal(top.length, 3);
    const mask = customerIdMasker('hash', 'test-salt');
    const masked = new Map(twentyCustomerOrders().map((o) => [mask(o.customerId), o.customerId]));
    assert.ok(
      top.every((c) => masked.has(c.customerId)),
      'top customers carry masked ids',
    );
    assert.ok(top[0]!.predictedClv >= top[1]!.predictedClv);
    const dist = clv.body['distribution'] as { customers: number }[];
    assert.equal(
      dist.reduce((s, b) => s + b.customers, 0),
      20,
    );
    const cohorts = await get('/api/v1/customers/cohorts');
    assert.equal(cohorts.body['asOf'], TWENTY_AS_OF);
    const one = await get('/api/v1/customers/c16');
    assert.equal(one.status, 200);
    assert.equal(one.body['customerId'], mask('c16'));
    assert.equal((one.body['rfm'] as { segment: string }).segment, "Can't Lose");
    assert.equal((one.body['clv'] as { orders: number }).orders, 10);
    assert.deepEqual(one.body['segmentHistory'], [
      { asOf: TWENTY_AS_OF, segment: "Can't Lose", rfmScore: '255' },
    ]);
  });

  it('are in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).body as { paths: Record<string, unknown> };
    for (const p of [
      '/api/v1/customers/segments',
      '/api/v1/customers/clv/summary',
      '/api/v1/customers/cohorts',
      '/api/v1/customers/{id}',
    ])
      assert.ok(p in doc.paths, p);
  });
});
