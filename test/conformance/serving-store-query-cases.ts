/** Conformance cases of KPI reads, roll-ups, concurrent commits and window finalization. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  claimPartitions,
  commitGoldBatch,
  finalizeWindows,
  latestKpis,
  queryKpis,
  readAccounting,
  readPositions,
  type ServingStore,
} from '../../src/store/index.js';
import { TOPIC, W0, W1, counterRows, goldBatch, kpiMinute } from './serving-store-fixtures.js';

/**
 * Each partition adds different counter rows of the same windows: no row lock of step 4 orders the
 * commits, so only the window lock of step 3 keeps step 5 from deriving KPIs off stale counters.
 */
const DISJOINT_COUNTERS: Record<number, Record<string, number>> = {
  0: { events_click: 1, events_total: 1 },
  1: { events_add_to_cart: 1, units_purchased: 1 },
  2: { events_checkout: 1, events_page_view: 1 },
  3: { events_purchase: 1, revenue: 4 },
};

export function kpiQueryConformance(store: () => ServingStore): void {
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
    const rounds = 5;
    for (let round = 0; round < rounds; round += 1) {
      await Promise.all(
        partitions.map((p) =>
          commitGoldBatch(
            store(),
            goldBatch({
              epochs: { [p]: claims.get(p)?.epoch ?? 0 },
              fromOffsets: { [p]: round * 10 },
              toOffsets: { [p]: round * 10 + 10 },
              counters: [W0, W1].flatMap((w) => counterRows(w, DISJOINT_COUNTERS[p] ?? {})),
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
      assert.deepStrictEqual(kpi, {
        add_to_cart_rate: 1,
        aov: 4,
        checkout_rate: 1,
        events_add_to_cart: rounds,
        events_checkout: rounds,
        events_click: rounds,
        events_purchase: rounds,
        events_total: rounds,
        purchase_conversion: 1,
        revenue: 4 * rounds,
      });
    }
    const positions = await readPositions(store(), TOPIC);
    assert.deepEqual(
      positions.map((p) => p.nextOffset),
      [50, 50, 50, 50],
    );
    const [window] = await store().query<{ revision: number }>(
      'SELECT revision FROM serving.kpi_window WHERE window_start = $1',
      [new Date(W0).toISOString()],
    );
    assert.equal(window?.revision, 4 * rounds);
    assert.deepEqual(
      (await readAccounting(store(), TOPIC)).map((a) => a.recordsRead),
      [50, 50, 50, 50],
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
