import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openTestApi, type TestApi } from '../../src/api/testing/open-test-api.js';
import { buildCustomerAnalytics } from '../../src/batch/customers/index.js';
import { insertFactOrders } from '../../src/batch/customers/testing/insert-fact-orders.js';
import {
  TWENTY_AS_OF,
  twentyCustomerOrders,
} from '../../src/batch/customers/testing/rfm-twenty-customers.js';
import { TEST_OPTIONS } from '../conformance/customer-analytics-suite.js';
import { launchChromium } from './headless-chromium.js';
import { ensureWebBuild } from './ensure-web-build.js';

/**
 * The Customers page in headless chromium over the customer-analytics job run for real on the
 * 20 hand-scored customers (mart.fact_orders on the API's PGlite store). Every number on the page
 * is compared with the API's answer.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'screenshots');
let t: TestApi;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let baseUrl: string;

before(async () => {
  const webDir = ensureWebBuild(ROOT);
  t = await openTestApi({ api: { webDir } }, { pollStore: false });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.context.newPage();
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await t?.close();
});

async function apiJson<T>(path: string): Promise<T> {
  const res = await fetch(baseUrl + path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

describe('Customers page in chromium', () => {
  it('says how to fill it before the job ran, and is reached through the navigation', async () => {
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.waitForSelector('[data-testid="customer-segments"][data-state="empty"]');
    assert.match(
      await page.locator('[data-testid="customer-segments"]').innerText(),
      /shopstream customers build/,
    );
    assert.match(page.url(), /#\/customers$/);
  });

  it('shows segment sizes and revenue shares, the cohort heatmap, the CLV distribution and top customers', async () => {
    await insertFactOrders(t.store, twentyCustomerOrders());
    await buildCustomerAnalytics({ asOf: TWENTY_AS_OF, store: t.store, options: TEST_OPTIONS });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForSelector('[data-testid="customer-segments"][data-state="ready"] li[data-segment]');
    const seg = await apiJson<{ segments: { segment: string; customers: number; revenueShare: number }[] }>(
      '/api/v1/customers/segments',
    );
    const shown = await page.$$eval('[data-testid="customer-segments"] li[data-segment]', (lis) =>
      lis.map((li) => [
        li.getAttribute('data-segment'),
        Number(li.getAttribute('data-customers')),
        Number(li.getAttribute('data-revenue-share')),
      ]),
    );
    assert.deepEqual(
      shown,
      seg.segments.map((s) => [s.segment, s.customers, s.revenueShare]),
    );
    assert.equal(shown.length, 11);
    const cohorts = await apiJson<{
      cohorts: { cohortMonth: string; monthsSince: number; retention: number }[];
    }>('/api/v1/customers/cohorts');
    await page.waitForSelector('[data-testid="customer-cohorts"][data-state="ready"]');
    const cells = await page.$$eval('[data-testid="customer-cohorts"] td[data-month]', (tds) =>
      tds.map((td) => [
        td.closest('tr')!.getAttribute('data-cohort'),
        Number(td.getAttribute('data-month')),
        Number(td.getAttribute('data-retention')),
      ]),
    );
    assert.deepEqual(
      cells,
      cohorts.cohorts.map((c) => [c.cohortMonth, c.monthsSince, c.retention]),
    );
    const clv = await apiJson<{
      distribution: { customers: number }[];
      top: { customerId: string; predictedClv: number }[];
    }>('/api/v1/customers/clv/summary?top=10');
    const buckets = await page.$$eval('[data-testid="clv-distribution"] li[data-bucket]', (lis) =>
      lis.map((li) => Number(li.getAttribute('data-customers'))),
    );
    assert.deepEqual(
      buckets,
      clv.distribution.map((b) => b.customers),
    );
    const top = await page.$$eval('[data-testid="customer-top"] tr[data-customer]', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-customer'), Number(tr.getAttribute('data-predicted'))]),
    );
    assert.deepEqual(
      top,
      clv.top.map((c) => [c.customerId, c.predictedClv]),
    );
    assert.equal(top.length, 10);
    await page.screenshot({ path: join(SHOTS, 'customers-1280x800.png'), fullPage: true });
  });

  it('is readable at phone width', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForSelector('[data-testid="customer-top"][data-state="ready"]');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
    assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 390px`);
    await page.screenshot({ path: join(SHOTS, 'customers-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
