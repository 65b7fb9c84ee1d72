import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import type { ServingStore } from '../store/serving-store.js';
import { alertId, type AlertCandidate, type RuleOutcome } from './alert-types.js';
import { writeOutcomes } from './alert-writer.js';

const T0 = Date.UTC(2026, 0, 24, 12, 0);
const MIN = 60_000;
const HOOK = { url: 'http://127.0.0.1:9/hook', format: 'json' } as const;

const candidate = (rule: string, metric: string, minute: number): AlertCandidate => ({
  rule,
  metric,
  windowStartMs: T0 + minute * MIN,
  severity: 'critical',
  value: 1,
  baseline: null,
  zScore: null,
  message: `${rule} ${metric} at ${minute}`,
  details: {},
});
const fire = (rule: string, metric: string, minute: number): RuleOutcome => ({
  kind: 'fire',
  alert: candidate(rule, metric, minute),
});
const ok = (rule: string, metric: string, minute: number): RuleOutcome => ({
  kind: 'ok',
  rule,
  metric,
  windowStartMs: T0 + minute * MIN,
});

describe('writeOutcomes: runs of ok outcomes resolve in one statement, in outcome order', () => {
  let dir: string;
  let store: ServingStore;
  const write = (outcomes: RuleOutcome[], nowMinute: number) =>
    writeOutcomes(store, outcomes, { cooldownMs: 0, webhooks: [HOOK], nowMs: T0 + nowMinute * MIN });
  const statusOf = async () =>
    Object.fromEntries(
      (
        await store.query<{ id: string; status: string }>('SELECT id, status FROM serving.alerts ORDER BY id')
      ).map((r) => [r.id, r.status]),
    );
  const resolvedNotifications = async () =>
    (
      await store.query<{ alert_id: string }>(
        `SELECT alert_id FROM serving.alert_outbox WHERE event = 'resolved' ORDER BY alert_id`,
      )
    ).map((r) => r.alert_id);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-writer-'));
    store = await openPgliteStore({ dataDir: dir });
    await store.migrate();
  });
  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves every pair of a run, each alert once with one notification; a fire between runs keeps its place', async () => {
    const raised = await write([fire('z', 'revenue', 1), fire('z', 'aov', 1), fire('t', 'revenue', 2)], 3);
    assert.equal(raised.raised.length, 3);
    // One run of five oks (two for z/revenue: the later window wins; t/revenue at 5 resolves t at 2),
    // then a fire of t/revenue at minute 4, which the earlier ok at 5 must not resolve (outcomes
    // apply in order), and an ok of t/revenue at 3 after it, which does not reach 4.
    const result = await write(
      [
        ok('z', 'revenue', 2),
        ok('z', 'aov', 2),
        ok('t', 'revenue', 5),
        ok('z', 'revenue', 5),
        ok('other', 'revenue', 9),
        fire('t', 'revenue', 4),
        ok('t', 'revenue', 3),
      ],
      6,
    );
    const z1 = alertId('z', 'revenue', T0 + MIN);
    const za = alertId('z', 'aov', T0 + MIN);
    const t2 = alertId('t', 'revenue', T0 + 2 * MIN);
    const t4 = alertId('t', 'revenue', T0 + 4 * MIN);
    assert.deepEqual([...result.resolved].sort(), [t2, za, z1].sort());
    assert.deepEqual(result.raised, [t4]);
    assert.deepEqual(await statusOf(), {
      [t2]: 'resolved',
      [t4]: 'open',
      [za]: 'resolved',
      [z1]: 'resolved',
    });
    assert.deepEqual(await resolvedNotifications(), [t2, za, z1].sort());
    // The same oks again: nothing left to resolve, no second notification.
    const again = await write([ok('z', 'revenue', 5), ok('z', 'aov', 2)], 7);
    assert.deepEqual(again.resolved, []);
    assert.deepEqual(await resolvedNotifications(), [t2, za, z1].sort());
    // An ok after the fire (same run order as the detector's) resolves it.
    const later = await write([fire('t', 'revenue', 4), ok('t', 'revenue', 5)], 8);
    assert.deepEqual(later.resolved, [t4]);
  });
});
