import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { ALERT_EVENTS_DESTINATION, alertOptionsFromConfig } from '../alerts/alert-options.js';
import { writeOutcomes } from '../alerts/alert-writer.js';
import { deliverDue } from '../alerts/webhook-delivery.js';
import { loadConfig } from '../config/index.js';
import { openTestLog } from '../log/embedded/embedded-log-test-kit.js';
import { readAll } from '../log/testing/read-all.js';
import { openPgliteStore } from '../store/pglite/pglite-store.js';
import {
  AlertEventRecord,
  alertEventSender,
  DATA_QUALITY_ALERTS_TOPIC,
} from './data-quality-alerts-topic.js';

const T0 = Date.UTC(2026, 11, 4, 12, 0);
const MIN = 60_000;

test('alert events go through the outbox to ecom.data_quality_alerts.v1: retried on failure, keyed by alert, each event once', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-alert-events-'));
  const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
  const log = await openTestLog(join(dir, 'log'));
  try {
    await store.migrate();
    const options = alertOptionsFromConfig(
      loadConfig({ overrides: { alerts: { publishTopic: true, deliveryBackoffBaseMs: 1000 } } }),
    );
    assert.deepStrictEqual(options.webhooks, [{ url: ALERT_EVENTS_DESTINATION, format: 'event' }]);
    const write = { cooldownMs: 0, webhooks: options.webhooks };
    const fired = await writeOutcomes(
      store,
      [
        {
          kind: 'fire',
          alert: {
            rule: 'ewma',
            metric: 'revenue',
            windowStartMs: T0,
            severity: 'critical',
            value: 9000,
            baseline: 1050,
            zScore: 7.5,
            message: 'revenue 9000 vs 1050',
            details: {},
          },
        },
      ],
      { ...write, nowMs: T0 + MIN },
    );
    assert.equal(fired.raised.length, 1);
    const alertId = fired.raised[0]!;

    let ensured = 0;
    let failures = 1;
    const sender = alertEventSender({
      log: async () => log,
      ensureTopic: async (opened) => {
        ensured++;
        await opened.ensureTopic({ name: DATA_QUALITY_ALERTS_TOPIC, partitions: 2 });
      },
    });
    const sendEvent: typeof sender = async (row) => {
      if (failures-- > 0) throw new Error('the broker is down');
      await sender(row);
    };
    const deliver = (nowMs: number, withSender = true) =>
      deliverDue(store, { ...options.delivery, nowMs, sendEvent: withSender ? sendEvent : undefined });

    // A detector that cannot write the log fails the row (kept, retried), it does not drop it.
    const noLog = await deliver(T0 + MIN, false);
    assert.equal(noLog.length, 1);
    assert.equal(noLog[0]!.ok, false);
    // Then the broker is down once: retried after the backoff, not before.
    assert.equal((await deliver(T0 + MIN + 1_500))[0]!.ok, false);
    assert.deepStrictEqual(await deliver(T0 + MIN + 2_500), [], 'the backoff doubled to 2 s');
    const sent = await deliver(T0 + MIN + 4_000);
    assert.deepStrictEqual(
      sent.map((a) => [a.event, a.webhook, a.ok, a.statusCode]),
      [['raised', ALERT_EVENTS_DESTINATION, true, null]],
    );
    assert.deepStrictEqual(await deliver(T0 + 10 * MIN), [], 'a sent row is not sent again');

    // Resolving the alert sends its second event, on the same key.
    await writeOutcomes(
      store,
      [{ kind: 'ok', rule: 'ewma', metric: 'revenue', windowStartMs: T0 + 5 * MIN }],
      {
        ...write,
        nowMs: T0 + 6 * MIN,
      },
    );
    assert.equal((await deliver(T0 + 6 * MIN)).length, 1);

    const records = await readAll(log, DATA_QUALITY_ALERTS_TOPIC);
    assert.equal(records.length, 2);
    assert.equal(ensured, 1, 'the topic is ensured once per sender');
    assert.equal(new Set(records.map((r) => r.partition)).size, 1, 'one alert, one partition');
    const values = records.map((r) => JSON.parse(r.value.toString()) as AlertEventRecord);
    for (const v of values)
      assert.ok(Value.Check(AlertEventRecord, v), JSON.stringify([...Value.Errors(AlertEventRecord, v)]));
    assert.deepStrictEqual(
      records.map((r, i) => [r.key?.toString(), r.headers, values[i]!.event, values[i]!.alert.status]),
      [
        [alertId, { event: 'raised', dedupe_key: `${alertId}:raised` }, 'raised', 'open'],
        [alertId, { event: 'resolved', dedupe_key: `${alertId}:resolved` }, 'resolved', 'resolved'],
      ],
    );
    assert.equal(values[0]!.alert.value, 9000);
    const deliveries = await store.query<{ ok: boolean; error: string | null }>(
      `SELECT ok, error FROM serving.alert_deliveries ORDER BY id`,
    );
    assert.deepStrictEqual(
      deliveries.map((d) => [d.ok, d.error?.split(':')[0] ?? null]),
      [
        [false, 'no event log to send to'],
        [false, 'the broker is down'],
        [true, null],
        [true, null],
      ],
    );
  } finally {
    await log.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
