import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import assert from 'node:assert/strict';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';
import {
  seedAlert,
  seedOrder,
  seedPipeline,
  seedProductMinute,
  seedWindow,
} from '../testing/seed-serving-data.js';

/**
 * Every route of the OpenAPI document, through inject() on a PGlite store with known data.
 * The last test checks that each documented (method, path) was requested by this file.
 */
const NOW_MS = Date.parse('2026-01-24T13:30:20.000Z');
const W0 = Date.parse('2026-01-24T13:28:00.000Z');
const W1 = W0 + 60_000;
const OLD = Date.parse('2026-01-24T11:00:00.000Z');
const hits = new Set<string>();
let t: TestApi;
let alertId: string;

before(async () => {
  t = await openTestApi({ api: { adminKeys: 'admin-secret' } }, { now: () => NOW_MS });
  t.app.addHook('onRequest', async (req) => {
    hits.add(`${req.method} ${req.routeOptions.url ?? ''}`);
  });
  await seedWindow(t.store, {
    windowStartMs: W0,
    clicks: 100,
    carts: 30,
    checkouts: 12,
    purchases: 6,
    revenue: 300,
    channel: 'web',
    category: 'shoes',
  });
  await seedWindow(t.store, {
    windowStartMs: W1,
    clicks: 50,
    carts: 10,
    checkouts: 4,
    purchases: 2,
    revenue: 90,
    channel: 'app',
    category: 'bags',
  });
  await seedWindow(t.store, {
    windowStartMs: OLD,
    clicks: 10,
    carts: 1,
    checkouts: 1,
    purchases: 1,
    revenue: 7,
    channel: 'web',
  });
  await seedProductMinute(t.store, {
    windowStartMs: W0,
    productId: 'p-1',
    category: 'shoes',
    clicks: 9,
    carts: 3,
    units: 4,
    revenue: 200,
  });
  await seedProductMinute(t.store, {
    windowStartMs: W1,
    productId: 'p-2',
    category: 'bags',
    clicks: 5,
    carts: 2,
    units: 9,
    revenue: 90,
  });
  await seedOrder(t.store, {
    partition: 0,
    offset: 5,
    orderId: 'o-1',
    eventTimeMs: W0 + 5_000,
    productId: 'p-1',
    items: 2,
    revenue: 100,
    channel: 'web',
  });
  await seedOrder(t.store, {
    partition: 1,
    offset: 9,
    orderId: 'o-2',
    eventTimeMs: W1 + 5_000,
    productId: 'p-2',
    items: 1,
    revenue: 90,
    channel: 'app',
  });
  await seedPipeline(t.store, {
    partition: 0,
    nextOffset: 120,
    committedAtMs: NOW_MS - 1_000,
    maxEventTimeMs: NOW_MS - 2_000,
    silver: 110,
    quarantine: 7,
    duplicates: 3,
    reasons: { not_json: 4, missing_user_id: 3 },
  });
  alertId = await seedAlert(t.store, {
    metric: 'revenue',
    windowStartMs: W0,
    severity: 'critical',
    value: 300,
    baseline: 80,
    zScore: 5.5,
    createdAtMs: NOW_MS - 30_000,
  });
});
after(async () => t.close());

const get = async (url: string, headers: Record<string, string> = {}) => {
  const res = await t.app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> & { [k: string]: unknown } };
};

describe('customer-analytics routes (v1-customer-routes.test.ts checks their data)', () => {
  it('answer before any customer-analytics run: empty snapshot, no run, unknown customer 404', async () => {
    assert.equal((await get('/api/v1/customers/segments')).body['asOf'], null);
    assert.equal((await get('/api/v1/customers/clv/summary')).body['run'], null);
    assert.deepEqual((await get('/api/v1/customers/cohorts')).body['cohorts'], []);
    assert.equal((await get('/api/v1/customers/nobody')).status, 404);
  });
});

