import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openTestApi, type TestApi } from '../../src/api/testing/open-test-api.js';
import { openLake, type Lake } from '../../src/lake/index.js';
import { GoldTrafficFeeder } from './gold-traffic-feeder.js';
import { launchChromium } from './headless-chromium.js';
import { ensureWebBuild } from './ensure-web-build.js';

/** Where browser tests save screenshots (gitignored). */
export const SHOTS = join(import.meta.dirname, '..', '..', 'screenshots');

export interface DashboardFixture {
  readonly api: TestApi;
  readonly feeder: GoldTrafficFeeder;
  readonly page: Page;
  readonly baseUrl: string;
  /** GET `path` on the API; asserts 200. */
  apiJson<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

/**
 * The dashboard in a real (headless) chromium against the real API server in embedded mode: PGlite
 * store in a temp folder, fed by `seed` through commitGoldBatch + LiveFeed as the processor does,
 * then the page opened at 1280x800. With `withLake`, a lake in a temp folder gets the same events
 * in Silver and backs the API's lake routes.
 */
export async function openDashboard(
  seed: (feeder: GoldTrafficFeeder, nowMs: number) => Promise<void>,
  apiOverrides: Record<string, unknown> = {},
  { withLake = false }: { withLake?: boolean } = {},
): Promise<DashboardFixture> {
  const root = join(import.meta.dirname, '..', '..');
  const lakeDir = withLake ? await mkdtemp(join(tmpdir(), 'shopstream-browser-lake-')) : undefined;
  const lake: Lake | undefined =
    lakeDir === undefined ? undefined : await openLake({ dir: lakeDir, fsync: false });
  const api = await openTestApi(
    { api: { webDir: ensureWebBuild(root), ...apiOverrides } },
    { pollStore: false, ...(lake === undefined ? {} : { lake }) },
  );
  const feeder = new GoldTrafficFeeder(api.store, api.feed, 7, lake);
  await feeder.claim();
  await seed(feeder, Date.now());
  const baseUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  await page.goto(baseUrl);
  mkdirSync(SHOTS, { recursive: true });
  return {
    api,
    feeder,
    page,
    baseUrl,
    apiJson: async <T>(path: string): Promise<T> => {
      const res = await fetch(baseUrl + path);
      assert.equal(res.status, 200, path);
      return (await res.json()) as T;
    },
    close: async () => {
      await browser.close();
      await api.close();
      await lake?.close();
      if (lakeDir !== undefined) await rm(lakeDir, { recursive: true, force: true });
    },
  };
}
