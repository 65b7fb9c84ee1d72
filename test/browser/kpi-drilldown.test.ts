import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openDashboard, SHOTS, type DashboardFixture } from './dashboard-fixture.js';

/**
 * "Explain this number" in chromium: the KPI tiles and chart points open the drill-down, which
 * shows what GET /api/v1/kpis/explain answers for that minute, read from a real lake (Silver
 * written with the same events Gold counted).
 */
let d: DashboardFixture;
let page: Page;

interface Explained {
  value: number | null;
  recomputed: number;
  commits: { count: number };
  events: { total: number; items: { eventId: string }[] };
}

before(async () => {
  d = await openDashboard(
    async (feeder, now) => {
      // Ended minutes only: the last ended minute holds events whatever the second of the run.
      const lastEnded = Math.floor(now / 60_000) * 60_000 - 60_000;
      await feeder.commitEvents(1500, lastEnded - 9 * 60_000, lastEnded + 60_000);
    },
    {},
    { withLake: true },
  );
  page = d.page;
});

after(async () => {
  await d?.close();
});

const DRILL = '[data-testid="kpi-drilldown"]';

async function shown(p: Page) {
  await p.waitForSelector(`${DRILL}[data-state="ready"]`);
  const box = p.locator(DRILL);
  return {
    metric: await box.getAttribute('data-metric'),
    windowStart: (await box.getAttribute('data-window-start'))!,
    verdict: await p.locator('[data-testid="drilldown-verdict"]').getAttribute('data-verdict'),
    value: (await p.locator('[data-testid="drilldown-value"]').textContent())!,
    recomputed: (await p.locator('[data-testid="drilldown-recomputed"]').textContent())!,
    rows: await p.$$eval(`${DRILL} [data-event-id]`, (rows) =>
      rows.map((r) => r.getAttribute('data-event-id')),
    ),
  };
}

const money = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 2,
});

describe('KPI drill-down in chromium', () => {
  it('a tile opens its last ended minute: the streaming value equals the recompute from the lake, with the events behind it', async () => {
    await page.waitForSelector('[data-testid="kpi-tiles"] .tile[data-metric="revenue"]:not([data-value=""])');
    await page.getByRole('button', { name: 'Explain Revenue of the last ended minute' }).click();
    const s = await shown(page);
    assert.equal(s.metric, 'revenue');
    const ws = Date.parse(s.windowStart);
    assert.equal(ws % 60_000, 0);
    assert.ok(ws + 60_000 <= Date.now(), 'an ended minute');
    const api = await d.apiJson<Explained>(
      `/api/v1/kpis/explain?metric=revenue&window_start=${s.windowStart}&limit=20`,
    );
    assert.ok(api.value !== null && api.value > 0, 'the seeded minute has revenue');
    assert.equal(s.verdict, 'equal');
    assert.equal(s.value, money.format(api.value));
    assert.equal(s.recomputed, money.format(api.recomputed));
    assert.deepEqual(
      s.rows,
      api.events.items.map((e) => e.eventId),
    );
    assert.ok(api.commits.count >= 1, 'the seeded minute was committed');
    assert.equal(
      await page.locator('[data-testid="drilldown-commits"]').getAttribute('data-count'),
      String(api.commits.count),
    );
    await page.screenshot({ path: join(SHOTS, 'kpi-drilldown.png'), fullPage: true });
  });

  it('the arrows step minute by minute and the pager walks the events', async () => {
    const before = await shown(page);
    await page.getByRole('button', { name: 'Previous minute' }).click();
    await page.waitForSelector(
      `${DRILL}[data-window-start="${new Date(Date.parse(before.windowStart) - 60_000).toISOString()}"][data-state="ready"]`,
    );
    const prev = await shown(page);
    assert.equal(prev.verdict, 'equal');
    // events_total: ~150 events a minute, more than a page of 20.
    await page.keyboard.press('Escape');
    await page.waitForSelector(DRILL, { state: 'detached' });
    await page.getByRole('button', { name: 'Explain Events of the last ended minute' }).click();
    const first = await shown(page);
    const api = await d.apiJson<Explained>(
      `/api/v1/kpis/explain?metric=events_total&window_start=${first.windowStart}&limit=20&offset=20`,
    );
    assert.ok(api.events.total > 20, `${api.events.total} events`);
    await page.getByRole('button', { name: 'More events' }).click();
    await page.waitForFunction(
      `document.querySelector('${DRILL} [data-event-id]')?.getAttribute('data-event-id') === ${JSON.stringify(api.events.items[0]!.eventId)}`,
    );
    assert.deepEqual(
      (await shown(page)).rows,
      api.events.items.map((e) => e.eventId),
    );
  });

  it('a point of the revenue chart opens that minute, with the value the chart plots', async () => {
    await page.getByRole('button', { name: 'Close' }).click();
    await page.waitForSelector(DRILL, { state: 'detached' });
    const over = page.locator('[data-testid="revenue-chart"] .u-over');
    const box = (await over.boundingBox())!;
    await over.click({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
    const s = await shown(page);
    assert.equal(s.metric, 'revenue');
    const series = await d.apiJson<{ series: Record<string, { ts: string; value: number }[]> }>(
      `/api/v1/kpis?from=${new Date(Date.parse(s.windowStart) - 60_000).toISOString()}&to=${new Date(Date.parse(s.windowStart) + 120_000).toISOString()}&grain=minute&metrics=revenue`,
    );
    const point = series.series['revenue']!.find((p) => p.ts === s.windowStart);
    assert.ok(point !== undefined, `the chart has a point at ${s.windowStart}`);
    assert.equal(s.value, money.format(point.value));
    assert.equal(s.verdict, 'equal');
  });

  it('a minute whose Gold counted events the lake never got says so: different, value above recompute', async () => {
    await page.getByRole('button', { name: 'Close' }).click();
    await page.waitForSelector(DRILL, { state: 'detached' });
    await page.getByRole('button', { name: 'Explain Events of the last ended minute' }).click();
    const last = Date.parse((await shown(page)).windowStart);
    const target = last - 3 * 60_000;
    await d.feeder.commitEvents(25, target, target + 60_000, { goldOnly: true });
    for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: 'Previous minute' }).click();
    await page.waitForSelector(
      `${DRILL}[data-window-start="${new Date(target).toISOString()}"][data-state="ready"]`,
    );
    const s = await shown(page);
    const api = await d.apiJson<Explained>(
      `/api/v1/kpis/explain?metric=events_total&window_start=${s.windowStart}&limit=20`,
    );
    assert.equal(api.value! - api.recomputed, 25, 'Gold holds the 25 events Silver lacks');
    assert.equal(s.verdict, 'different');
  });
});