describe('reference routes keep the paths and shapes of the brief', () => {
  it('GET /health answers {"status":"ok"}', async () => {
    const res = await t.app.inject('/health');
    assert.equal(res.statusCode, 200);
    assert.equal(res.body, '{"status":"ok"}');
  });

  it('GET /deps reports the store', async () => {
    const { status, body } = await get('/deps');
    assert.equal(status, 200);
    assert.deepEqual((body.dependencies as Record<string, { status: string }>).store?.status, 'ok');
  });

  it('GET /kpis defaults to the last 60 minutes of kpi_minute, ascending, ISO Z timestamps', async () => {
    const { status, body } = await get('/kpis?metric=revenue');
    assert.equal(status, 200);
    assert.equal(body.from, '2026-01-24T12:30:20.000Z');
    assert.equal(body.to, '2026-01-24T13:30:20.000Z');
    assert.deepEqual(body.points, [
      { ts: '2026-01-24T13:28:00.000Z', value: 300 },
      { ts: '2026-01-24T13:29:00.000Z', value: 90 },
    ]);
    const limited = await get(`/kpis?metric=aov&from=${OLD}&limit=1`);
    assert.deepEqual(limited.body.points, [{ ts: '2026-01-24T13:29:00.000Z', value: 45 }]);
  });

  it('GET /kpis/latest answers null for a metric without rows', async () => {
    const { body } = await get('/kpis/latest?metrics=revenue,purchase_conversion,no_such');
    assert.deepEqual(body.latest, {
      revenue: { ts: '2026-01-24T13:29:00.000Z', value: 90 },
      purchase_conversion: { ts: '2026-01-24T13:29:00.000Z', value: 0.04 },
      no_such: null,
    });
  });

  it('GET /alerts filters by metric and severity within the last 180 minutes', async () => {
    const { body } = await get('/alerts?metric=revenue&severity=critical');
    assert.equal(body.from, '2026-01-24T10:30:20.000Z');
    const alerts = body.alerts as { id: string; z_score: number; window_start: string }[];
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.id, alertId);
    assert.equal(alerts[0]!.window_start, '2026-01-24T13:28:00.000Z');
    assert.equal((await get('/alerts?severity=warning')).body.alerts instanceof Array, true);
    assert.equal(((await get('/alerts?severity=warning')).body.alerts as unknown[]).length, 0);
  });

  it('GET /alerts/latest lists the newest alerts', async () => {
    const { body } = await get('/alerts/latest?limit=5');
    assert.deepEqual(
      (body.alerts as { id: string }[]).map((a) => a.id),
      [alertId],
    );
  });
});

