/** Conformance cases of the exactly-once Gold commit (fencing, formulas, roll-ups, concurrency). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isShopError } from '../../src/errors/index.js';
import {
  claimPartitions,
  commitGoldBatch,
  finalizeWindows,
  latestKpis,
  queryKpis,
  readAccounting,
  readPositions,
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

  test('hour and day roll-ups re-derive rates from summed counters, never by averaging rates', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    // Minute rates 10/100 = 0.1 and 10/10 = 1 average to 0.55; the hour's true rate is 20/110.
    const counters = [
      ...counterRows(W0, {
        events_total: 110,
        events_click: 100,
        events_add_to_cart: 10,
        events_purchase: 1,
        revenue: 30,
      }),
      ...counterRows(W1, {
        events_total: 20,
        events_click: 10,
        events_add_to_cart: 10,
        events_purchase: 3,
        revenue: 10,
      }),
    ];
    await commitGoldBatch(
      store(),
      goldBatch({ epochs: { 0: epoch }, fromOffsets: { 0: 0 }, toOffsets: { 0: 1 }, counters }),
    );
    const window = { fromMs: W0, toMs: W1 + 60_000, limit: 100 };
    const minute = await queryKpis(store(), { ...window, grain: 'minute', metric: 'add_to_cart_rate' });
    assert.deepEqual(
      minute.map((p) => p.value),
      [0.1, 1],
    );
    const hour = await queryKpis(store(), { ...window, grain: 'hour' });
    const at = (metric: string) => hour.find((p) => p.metric === metric);
    assert.deepEqual(at('add_to_cart_rate'), {
      windowStart: '2026-01-24T13:00:00.000Z',
      metric: 'add_to_cart_rate',
      value: 20 / 110,
    });
    assert.equal(at('aov')?.value, 40 / 4);
    assert.equal(at('purchase_conversion')?.value, 4 / 110);
    assert.equal(at('events_total')?.value, 130);
    assert.equal(hour.length, 10);
    const day = await queryKpis(store(), { ...window, grain: 'day', metric: 'add_to_cart_rate' });
    assert.deepEqual(day, [
      { windowStart: '2026-01-24T00:00:00.000Z', metric: 'add_to_cart_rate', value: 20 / 110 },
    ]);
  });

  test('queryKpis keeps the newest `limit` points in ascending order; latestKpis gives the newest minute', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    const counters = [0, 1, 2].flatMap((i) => counterRows(W0 + i * 60_000, { events_total: i + 1 }));
    await commitGoldBatch(
      store(),
      goldBatch({ epochs: { 0: epoch }, fromOffsets: { 0: 0 }, toOffsets: { 0: 6 }, counters }),
    );
    const points = await queryKpis(store(), {
      metric: 'events_total',
      fromMs: W0,
      toMs: W0 + 3 * 60_000,
      grain: 'minute',
      limit: 2,
    });
    assert.deepEqual(points, [
      { windowStart: new Date(W1).toISOString(), metric: 'events_total', value: 2 },
      { windowStart: new Date(W0 + 120_000).toISOString(), metric: 'events_total', value: 3 },
    ]);
    assert.deepEqual(await latestKpis(store(), ['events_total', 'nope']), {
      events_total: { windowStart: new Date(W0 + 120_000).toISOString(), value: 3 },
      nope: null,
    });
  });

  test('concurrent commits on different partitions add up exactly', async () => {
    const partitions = [0, 1, 2, 3];
    const claims = await claimPartitions(store(), { topic: TOPIC, partitions, owner: 'p' });
    const rounds = 3;
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(
        partitions.map((p) =>
          commitGoldBatch(
            store(),
            goldBatch({
              epochs: { [p]: claims.get(p)?.epoch ?? 0 },
              fromOffsets: { [p]: round * 10 },
              toOffsets: { [p]: round * 10 + 10 },
              counters: [W0, W1].flatMap((w) =>
                counterRows(
                  w,
                  p === 1 ? { events_total: 2, events_add_to_cart: 1 } : { events_total: 2, events_click: 1 },
                ),
              ),
              accounting: {
                [p]: {
                  recordsRead: 10,
                  bronzeRows: 10,
                  silverRows: 10,
                  quarantineRows: 0,
                  duplicatesDropped: 0,
                  lateQuarantined: 0,
                  reasonCounts: {},
                },
              },
            }),
          ),
        ),
      );
    }
    for (const w of [W0, W1]) {
      const kpi = await kpiMinute(store(), w);
      assert.equal(kpi['events_total'], 2 * 4 * rounds);
      assert.equal(kpi['events_click'], 3 * rounds);
      assert.equal(kpi['add_to_cart_rate'], rounds / (3 * rounds));
    }
    const positions = await readPositions(store(), TOPIC);
    assert.deepEqual(
      positions.map((p) => p.nextOffset),
      [30, 30, 30, 30],
    );
    const [window] = await store().query<{ revision: number }>(
      'SELECT revision FROM serving.kpi_window WHERE window_start = $1',
      [new Date(W0).toISOString()],
    );
    assert.equal(window?.revision, 4 * rounds);
    assert.deepEqual(
      (await readAccounting(store(), TOPIC)).map((a) => a.recordsRead),
      [30, 30, 30, 30],
    );
  });

  test('finalizeWindows marks open windows before the cutoff once', async () => {
    const { epoch } = (await claimPartitions(store(), { topic: TOPIC, partitions: [0], owner: 'p' })).get(
      0,
    ) ?? { epoch: -1 };
    await commitGoldBatch(
      store(),
      goldBatch({
        epochs: { 0: epoch },
        fromOffsets: { 0: 0 },
        toOffsets: { 0: 2 },
        counters: [...counterRows(W0, { events_total: 1 }), ...counterRows(W1, { events_total: 1 })],
        finalizeWindowsBeforeMs: W1,
      }),
    );
    const open = () =>
      store().query<{ w: Date }>(
        'SELECT window_start AS w FROM serving.kpi_window WHERE finalized_at IS NULL',
      );
    assert.deepStrictEqual(await open(), [{ w: new Date(W1) }]);
    assert.equal(await finalizeWindows(store(), W1 + 60_000), 1);
    assert.equal(await finalizeWindows(store(), W1 + 60_000), 0);
    assert.deepStrictEqual(await open(), []);
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
}
