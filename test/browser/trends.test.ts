import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openTestApi, type TestApi } from '../../src/api/testing/open-test-api.js';
import { buildGoldenMarts } from '../../src/batch/marts/testing/golden-imports.js';
import type { Lake } from '../../src/lake/index.js';
import { launchChromium } from './headless-chromium.js';
import { ensureWebBuild } from './ensure-web-build.js';

/**
 * The Trends page in headless chromium over marts built for real (the golden data set of
 * docs/marts.md: imports, Silver, late events, two builds) on the API's PGlite store. Every number
 * on the page is compared with the API's answer for the same range.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'screenshots');
let t: TestApi;
let lake: Lake;
let dir: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let baseUrl: string;

before(async () => {
  const webDir = ensureWebBuild(ROOT);
  t = await openTestApi({ api: { webDir } }, { pollStore: false });
  dir = await mkdtemp(join(tmpdir(), 'shopstream-trends-'));
  lake = await buildGoldenMarts(t.store, dir);
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.context.newPage();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await lake?.close();
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

async function apiJson<T>(path: string): Promise<T> {
  const res = await fetch(baseUrl + path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

describe('Trends page in chromium', () => {
  it('is reached from the live page through the navigation', async () => {
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.waitForSelector('[data-testid="trends-page"]');
    assert.match(page.url(), /#\/trends$/);
  });

  it('shows the daily revenue, orders and conversion of the marts', async () => {
    await page.goto(`${baseUrl}/#/trends?to=2026-03-04`);
    const box = page.locator('[data-testid="trends-page"]');
    await page.waitForSelector('[data-testid="trend-revenue"][data-state="ready"] .chart');
    const [from, to] = [await box.getAttribute('data-from'), await box.getAttribute('data-to')];
    assert.deepEqual([from, to], ['2025-12-05', '2026-03-04']);
    const daily = await apiJson<{ days: { date: string }[] }>(`/api/v1/marts/daily?from=${from}&to=${to}`);
    assert.equal(daily.days.length, 4);
    // Orders start with the imported order of 02-20; sessions (and their conversion) with Silver on 03-02.
    const charts = [
      ['trend-revenue', 4, '2026-02-20'],
      ['trend-orders', 4, '2026-02-20'],
      ['trend-conversion', 3, '2026-03-02'],
    ] as const;
    for (const [id, points, first] of charts) {
      const chart = page.locator(`[data-testid="${id}"] .chart`);
      const ts = async (attr: string) => Number(await chart.getAttribute(attr)) * 1000;
      assert.equal(Number(await chart.getAttribute('data-points')), points, id);
      assert.equal(await ts('data-first-ts'), Date.parse(`${first}T00:00:00Z`), id);
      assert.equal(await ts('data-last-ts'), Date.parse('2026-03-04T00:00:00Z'), id);
    }
  });

  it('shows top products, orders per segment and sessions as the API returns them', async () => {
    const q = 'from=2025-12-05&to=2026-03-04';
    const top = await apiJson<{ products: { productId: string; revenue: number }[] }>(
      `/api/v1/marts/products/top?${q}&limit=10`,
    );
    await page.waitForSelector('[data-testid="trend-products"][data-state="ready"] tr[data-product]');
    const rows = await page.$$eval('[data-testid="trend-products"] tr[data-product]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-product'), Number(tr.getAttribute('data-revenue'))]),
    );
    assert.deepEqual(
      rows,
      top.products.map((p) => [p.productId, p.revenue]),
    );
    const segments = await apiJson<{ segments: { segment: string; orders: number; customers: number }[] }>(
      `/api/v1/marts/customers/segments?${q}`,
    );
    const shown = await page.$$eval('[data-testid="trend-segments"] li[data-segment]', (lis) =>
      lis.map((li) => [
        li.getAttribute('data-segment'),
        Number(li.getAttribute('data-orders')),
        Number(li.getAttribute('data-customers')),
      ]),
    );
    assert.deepEqual(
      shown,
      segments.segments.map((s) => [s.segment, s.orders, s.customers]),
    );
    assert.deepEqual(shown[2], ['repeat', 2, 1], 'uA placed two orders as a repeat customer');
    const sessions = await apiJson<{ summary: { sessions: number; conversionRate: number } }>(
      `/api/v1/sessions?${q}&limit=1`,
    );
    const stat = (name: string) =>
      page.locator(`[data-testid="trend-sessions"] [data-stat="${name}"]`).getAttribute('data-value');
    assert.equal(Number(await stat('Sessions')), sessions.summary.sessions);
    assert.equal(Number(await stat('Conversion')), sessions.summary.conversionRate);
    await page.screenshot({ path: join(SHOTS, 'trends-1280x800.png'), fullPage: true });
  });

  it('changing the span refetches, and a range without marts says so', async () => {
    await page.getByRole('button', { name: '30 days' }).click();
    await page.waitForSelector('[data-testid="trends-page"][data-from="2026-02-03"]');
    await page.goto(`${baseUrl}/#/trends?to=2025-06-01`);
    await page.waitForSelector('[data-testid="trend-revenue"][data-state="empty"]');
    assert.match(await page.locator('[data-testid="trend-revenue"]').innerText(), /shopstream marts build/);
  });

  it('is readable at phone width', async () => {
    await page.goto(`${baseUrl}/#/trends?to=2026-03-04`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector('[data-testid="trend-products"][data-state="ready"]');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 390px`);
    await page.screenshot({ path: join(SHOTS, 'trends-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
