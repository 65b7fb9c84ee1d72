import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { openTestApi, type TestApi } from '../testing/open-test-api.js';
import { seedAlert } from '../testing/seed-serving-data.js';

/**
 * A scripted admin session against the API: keys of every role created with expiry, a rotation
 * with its grace period, a revocation, alert acknowledgement, refused attempts. The audit log must
 * hold every action and every refusal, in order, and nothing can change it.
 */
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const GRACE_MS = 60_000;
let nowMs = T0;
let t: TestApi;
const admin = { 'x-api-key': 'root-admin' };

interface Created {
  key: string;
  record: { id: string; role: string; expiresAt: string | null };
}

const send = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: payload ?? {} } : {}) });
const createKey = async (body: object): Promise<Created> =>
  (await send('POST', '/api/v1/admin/keys', admin, body)).json() as Created;
const roleOf = async (key: string): Promise<unknown> =>
  (await send('GET', '/api/v1/session', { 'x-api-key': key })).json();

before(async () => {
  t = await openTestApi(
    { api: { adminKeys: 'root-admin', readAuth: 'key', keyRotationGraceMs: GRACE_MS, rateLimitPerMin: 0 } },
    { now: () => nowMs },
  );
});
after(() => t.close());

describe('audited admin session', () => {
  let operator: Created;
  let viewer: Created;
  let alertId: string;

  it('admin creates keys of each role; each key gets its role, an expired key is refused', async () => {
    operator = await createKey({ name: 'ops-team', role: 'operator' });
    viewer = await createKey({ name: 'wallboard', role: 'viewer', expiresInDays: 1 });
    const analyst = await createKey({ name: 'bi', role: 'analyst' });
    assert.equal(((await roleOf(operator.key)) as { role: string }).role, 'operator');
    assert.equal(((await roleOf(analyst.key)) as { role: string }).role, 'analyst');
    assert.equal(viewer.record.expiresAt, new Date(T0 + 86_400_000).toISOString());
    nowMs = T0 + 86_400_000 + 1;
    assert.equal((await send('GET', '/api/v1/session', { 'x-api-key': viewer.key })).statusCode, 401);
    nowMs = T0 + 1_000;
  });

  it('a viewer may not acknowledge, an operator may; an operator may not manage keys', async () => {
    alertId = await seedAlert(t.store, {
      metric: 'revenue',
      windowStartMs: T0 - 120_000,
      severity: 'critical',
      value: 1,
      baseline: 100,
      zScore: -6,
      createdAtMs: T0,
    });
    const ack = `/api/v1/alerts/${encodeURIComponent(alertId)}/acknowledge`;
    assert.equal((await send('POST', ack, { 'x-api-key': viewer.key })).statusCode, 403);
    assert.equal((await send('POST', ack, {})).statusCode, 401);
    const ok = await send('POST', ack, { 'x-api-key': operator.key });
    assert.equal(ok.statusCode, 200);
    assert.equal(
      (ok.json() as { alert: { acknowledged_by: string } }).alert.acknowledged_by,
      `key:${operator.record.id}`,
    );
    const forbidden = await send(
      'POST',
      '/api/v1/admin/keys',
      { 'x-api-key': operator.key },
      { name: 'x', role: 'admin' },
    );
    assert.equal(forbidden.statusCode, 403);
    assert.equal((await send('GET', '/api/v1/admin/audit', { 'x-api-key': operator.key })).statusCode, 403);
  });

  it('rotation: both keys work during the grace period, then only the new one; revoke is immediate', async () => {
    const rotated = (
      await send('POST', `/api/v1/admin/keys/${operator.record.id}/rotate`, admin)
    ).json() as Created;
    assert.equal(((await roleOf(operator.key)) as { role: string }).role, 'operator');
    assert.equal(((await roleOf(rotated.key)) as { role: string }).role, 'operator');
    nowMs += GRACE_MS + 1;
    assert.equal((await send('GET', '/api/v1/session', { 'x-api-key': operator.key })).statusCode, 401);
    assert.equal(
      (await send('POST', `/api/v1/admin/keys/${rotated.record.id}/revoke`, admin)).statusCode,
      200,
    );
    assert.equal((await send('GET', '/api/v1/session', { 'x-api-key': rotated.key })).statusCode, 401);
    const again = await send('POST', `/api/v1/admin/keys/${rotated.record.id}/rotate`, admin);
    assert.equal(again.statusCode, 400, 'a revoked key cannot be rotated');
  });

  it('the audit log holds every action and refusal, in order, with actor, source and outcome', async () => {
    const res = await send('GET', '/api/v1/admin/audit?limit=100', admin);
    const entries = (res.json() as { entries: Array<Record<string, unknown>> }).entries.reverse();
    const summary = entries.map((e) => `${String(e['action'])} ${String(e['role'])} ${String(e['outcome'])}`);
    assert.deepEqual(summary, [
      'key.create admin ok',
      'key.create admin ok',
      'key.create admin ok',
      'access.denied viewer denied',
      'access.denied anonymous denied',
      'alert.acknowledge operator ok',
      'access.denied operator denied',
      'access.denied operator denied',
      'key.rotate admin ok',
      'key.revoke admin ok',
      'key.rotate admin failed',
    ]);
    assert.ok(entries.every((e) => e['source'] === '127.0.0.1'));
    assert.equal(entries[5]?.['target'], alertId);
    assert.equal(entries[5]?.['actor'], `key:${operator.record.id}`);
    assert.deepEqual(entries[10]?.['details'], { error: 'SHOP_API_BAD_REQUEST' });
  });

  it('nothing changes the audit log: no API route writes it, the table refuses UPDATE and DELETE', async () => {
    const doc = (await send('GET', '/docs/json', {})).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const auditRoutes = Object.entries(doc.paths).filter(([path]) => path.includes('audit'));
    assert.deepEqual(
      auditRoutes.flatMap(([, ops]) => Object.keys(ops)),
      ['get'],
    );
    for (const sql of [
      'UPDATE serving.audit_log SET outcome = $1',
      'DELETE FROM serving.audit_log WHERE outcome <> $1',
    ])
      await assert.rejects(t.store.query(sql, ['ok']), (err: unknown) =>
        isShopError(err, 'SHOP_STORE_PERMISSION_DENIED'),
      );
    await assert.rejects(t.store.query('TRUNCATE serving.audit_log'), (err: unknown) =>
      isShopError(err, 'SHOP_STORE_PERMISSION_DENIED'),
    );
  });
});
