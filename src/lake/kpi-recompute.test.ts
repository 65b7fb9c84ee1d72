import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { EventType } from '../contract/event.js';
import { openLake, type Lake } from './duckdb/open-lake.js';
import { recomputeKpiMinuteFromSilver } from './kpi-recompute.js';
import { readSilverEventIdsSince } from './silver-event-ids.js';
import { TOPIC, silverRow } from './testing/lake-row-fixtures.js';
import type { SilverRow } from './lake-table.js';

function row(
  offset: number,
  iso: string,
  type: EventType,
  price: number | null = null,
  quantity: number | null = null,
  partition = 0,
): SilverRow {
  const base = silverRow(offset, Date.parse(iso), partition);
  return { ...base, event: { ...base.event, event_type: type, price, quantity } };
}

const ROWS = [
  row(0, '2026-01-24T12:00:00.000Z', 'click'),
  row(1, '2026-01-24T12:00:30.000Z', 'click'),
  row(2, '2026-01-24T12:00:59.999Z', 'add_to_cart', 3, 1),
  row(3, '2026-01-24T12:00:59.999Z', 'purchase', 10, 2),
  row(4, '2026-01-24T12:00:10.000Z', 'purchase', 5.5, 1),
  row(5, '2026-01-24T12:00:20.000Z', 'checkout'),
  row(6, '2026-01-24T12:01:00.000Z', 'click'),
  row(7, '2026-01-24T12:01:00.000Z', 'add_to_cart', 1, 1),
  row(8, '2026-01-24T12:01:59.999Z', 'page_view'),
  row(9, '2026-01-24T12:02:00.000Z', 'page_view'),
];

describe('KPI recompute from Silver', () => {
  let dir: string;
  let lake: Lake;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-kpi-'));
    lake = await openLake({ dir, fsync: false });
    await lake.writeSilver(ROWS.slice(0, 5), { topic: TOPIC, partition: 0, fromOffset: 0, toOffset: 4 });
    await lake.writeSilver(ROWS.slice(5), { topic: TOPIC, partition: 0, fromOffset: 5, toOffset: 9 });
  });
  after(async () => {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('matches the hand-computed windows, :59.999 in the old minute and :00.000 in the new one', async () => {
    const got = await recomputeKpiMinuteFromSilver(lake);
    const byWindow = new Map<string, Record<string, number>>();
    for (const r of got)
      byWindow.set(r.window_start, { ...byWindow.get(r.window_start), [r.metric]: r.value });
    assert.deepEqual(
      [...byWindow.keys()],
      ['2026-01-24T12:00:00.000Z', '2026-01-24T12:01:00.000Z', '2026-01-24T12:02:00.000Z'],
    );
    assert.deepEqual(byWindow.get('2026-01-24T12:00:00.000Z'), {
      events_total: 6,
      events_click: 2,
      events_add_to_cart: 1,
      events_checkout: 1,
      events_purchase: 2,
      revenue: 25.5,
      aov: 12.75,
      add_to_cart_rate: 0.5,
      checkout_rate: 1,
      purchase_conversion: 1,
    });
    assert.deepEqual(byWindow.get('2026-01-24T12:01:00.000Z'), {
      events_total: 3,
      events_click: 1,
      events_add_to_cart: 1,
      events_checkout: 0,
      events_purchase: 0,
      revenue: 0,
      aov: 0,
      add_to_cart_rate: 1,
      checkout_rate: 0,
      purchase_conversion: 0,
    });
    assert.deepEqual(byWindow.get('2026-01-24T12:02:00.000Z'), {
      events_total: 1,
      events_click: 0,
      events_add_to_cart: 0,
      events_checkout: 0,
      events_purchase: 0,
      revenue: 0,
      aov: 0,
      add_to_cart_rate: 0,
      checkout_rate: 0,
      purchase_conversion: 0,
    });
    assert.equal(got[0]!.metric, 'events_total');
  });

  it('restricts to an event-time range [from, to)', async () => {
    const got = await recomputeKpiMinuteFromSilver(lake, {
      fromMs: Date.parse('2026-01-24T12:01:00.000Z'),
      toMs: Date.parse('2026-01-24T12:02:00.000Z'),
    });
    assert.deepEqual(new Set(got.map((r) => r.window_start)), new Set(['2026-01-24T12:01:00.000Z']));
  });

  it('reads the event ids of one partition since an event time', async () => {
    await lake.writeSilver([row(100, '2026-01-24T12:01:30.000Z', 'click', null, null, 3)], {
      topic: TOPIC,
      partition: 3,
      fromOffset: 100,
      toOffset: 100,
    });
    const since = Date.parse('2026-01-24T12:01:00.000Z');
    const ids = await readSilverEventIdsSince(lake, 0, since);
    assert.deepEqual(
      ids,
      ROWS.slice(6).map((r) => ({ eventId: r.event.event_id, eventTimeMs: r.eventTimeMs })),
    );
    assert.deepEqual(await readSilverEventIdsSince(lake, 3, since), [
      { eventId: silverRow(100, 0).event.event_id, eventTimeMs: since + 30_000 },
    ]);
    assert.deepEqual(await readSilverEventIdsSince(lake, 7, since), []);
    assert.deepEqual(await readSilverEventIdsSince(lake, 0, Date.parse('2026-01-25T00:00:00Z')), []);
  });
});
