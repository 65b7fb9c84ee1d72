/** Conformance cases of the exactly-once Gold commit (formulas, side tables, fencing). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { topProducts } from '../../src/api/queries/commerce-queries.js';
import { isShopError } from '../../src/errors/index.js';
import {
  claimPartitions,
  commitGoldBatch,
  readAccounting,
  readPositions,
  windowCommitsOf,
  deleteOldWindowCommits,
  type GoldBatch,
  type ServingStore,
} from '../../src/store/index.js';
import { TOPIC, W0, W1, counterRows, goldBatch, kpiMinute, snapshotState } from './serving-store-fixtures.js';

const FIRST: Record<string, number> = {
  events_total: 10,
  events_click: 4,
  events_add_to_cart: 3,
  events_checkout: 2,
  events_purchase: 2,
  revenue: 50,
  units_purchased: 3,
};

/** Partition 0, offsets 0 -> 12: the FIRST counters in W0, dims, a product, an order, accounting. */
function firstBatch(epoch: number): GoldBatch {
  return goldBatch({
    epochs: { 0: epoch },
    fromOffsets: { 0: 0 },
    toOffsets: { 0: 12 },
    maxEventTimeMs: { 0: W0 + 59_000 },
    counters: counterRows(W0, FIRST),
    dimCounters: [
      { windowStartMs: W0, dimension: 'channel', dimValue: 'web', counter: 'events_total', delta: 6 },
      { windowStartMs: W0, dimension: 'channel', dimValue: 'web', counter: 'events_total', delta: 1 },
      { windowStartMs: W0, dimension: 'store', dimValue: 's|1', counter: 'revenue', delta: 50 },
    ],
    products: [
      { windowStartMs: W0, productId: 'p1', category: 'shoes', clicks: 4, carts: 3, units: 3, revenue: 50 },
    ],
    orders: [
      {
        orderId: 'o1',
        userId: 'u1',
        eventTimeMs: W0 + 5_000,
        productId: 'p1',
        quantity: 2,
        price: 12.5,
        currency: 'EUR',
        channel: 'web',
        storeId: null,
        partition: 0,
        offset: 7,
      },
    ],
    accounting: {
      0: {
        recordsRead: 12,
        bronzeRows: 12,
        silverRows: 10,
        quarantineRows: 1,
        duplicatesDropped: 1,
        lateQuarantined: 0,
        reasonCounts: { missing_user_id: 1 },
      },
    },
  });
}

/** Partition 0, offsets 12 -> 15: one more click in W0, a checkout in W1. */
function secondBatch(epoch: number): GoldBatch {
  return goldBatch({
    epochs: { 0: epoch },
    fromOffsets: { 0: 12 },
    toOffsets: { 0: 15 },
    maxEventTimeMs: { 0: W0 + 30_000 },
    counters: [
      ...counterRows(W0, { events_total: 1, events_click: 1 }),
      ...counterRows(W1, { events_total: 1, events_checkout: 1 }),
    ],
    accounting: {
      0: {
        recordsRead: 3,
        bronzeRows: 3,
        silverRows: 2,
        quarantineRows: 1,
        duplicatesDropped: 0,
        lateQuarantined: 1,
        reasonCounts: { late_beyond_watermark: 1 },
      },
    },
  });
}