describe('/api/v1 routes', () => {
  it('GET /api/v1/kpis re-derives rates from summed counters at hour grain', async () => {
    const { body } = await get(
      `/api/v1/kpis?metrics=events_purchase,aov,purchase_conversion&grain=hour&from=${OLD}`,
    );
    const s = body.series as Record<string, { ts: string; value: number }[]>;
    assert.deepEqual(s.events_purchase, [
      { ts: '2026-01-24T11:00:00.000Z', value: 1 },
      { ts: '2026-01-24T13:00:00.000Z', value: 8 },
    ]);
    assert.equal(s.aov![1]!.value, 390 / 8); // not the mean of 50 and 45
    assert.equal(s.purchase_conversion![1]!.value, 8 / 150);
  });

  it('GET /api/v1/kpis filters by one dimension and rejects two', async () => {
    const { body } = await get('/api/v1/kpis?metrics=revenue&channel=app');
    assert.deepEqual((body.series as Record<string, unknown>).revenue, [
      { ts: '2026-01-24T13:29:00.000Z', value: 90 },
    ]);
    const both = await get('/api/v1/kpis?metrics=revenue&channel=app&category=bags');
    assert.equal(both.status, 400);
    assert.equal(both.body.code, 'SHOP_API_BAD_REQUEST');
    assert.equal((await get('/api/v1/kpis?metrics=nope')).status, 400);
  });

  it('GET /api/v1/kpis/summary compares with the previous period of the same length', async () => {
    const { body } = await get(`/api/v1/kpis/summary?from=2026-01-24T12:00:00Z&to=2026-01-24T14:00:00Z`);
    const cur = body.current as Record<string, number>;
    const prev = body.previous as Record<string, number>;
    assert.equal(cur.revenue, 390);
    assert.equal(cur.aov, 390 / 8);
    assert.equal(prev.revenue, 7);
    assert.equal(body.previousFrom, '2026-01-24T10:00:00.000Z');
    // W0 and W1 in the range, only OLD in the previous one: the previous period is partly covered.
    assert.deepEqual(body.coveredMinutes, { current: 2, previous: 1 });
    const filtered = await get(
      `/api/v1/kpis/summary?from=2026-01-24T12:00:00Z&to=2026-01-24T14:00:00Z&channel=app`,
    );
    assert.equal((filtered.body.current as Record<string, number>).revenue, 90);
    assert.deepEqual(
      filtered.body.coveredMinutes,
      { current: 2, previous: 1 },
      'coverage ignores the filter',
    );
  });

  it('GET /api/v1/funnel counts the four steps', async () => {
    const { body } = await get('/api/v1/funnel?category=shoes');
    assert.deepEqual(
      (body.steps as { step: string; count: number }[]).map((s) => [s.step, s.count]),
      [
        ['click', 100],
        ['add_to_cart', 30],
        ['checkout', 12],
        ['purchase', 6],
      ],
    );
  });

  it('GET /api/v1/products/top ranks by revenue or units', async () => {
    const byRevenue = await get('/api/v1/products/top');
    assert.deepEqual(
      (byRevenue.body.products as { productId: string }[]).map((p) => p.productId),
      ['p-1', 'p-2'],
    );
    const byUnits = await get('/api/v1/products/top?by=units&limit=1');
    assert.deepEqual(
      (byUnits.body.products as { productId: string }[]).map((p) => p.productId),
      ['p-2'],
    );
  });

  it('GET /api/v1/orders/recent lists the newest purchases first', async () => {
    const { body } = await get('/api/v1/orders/recent?limit=10');
    const orders = body.orders as { orderId: string; amount: number; ts: string }[];
    assert.deepEqual(
      orders.map((o) => o.orderId),
      ['o-2', 'o-1'],
    );
    assert.equal(orders[1]!.amount, 100);
  });

  it('GET /api/v1/quality/quarantine reports valid share and reasons', async () => {
    const { body } = await get('/api/v1/quality/quarantine');
    assert.equal(body.validPct, (100 * 110) / 117);
    assert.deepEqual(body.reasons, [
      { reason: 'not_json', count: 4 },
      { reason: 'missing_user_id', count: 3 },
    ]);
  });

  it('GET /api/v1/uniques without a lake is a coded 503', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/uniques' });
    assert.equal(res.statusCode, 503);
    assert.equal((res.json() as { code: string }).code, 'SHOP_API_NO_LAKE');
  });

  it('GET /api/v1/quality/runs/latest returns the newest data-quality run with its checks', async () => {
    const before = await get('/api/v1/quality/runs/latest');
    assert.equal(before.body.run, null);
    await t.store.query(
      `INSERT INTO serving.data_quality_runs (run_id, started_at, finished_at, score, checks_passed, checks_failed)
       VALUES ('r1', now(), now(), 87.5, 7, 1)`,
    );
    await t.store.query(
      `INSERT INTO serving.data_quality_logs (run_id, check_name, category, passed, observed, threshold, weight, message, checked_at)
       VALUES ('r1', 'uniqueness.event_id', 'uniqueness', false, 3, 0, 1, '3 duplicate event_id', now())`,
    );
    const { body } = await get('/api/v1/quality/runs/latest');
    const run = body.run as {
      score: number;
      checksFailed: number;
      checks: Array<{ check: string; passed: boolean }>;
    };
    assert.equal(run.score, 87.5);
    assert.equal(run.checksFailed, 1);
    assert.deepEqual(
      run.checks.map((c) => [c.check, c.passed]),
      [['uniqueness.event_id', false]],
    );
  });

  it('GET /api/v1/kpis/explain needs a lake (503) and a whole minute (400)', async () => {
    const noLake = await t.app.inject({
      method: 'GET',
      url: '/api/v1/kpis/explain?metric=revenue&window_start=2026-01-24T13:28:00Z',
    });
    assert.equal(noLake.statusCode, 503);
    assert.equal((noLake.json() as { code: string }).code, 'SHOP_API_NO_LAKE');
    for (const query of [
      'metric=revenue&window_start=2026-01-24T13:28:30Z',
      'metric=bogus&window_start=2026-01-24T13:28:00Z',
    ])
      assert.equal(
        (await t.app.inject({ method: 'GET', url: `/api/v1/kpis/explain?${query}` })).statusCode,
        400,
        query,
      );
  });

  it('GET /api/v1/reconciliation lists the runs newest first, with the latest mismatch count', async () => {
    const before = await get('/api/v1/reconciliation');
    assert.deepEqual(before.body, { runs: [], mismatchesInLatest: 0 });
    await t.store.query(
      `INSERT INTO serving.reconciliation_runs (run_id, started_at, finished_at, from_ts, to_ts, windows_checked,
         values_checked, mismatch_count, max_difference, mismatches, alert_id)
       VALUES ('a', now() - interval '2 minutes', now() - interval '2 minutes', '2026-01-24T10:00:00Z', '2026-01-24T11:00:00Z', 60, 600, 0, 0, '[]', NULL),
              ('b', now(), now(), '2026-01-24T11:00:00Z', '2026-01-24T11:05:00Z', 5, 50, 1, 1,
               '[{"windowStart":"2026-01-24T11:02:00.000Z","metric":"events_click","streaming":11,"batch":10,"difference":1}]', 'al-1')`,
    );
    const { body } = await get('/api/v1/reconciliation?limit=5');
    const runs = body.runs as Array<{
      runId: string;
      mismatchCount: number;
      to: string;
      mismatches: unknown[];
      alertId: string | null;
    }>;
    assert.deepEqual(
      runs.map((r) => [r.runId, r.mismatchCount, r.alertId]),
      [
        ['b', 1, 'al-1'],
        ['a', 0, null],
      ],
    );
    assert.equal(body.mismatchesInLatest, 1);
    assert.equal(runs[0]!.to, '2026-01-24T11:05:00.000Z');
    assert.deepEqual(runs[0]!.mismatches, [
      {
        windowStart: '2026-01-24T11:02:00.000Z',
        metric: 'events_click',
        streaming: 11,
        batch: 10,
        difference: 1,
      },
    ]);
    assert.equal(
      (await t.app.inject({ method: 'GET', url: '/api/v1/reconciliation?limit=0' })).statusCode,
      400,
    );
  });

  it('GET /api/v1/pipeline/status shows freshness and the balanced accounting invariant', async () => {
    const { body } = await get('/api/v1/pipeline/status');
    assert.equal(body.freshnessMs, 2_000);
    assert.deepEqual((body.accounting as { balanced: boolean }).balanced, true);
    assert.equal((body.partitions as { nextOffset: number }[])[0]!.nextOffset, 120);
  });

  it('GET /api/v1/session tells the role of the key', async () => {
    assert.equal((await get('/api/v1/session')).body.role, 'anonymous');
    assert.equal((await get('/api/v1/session', { 'x-api-key': 'admin-secret' })).body.role, 'admin');
  });

  it('POST /api/v1/alerts/:id/acknowledge needs an operator or admin key and is idempotent', async () => {
    const url = `/api/v1/alerts/${encodeURIComponent(alertId)}/acknowledge`;
    const anon = await t.app.inject({ method: 'POST', url, payload: {} });
    assert.equal(anon.statusCode, 401);
    const ok = await t.app.inject({
      method: 'POST',
      url,
      payload: { by: 'ana' },
      headers: { authorization: 'Bearer admin-secret' },
    });
    assert.equal(ok.statusCode, 200);
    const alert = (
      ok.json() as { alert: { status: string; acknowledged_by: string; acknowledged_at: string } }
    ).alert;
    assert.equal(alert.status, 'acknowledged');
    assert.equal(alert.acknowledged_by, 'ana');
    const again = await t.app.inject({
      method: 'POST',
      url,
      payload: { by: 'bob' },
      headers: { 'x-api-key': 'admin-secret' },
    });
    assert.equal((again.json() as { alert: { acknowledged_by: string } }).alert.acknowledged_by, 'ana');
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/alerts/nope/acknowledge',
      payload: {},
      headers: { 'x-api-key': 'admin-secret' },
    });
    assert.equal(missing.statusCode, 404);
  });

  it('admin routes: keys created, rotated, revoked; the audit log lists each change', async () => {
    const admin = { 'x-api-key': 'admin-secret' };
    const post = (url: string, payload: unknown = {}) =>
      t.app.inject({ method: 'POST', url, payload: payload as object, headers: admin });
    const created = (await post('/api/v1/admin/keys', { name: 'grafana', role: 'viewer' })).json() as {
      key: string;
      record: { id: string };
    };
    assert.match(created.key, /^sk_/);
    assert.equal((await get('/api/v1/session', { 'x-api-key': created.key })).body.role, 'viewer');
    const listed = (await get('/api/v1/admin/keys', admin)).body as { keys: Array<{ id: string }> };
    assert.deepEqual(
      listed.keys.map((k) => k.id),
      [created.record.id],
    );
    const rotated = (await post(`/api/v1/admin/keys/${created.record.id}/rotate`)).json() as {
      record: { id: string; rotatedFrom: string };
    };
    assert.equal(rotated.record.rotatedFrom, created.record.id);
    assert.equal((await post(`/api/v1/admin/keys/${rotated.record.id}/revoke`)).statusCode, 200);
    const audit = (await get('/api/v1/admin/audit?action=key.create', admin)).body as {
      entries: Array<{ action: string; target: string; outcome: string; actor: string }>;
    };
    assert.deepEqual(
      audit.entries.map((e) => [e.action, e.target, e.outcome, e.actor.startsWith('config:admin:')]),
      [['key.create', 'grafana', 'ok', true]],
    );
  });

  it('GET /api/v1/stream sends hello then a kpis event after a commit', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const abort = new AbortController();
    const res = await fetch(`${address}/api/v1/stream`, { signal: abort.signal });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value, { stream: true });
    };
    await readUntil('event: hello');
    t.feed.publishCommit({ windowsTouched: [W1], committedAt: NOW_MS });
    await readUntil('event: kpis');
    await readUntil('}]}\n\n');
    const data = JSON.parse(text.split('event: kpis\ndata: ')[1]!.split('\n\n')[0]!) as {
      windows: { ts: string; metrics: Record<string, number> }[];
    };
    assert.deepEqual(
      data.windows.map((w) => w.ts),
      ['2026-01-24T13:29:00.000Z'],
    );
    assert.equal(data.windows[0]!.metrics.revenue, 90);
    assert.equal(data.windows[0]!.metrics.add_to_cart_rate, 0.2);
    abort.abort();
  });

  it('the mart routes answer empty before any marts build (data: v1-marts-routes.test.ts)', async () => {
    assert.deepEqual((await get('/api/v1/marts/daily')).body.days, []);
    assert.deepEqual((await get('/api/v1/marts/daily-aggregations')).body.page, {
      limit: 50,
      offset: 0,
      total: 0,
    });
    assert.deepEqual((await get('/api/v1/marts/products/top')).body.products, []);
    const segments = (await get('/api/v1/marts/customers/segments')).body.segments as Array<{
      customers: number;
    }>;
    assert.deepEqual(
      segments.map((s) => s.customers),
      [0, 0, 0, 0],
    );
    assert.equal(((await get('/api/v1/sessions')).body.summary as { sessions: number }).sessions, 0);
  });

  it('GET / serves the dashboard page and /docs the OpenAPI UI', async () => {
    const page = await t.app.inject('/');
    assert.ok(page.statusCode === 200 || page.statusCode === 503);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    const ui = await t.app.inject('/docs');
    assert.ok(ui.statusCode < 400);
  });
});

