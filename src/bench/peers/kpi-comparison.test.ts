import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kpiWindow } from './engine-outcome.js';
import { compareKpis, compareReasons } from './kpi-comparison.js';

const base = { events_total: 10, events_click: 4, events_add_to_cart: 2, events_checkout: 1 };
const window = (ms: number, over: Record<string, number> = {}) =>
  kpiWindow(
    ms,
    (m) =>
      ({
        ...base,
        events_purchase: 1,
        revenue: 19.99,
        aov: 19.99,
        add_to_cart_rate: 0.5,
        checkout_rate: 0.5,
        purchase_conversion: 0.25,
        ...over,
      })[m]!,
  );

describe('compareKpis', () => {
  it('accepts equal sets and float noise below a cent in revenue', () => {
    assert.deepEqual(compareKpis([window(0)], [window(0, { revenue: 19.990000000001 })]), []);
  });

  it('finds a count off by one, a cent of revenue and a missing window', () => {
    const got = compareKpis([window(0), window(60_000)], [window(0, { events_click: 5, revenue: 20 })]);
    assert.deepEqual(
      got.map((m) => `${m.windowStart} ${m.metric}`),
      [
        '1970-01-01T00:00:00.000Z events_click',
        '1970-01-01T00:00:00.000Z revenue',
        '1970-01-01T00:01:00.000Z window',
      ],
    );
  });

  it('finds a window only the other engine has', () => {
    assert.deepEqual(
      compareKpis([], [window(0)]).map((m) => m.metric),
      ['window'],
    );
  });
});

describe('compareReasons', () => {
  it('lists the codes counted differently', () => {
    assert.deepEqual(
      compareReasons(
        { not_json: 5, missing_user_id: 2 },
        { not_json: 3, not_an_object: 2, missing_user_id: 2 },
      ),
      {
        not_json: [5, 3],
        not_an_object: [0, 2],
      },
    );
  });
});
