import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seedAlert } from '../../src/api/testing/seed-serving-data.js';
import { openDashboard, SHOTS, type DashboardFixture } from './dashboard-fixture.js';

/**
 * The dashboard in a real (headless) chromium against the real API server in embedded mode
 * (dashboard-fixture.ts). Screenshots land in screenshots/ (gitignored).
 */
let d: DashboardFixture;
let page: Page;

before(async () => {
  d = await openDashboard(
    async (feeder, now) => {
      await feeder.commitEvents(4000, now - 5 * 3_600_000, now - 20 * 60_000);
      await feeder.commitEvents(1500, now - 20 * 60_000, now);
    },
    { adminKeys: 'wall-admin' },
  );
  page = d.page;
});

after(async () => {
  await d?.close();
});

const EVENTS_TILE = `Number(document.querySelector('.tile[data-metric="events_total"]')?.getAttribute('data-value'))`;

/**
 * The tiles sum the range ending at the next whole minute: when a minute ends between reading a
 * tile and its refetch, the range's oldest minute drops out. Near a minute's end, wait for the
 * next one and let the page refetch (one committed event) before reading.
 */
async function awayFromMinuteEnd(p: Page, fixture: DashboardFixture): Promise<void> {
  const intoMinuteMs = Date.now() % 60_000;
  if (intoMinuteMs < 40_000) return;
  await new Promise((r) => setTimeout(r, 61_000 - intoMinuteMs));
  const stale = Number(await p.evaluate(EVENTS_TILE));
  await fixture.feeder.commitEvents(1, Date.now() - 1_000, Date.now());
  await p.waitForFunction(`${EVENTS_TILE} !== ${stale}`, undefined, { timeout: 10_000 });
}

const tileValues = (p: Page) =>
  p.$$eval('[data-testid="kpi-tiles"] .tile', (tiles) =>
    Object.fromEntries(tiles.map((el) => [el.getAttribute('data-metric'), el.getAttribute('data-value')])),
  );

describe('dashboard in chromium', () => {
  it('KPI tiles show the numbers the API returns for the same window', async () => {
    await page.waitForSelector('[data-testid="kpi-tiles"] .tile[data-metric="revenue"]:not([data-value=""])');
    await page.waitForSelector('[data-testid="live-status"]:has-text("Live")');
    const box = page.locator('[data-testid="kpi-tiles"]');
    const from = await box.getAttribute('data-from');
    const to = await box.getAttribute('data-to');
    const api = await d.apiJson<{ current: Record<string, number> }>(
      `/api/v1/kpis/summary?from=${from}&to=${to}`,
    );
    const tiles = await tileValues(page);
    for (const metric of [
      'revenue',
      'events_purchase',
      'aov',
      'purchase_conversion',
      'add_to_cart_rate',
      'events_total',
    ]) {
      assert.equal(Number(tiles[metric]), api.current[metric], metric);
    }
    assert.ok(api.current.events_total! > 1000);
    // The full value is the tooltip whatever form fits the tile (dashboard-readability.test.ts).
    const revenueTitle = await page.locator('.tile[data-metric="revenue"] .tile-value').getAttribute('title');
    assert.equal(
      revenueTitle,
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(
        api.current.revenue!,
      ),
    );
    await page.waitForSelector('[data-testid="revenue-chart"][data-state="ready"] .chart');
    await page.screenshot({ path: join(SHOTS, 'dashboard-1280x800.png') });
  });

  it('a commit reaches the tiles live, without a reload (latency measured)', async () => {
    await page.evaluate('window.__noReload = true');
    await awayFromMinuteEnd(page, d);
    const before = Number((await tileValues(page)).events_total);
    const startMs = Date.now();
    await d.feeder.commitEvents(250, Date.now() - 2_000, Date.now());
    await page.waitForFunction(
      `Number(document.querySelector('.tile[data-metric="events_total"]')?.getAttribute('data-value')) >= ${before + 250}`,
      undefined,
      {
        timeout: 10_000,
      },
    );
    const latencyMs = Date.now() - startMs;
    assert.equal(await page.evaluate('window.__noReload === true'), true);
    console.log(`# dashboard reflected a commit in ${latencyMs} ms (commit + SSE + refetch + render)`);
    assert.ok((await page.locator('[data-testid="last-update"]').count()) === 1);
  });

  it('changing the range changes the chart', async () => {
    const chart = page.locator('[data-testid="revenue-chart"] .chart');
    const first1h = Number(await chart.getAttribute('data-first-ts'));
    await page.getByRole('button', { name: '24 h' }).click();
    await page.waitForSelector('#revenue-chart-title:has-text("per hour")');
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid="revenue-chart"] .chart')?.getAttribute('data-first-ts')) < ${first1h}`,
    );
    const first24h = Number(await chart.getAttribute('data-first-ts'));
    assert.ok(first1h - first24h >= 3 * 3600, `24 h chart starts ${first1h - first24h} s earlier`);
    assert.equal(await page.getByRole('button', { name: '24 h' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: '1 h' }).click();
    await page.waitForSelector('#revenue-chart-title:has-text("per minute")');
  });

  it('the alerts panel shows an alert created through the store, and an admin can acknowledge it', async () => {
    const windowStartMs = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const id = await seedAlert(d.api.store, {
      metric: 'revenue',
      windowStartMs,
      severity: 'critical',
      value: 9000,
      baseline: 1200,
      zScore: 6.4,
      createdAtMs: Date.now(),
    });
    d.api.feed.publishAlert({ id });
    const item = page.locator(`[data-alert-id="${id}"]`);
    await item.waitFor({ timeout: 10_000 });
    assert.match(await item.innerText(), /critical/i);
    assert.equal(
      await item.getByRole('button', { name: 'Acknowledge' }).count(),
      0,
      'anonymous users cannot acknowledge',
    );
    await page.getByRole('button', { name: 'Sign in with key' }).click();
    await page.getByLabel('API key').fill('wall-admin');
    await page.getByRole('button', { name: 'Save' }).click();
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await page.waitForSelector(`[data-alert-id="${id}"][data-status="acknowledged"]`);
    await page.screenshot({ path: join(SHOTS, 'dashboard-alert-1280x800.png') });
  });

  it('is readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 390px`);
    await page.screenshot({ path: join(SHOTS, 'dashboard-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