describe('the OpenAPI document', () => {
  it('validates against the OpenAPI 3.1 schema (and the validator rejects a broken copy)', async () => {
    const doc = (await get('/docs/json')).body as Record<string, unknown>;
    const result = await new Validator().validate(doc);
    assert.deepEqual(result, { valid: true });
    const broken = { ...doc, info: { version: 1 } };
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  it('is well-formed: every $ref resolves and every operation documents a 200 response', async () => {
    const doc = (await get('/docs/json')).body as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas?: Record<string, unknown> };
    };
    assert.equal(doc.openapi, '3.1.0');
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice(8, -1).replace('#/components/schemas/', '');
      assert.ok(doc.components.schemas?.[name] !== undefined, `unresolved ${ref}`);
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops))
        assert.ok(op.responses['200'] !== undefined, `${method} ${path} has no 200`);
    }
  });

  it('the jobs routes answer before any run (data: v1-jobs-routes.test.ts)', async () => {
    assert.equal(((await get('/api/v1/jobs')).body.assets as unknown[]).length, 7);
    assert.deepEqual((await get('/api/v1/jobs/dq.suite/runs')).body.runs, []);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/jobs/dq.suite/runs',
      payload: {},
      headers: { 'x-api-key': 'admin-secret' },
    });
    assert.equal(res.statusCode, 202);
  });

  it('every documented route was exercised by this file', async () => {
    const doc = (await get('/docs/json')).body as { paths: Record<string, Record<string, unknown>> };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    assert.ok(documented.length >= 16, `only ${documented.length} routes documented`);
    const missed = documented.filter((r) => !hits.has(r));
    assert.deepEqual(missed, []);
  });
});