export function goldCommitConformance(store: () => ServingStore): void {
  test('commitGoldBatch adds counters and derives every KPI with the brief formulas', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    await commitGoldBatch(store(), firstBatch(epoch));
    assert.deepStrictEqual(await kpiMinute(store(), W0), {
      add_to_cart_rate: 3 / 4,
      aov: 50 / 2,
      checkout_rate: 2 / 3,
      events_add_to_cart: 3,
      events_checkout: 2,
      events_click: 4,
      events_purchase: 2,
      events_total: 10,
      purchase_conversion: 2 / 4,
      revenue: 50,
    });
    await commitGoldBatch(store(), secondBatch(epoch));
    const w0 = await kpiMinute(store(), W0);
    assert.equal(w0['events_click'], 5);
    assert.equal(w0['add_to_cart_rate'], 3 / 5);
    assert.equal(w0['purchase_conversion'], 2 / 5);
    assert.deepStrictEqual(await kpiMinute(store(), W1), {
      add_to_cart_rate: 0,
      aov: 0,
      checkout_rate: 0,
      events_add_to_cart: 0,
      events_checkout: 1,
      events_click: 0,
      events_purchase: 0,
      events_total: 1,
      purchase_conversion: 0,
      revenue: 0,
    });
    await assertSideTables(store());
  });

  test('a zombie (stale epoch) is fenced and changes nothing', async () => {
    const old = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'old' })).get(0);
    await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'new' });
    const before = await snapshotState(store());
    await assert.rejects(commitGoldBatch(store(), firstBatch(old?.epoch ?? 0)), (err) => {
      assert.ok(isShopError(err, 'SHOP_STORE_FENCED'));
      assert.equal(err.details['reason'], 'stale_epoch');
      return true;
    });
    assert.deepStrictEqual(await snapshotState(store()), before);
  });

  test('a replayed batch (same fromOffset) is fenced and applies once', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    await commitGoldBatch(store(), firstBatch(epoch));
    const once = await snapshotState(store());
    await assert.rejects(
      commitGoldBatch(store(), firstBatch(epoch)),
      (err) => isShopError(err, 'SHOP_STORE_FENCED') && err.details['reason'] === 'offset_mismatch',
    );
    assert.deepStrictEqual(await snapshotState(store()), once);
  });

  test('one fenced partition rolls back the whole multi-partition batch; unclaimed partitions are fenced', async () => {
    const claims = await claimPartitions(store(), { topic: TOPIC, partitions: [0, 1], owner: 'p' });
    await claimPartitions(store(), { topic: TOPIC, partitions: [1], owner: 'other' });
    const before = await snapshotState(store());
    const epochs = { 0: claims.get(0)?.epoch ?? 0, 1: claims.get(1)?.epoch ?? 0 };
    const batch = goldBatch({
      epochs,
      fromOffsets: { 0: 0, 1: 0 },
      toOffsets: { 0: 5, 1: 5 },
      counters: counterRows(W0, { events_total: 2 }),
    });
    await assert.rejects(
      commitGoldBatch(store(), batch),
      (err) => isShopError(err, 'SHOP_STORE_FENCED') && err.details['partition'] === 1,
    );
    const unclaimed = goldBatch({
      epochs: { 9: 1 },
      fromOffsets: { 9: 0 },
      toOffsets: { 9: 1 },
      counters: counterRows(W0, { events_total: 1 }),
    });
    await assert.rejects(
      commitGoldBatch(store(), unclaimed),
      (err) => isShopError(err, 'SHOP_STORE_FENCED') && err.details['reason'] === 'unclaimed',
    );
    assert.deepStrictEqual(await snapshotState(store()), before);
  });

  test('product counters roll up into 10-minute buckets in the same commit; top products read buckets and edge minutes', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    // 30 minutes from W0 - 3 min (12:57) over 7 products, in 3 batches (each minute twice, so the
    // buckets are also added to across commits). Values are multiples of 1/4: exact in float8.
    const products = (round: number) =>
      Array.from({ length: 30 }, (_, m) =>
        Array.from({ length: 7 }, (_, k) => ({
          windowStartMs: W0 + (m - 3) * 60_000,
          productId: `p${k}`,
          category: k % 2 === 0 ? 'shoes' : 'bags',
          clicks: (m * 7 + k + round) % 5,
          carts: (m + k * round) % 3,
          units: (m * k + round) % 4,
          revenue: ((m * 13 + k * 7 + round * 3) % 41) / 4,
        })),
      ).flat();
    const rounds = [products(0), products(1).slice(0, 100), products(1).slice(100)];
    let offset = 0;
    for (const batchProducts of rounds) {
      await commitGoldBatch(
        store(),
        goldBatch({
          epochs: { 0: epoch },
          fromOffsets: { 0: offset },
          toOffsets: { 0: offset + 10 },
          products: batchProducts,
        }),
      );
      offset += 10;
    }
    assert.deepStrictEqual(
      await store().query(
        `SELECT bucket_start, product_id, category, clicks, carts, units, revenue FROM serving.product_10m ORDER BY 1, 2`,
      ),
      await store().query(
        `SELECT date_bin('10 minutes', window_start, timestamptz '1970-01-01 00:00:00+00') AS bucket_start, product_id,
                max(category) AS category, sum(clicks) AS clicks, sum(carts) AS carts, sum(units) AS units, sum(revenue) AS revenue
         FROM serving.product_minute GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
    );
    assert.equal((await store().query('SELECT 1 FROM serving.product_10m')).length, 4 * 7);
    const minutesOnly = (fromMs: number, toMs: number, category: string | null) =>
      store().query(
        `SELECT product_id AS "productId", max(category) AS category, sum(revenue)::float8 AS revenue,
                sum(units)::float8 AS units, sum(clicks)::float8 AS clicks, sum(carts)::float8 AS carts
         FROM serving.product_minute WHERE window_start >= $1::timestamptz AND window_start < $2::timestamptz
           AND ($3::text IS NULL OR category = $3)
         GROUP BY product_id ORDER BY revenue DESC, units DESC, product_id`,
        [new Date(fromMs).toISOString(), new Date(toMs).toISOString(), category],
      );
    const min = (n: number) => W0 + n * 60_000;
    const ranges: Array<[number, number, string | null]> = [
      [min(-3), min(25), null], // partial, two whole buckets, partial
      [min(0), min(20), null], // whole buckets only
      [min(3), min(8), null], // inside one bucket
      [min(5), min(60), 'bags'], // past the data, one category
      [min(-3) + 30_000, min(27) - 1, null], // unaligned ends
      [min(40), min(50), null], // no data
    ];
    for (const [fromMs, toMs, category] of ranges) {
      const expected = await minutesOnly(fromMs, toMs, category);
      const actual = await topProducts(store(), {
        fromMs,
        toMs,
        by: 'revenue',
        limit: 100,
        category: category ?? undefined,
      });
      assert.deepStrictEqual(
        actual,
        expected,
        `range ${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()}`,
      );
    }
  });
}

async function assertSideTables(store: ServingStore): Promise<void> {
  const [position] = await readPositions(store, TOPIC);
  assert.equal(position?.nextOffset, 15);
  assert.deepStrictEqual(position?.maxEventTime, new Date(W0 + 59_000));
  assert.ok(position?.committedAt instanceof Date);
  assert.deepStrictEqual(await readAccounting(store, TOPIC), [
    {
      partition: 0,
      recordsRead: 15,
      bronzeRows: 15,
      silverRows: 12,
      quarantineRows: 2,
      duplicatesDropped: 1,
      lateQuarantined: 1,
      reasonCounts: { missing_user_id: 1, late_beyond_watermark: 1 },
    },
  ]);
  assert.deepStrictEqual(
    await store.query(
      'SELECT dimension, dim_value, counter, value FROM serving.kpi_dim_counts ORDER BY dimension',
    ),
    [
      { dimension: 'channel', dim_value: 'web', counter: 'events_total', value: 7 },
      { dimension: 'store', dim_value: 's|1', counter: 'revenue', value: 50 },
    ],
  );
  assert.deepStrictEqual(
    await store.query(
      'SELECT product_id, category, clicks, carts, units, revenue FROM serving.product_minute',
    ),
    [{ product_id: 'p1', category: 'shoes', clicks: 4, carts: 3, units: 3, revenue: 50 }],
  );
  assert.deepStrictEqual(
    await store.query('SELECT order_id, revenue, items, event_time FROM serving.recent_orders'),
    [{ order_id: 'o1', revenue: 25, items: 2, event_time: new Date(W0 + 5_000) }],
  );
  assert.deepStrictEqual(await store.query('SELECT revision FROM serving.kpi_window ORDER BY window_start'), [
    { revision: 2 },
    { revision: 1 },
  ]);
  // Each commit is recorded per window it touched, with the log range it applied.
  const [epoch] = (await readPositions(store, TOPIC)).map((p) => p.epoch);
  const range = (fromOffset: number, toOffset: number) => [{ partition: 0, fromOffset, toOffset, epoch }];
  const w0 = await windowCommitsOf(store, W0, 100);
  assert.deepStrictEqual(
    w0.map((c) => [c.revision, c.topic, c.ranges]),
    [
      [1, TOPIC, range(0, 12)],
      [2, TOPIC, range(12, 15)],
    ],
  );
  assert.ok(Date.parse(w0[0]!.committedAt) <= Date.parse(w0[1]!.committedAt));
  assert.deepStrictEqual(
    (await windowCommitsOf(store, W1, 100)).map((c) => [c.revision, c.ranges]),
    [[1, range(12, 15)]],
  );
  // A limit keeps the newest, still oldest first.
  assert.deepStrictEqual(
    (await windowCommitsOf(store, W0, 1)).map((c) => c.revision),
    [2],
  );
  // Retention by window age: W0 and W1 (2026) are younger than 10 years, older than an hour.
  assert.equal(await deleteOldWindowCommits(store, 24 * 365 * 10), 0);
  assert.equal(await deleteOldWindowCommits(store, 0), 0, '0 keeps everything');
  assert.equal(await deleteOldWindowCommits(store, 1), 3);
  assert.deepStrictEqual(await windowCommitsOf(store, W0, 100), []);
}
