import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openTestApi, type TestApi } from '../../src/api/testing/open-test-api.js';
import { claimAttempt, finishAttempt, type RunOutcome } from '../../src/orchestration/run-log.js';
import { launchChromium } from './headless-chromium.js';
import { ensureWebBuild } from './ensure-web-build.js';

/**
 * The Pipelines page in headless chromium over run rows written by the orchestrator's own SQL:
 * the asset graph shows every asset of the registry with its last status, the run history of the
 * selected asset equals the API's, and failures show their error code and message.
 */
const ROOT = join(import.meta.dirname, '..', '..');
let t: TestApi;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let page: Page;
let baseUrl: string;

async function attempt(
  asset: string,
  partition: string,
  n: number,
  o: Partial<RunOutcome> & Pick<RunOutcome, 'status'>,
) {
  const runId = await claimAttempt(t.store, {
    asset,
    partition,
    attempt: n,
    trigger: 'backfill',
    backfillId: null,
    executorId: 'test',
    leaseMs: 60_000,
    upstreamVersions: { silver: 'v1' },
  });
  await finishAttempt(t.store, runId!, {
    rowsWritten: null,
    errorCode: null,
    errorMessage: null,
    checks: [],
    ...o,
  });
}

before(async () => {
  t = await openTestApi({ api: { webDir: ensureWebBuild(ROOT) } }, { pollStore: false });
  await attempt('marts.daily', '2026-03-01', 1, {
    status: 'failed',
    errorCode: 'SHOP_JOBS_FAILED',
    errorMessage: 'disk full',
  });
  await attempt('marts.daily', '2026-03-01', 2, { status: 'succeeded', rowsWritten: 1234 });
  await attempt('dq.suite', '', 1, { status: 'succeeded', rowsWritten: 9 });
  baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
  page = await browser.context.newPage();
});

after(async () => {
  await browser?.close();
  await t?.close();
});

describe('Pipelines page in chromium', () => {
  it('is reached through the navigation and shows every asset with its last status', async () => {
    await page.goto(baseUrl);
    await page.getByRole('link', { name: 'Pipelines' }).click();
    await page.waitForSelector('[data-testid="pipeline-graph"][data-state="ready"]');
    assert.match(page.url(), /#\/pipelines$/);
    const nodes = await page.$$eval('[data-asset]', (els) =>
      els.map((e) => [e.getAttribute('data-asset'), e.getAttribute('data-status')]),
    );
    const registry = (await (await fetch(`${baseUrl}/api/v1/jobs`)).json()) as {
      assets: { key: string }[];
    };
    assert.deepEqual(
      nodes.map((n) => n[0]).sort(),
      registry.assets.map((a) => a.key).sort(),
      'the graph shows every asset of the registry once',
    );
    const status = Object.fromEntries(nodes);
    assert.equal(status['marts.daily'], 'succeeded');
    assert.equal(status['dq.suite'], 'succeeded');
    for (const [asset, s] of nodes) {
      if (asset !== 'marts.daily' && asset !== 'dq.suite') assert.equal(s, 'never', asset!);
    }
    assert.ok(nodes.length >= 6, `${nodes.length} assets`);
  });

  it('shows the run history of the selected asset as the API answers it', async () => {
    await page.click('[data-asset="marts.daily"]');
    await page.waitForSelector('[data-testid="pipeline-runs"] [data-status="failed"]');
    const api = (await (await fetch(`${baseUrl}/api/v1/jobs/marts.daily/runs`)).json()) as {
      runs: { runId: string; status: string }[];
    };
    const shown = await page.$$eval('[data-testid="pipeline-runs"] [data-run]', (els) =>
      els.map((e) => [e.getAttribute('data-run'), e.getAttribute('data-status')]),
    );
    assert.deepEqual(
      shown,
      api.runs.map((r) => [r.runId, r.status]),
    );
    assert.deepEqual(
      shown.map((s) => s[1]),
      ['succeeded', 'failed'],
    );
    const text = await page.textContent('[data-testid="pipeline-runs"]');
    assert.ok(text?.includes('1234'), text ?? '');
  });

  it('lists failures with their error', async () => {
    const text = await page.textContent('[data-testid="pipeline-failures"]');
    assert.ok(text?.includes('SHOP_JOBS_FAILED: disk full'), text ?? '');
    assert.ok(text?.includes('2026-03-01'));
  });
});
