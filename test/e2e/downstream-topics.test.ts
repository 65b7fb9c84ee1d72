import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { Value } from '@sinclair/typebox/value';
import {
  DAILY_AGGREGATIONS_TOPIC,
  DailyAggregationRecord,
  dailyAggregationKey,
} from '../../src/downstream/daily-aggregations-topic.js';
import {
  AlertEventRecord,
  DATA_QUALITY_ALERTS_TOPIC,
} from '../../src/downstream/data-quality-alerts-topic.js';
import { CLEAN_TOPIC, QUARANTINE_TOPIC } from '../../src/pipeline/processor/downstream-publisher.js';
import { openPgliteStore } from '../../src/store/pglite/pglite-store.js';
import { REPO_ROOT, jsonLines, runCliOk, startCli, tempDataDir } from '../helpers/cli.js';

test('with processor.publishDownstream, committed Silver and quarantine rows reach the downstream topics', async () => {
  const { dir, cleanup } = await tempDataDir('downstream');
  try {
    const cases = jsonLines<{ event: unknown; expected: string; expected_reasons: string }>(
      readFileSync(join(REPO_ROOT, 'test/fixtures/contract/reference-contract-examples.jsonl'), 'utf8'),
    );
    const file = join(dir, 'ref.ndjson');
    writeFileSync(file, cases.map((c) => JSON.stringify(c.event)).join('\n') + '\n');
    await runCliOk(['import', file], { dataDir: dir });
    await runCliOk(['process', '--once'], {
      dataDir: dir,
      env: { SHOPSTREAM_PROCESSOR_PUBLISH_DOWNSTREAM: 'true' },
    });

    const config = loadConfig({ overrides: { dataDir: dir } });
    const log = await openEmbeddedLog({ ...config.log, dir: join(dir, 'log'), mode: 'read' });
    const clean = await readAll(log, CLEAN_TOPIC);
    const quarantined = await readAll(log, QUARANTINE_TOPIC);
    await log.close();

    const validIds = cases
      .filter((c) => c.expected === 'silver')
      .map((c) => (c.event as { event_id: string }).event_id);
    assert.deepEqual(
      clean.map((r) => (JSON.parse(r.value.toString()) as { event_id: string }).event_id).sort(),
      [...validIds].sort(),
    );
    const reasons = quarantined.map((r) => r.headers?.['reasons']).sort();
    assert.deepEqual(
      reasons,
      cases
        .filter((c) => c.expected === 'quarantine')
        .map((c) => c.expected_reasons)
        .sort(),
    );
    for (const r of [...clean, ...quarantined])
      assert.ok(r.headers?.['source_offset'] !== undefined, 'lineage header');
  } finally {
    await cleanup();
  }
});

test('with marts.publishTopic, `marts build` sends every daily_aggregations row to its topic, and a second build nothing', async () => {
  const { dir, cleanup } = await tempDataDir('daily-topic');
  try {
    const env = { SHOPSTREAM_MARTS_PUBLISH_TOPIC: 'true' };
    await runCliOk(
      [
        'generate',
        '--count',
        '3000',
        '--mode',
        'batch',
        '--rate',
        '0.05',
        '--start-time',
        '2026-01-05T22:00:00Z',
        '--to',
        'log',
      ],
      { dataDir: dir },
    );
    await runCliOk(['process', '--once'], { dataDir: dir });
    const build = JSON.parse(await runCliOk(['marts', 'build', '--json'], { dataDir: dir, env })) as {
      buildId: string;
      status: string;
    };
    assert.equal(build.status, 'ok');
    await runCliOk(['marts', 'build', '--json'], { dataDir: dir, env });

    const config = loadConfig({ overrides: { dataDir: dir } });
    const log = await openEmbeddedLog({ ...config.log, dir: join(dir, 'log'), mode: 'read' });
    const sent = await readAll(log, DAILY_AGGREGATIONS_TOPIC);
    await log.close();
    const store = await openPgliteStore({ dataDir: join(dir, 'serving') });
    const mart = await store.query<{
      date: string;
      category: string;
      event_type: string;
      total_events: number;
    }>(`SELECT date::text AS date, category, event_type, total_events FROM mart.daily_aggregations`);
    await store.close();
    assert.ok(new Set(mart.map((r) => r.date)).size >= 2, 'the generated traffic spans two days');
    assert.equal(sent.length, mart.length, 'one record per row, none from the second (unchanged) build');
    const byKey = new Map(
      sent.map((r) => [r.key!.toString(), JSON.parse(r.value.toString()) as DailyAggregationRecord]),
    );
    for (const row of mart) {
      const got = byKey.get(dailyAggregationKey(row));
      assert.ok(got !== undefined && Value.Check(DailyAggregationRecord, got), dailyAggregationKey(row));
      assert.equal(got.total_events, Number(row.total_events));
    }
    assert.ok(sent.every((r) => r.headers?.['build_id'] === build.buildId));
  } finally {
    await cleanup();
  }
});

test(
  'with alerts.publishTopic, `start` sends each raised alert to ecom.data_quality_alerts.v1 through the outbox',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = await tempDataDir('alerts-topic');
    const env = {
      SHOPSTREAM_API_PORT: '0',
      SHOPSTREAM_SIMULATOR_BACKFILL_MINUTES: '0',
      SHOPSTREAM_ALERTS_PUBLISH_TOPIC: 'true',
      SHOPSTREAM_ALERTS_THRESHOLDS: 'events_total>0:critical',
      SHOPSTREAM_ALERTS_INTERVAL_MS: '500',
    };
    try {
      // Ten minutes of traffic ending now: completed minute windows the threshold rule scores.
      const startTime = new Date(Date.now() - 10 * 60_000).toISOString();
      await runCliOk(
        [
          'generate',
          '--count',
          '3000',
          '--rate',
          '5',
          '--mode',
          'batch',
          '--start-time',
          startTime,
          '--to',
          'log',
        ],
        { dataDir: dir },
      );
      const started = await startCli(['--no-simulator'], { dataDir: dir, env });
      const { base } = started;
      let alerts: Array<{ id: string; rule: string; severity: string }> = [];
      let exitCode: number | null;
      try {
        for (let i = 0; i < 300 && alerts.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 200));
          const body = (await (await fetch(`${base}/alerts/latest?limit=50`)).json()) as {
            alerts: typeof alerts;
          };
          alerts = body.alerts.filter((a) => a.rule.startsWith('threshold'));
        }
        assert.ok(alerts.length > 0, 'the threshold rule raised an alert');
        // The delivery pass runs on the detector's interval; give it a few.
        await new Promise((r) => setTimeout(r, 3_000));
      } finally {
        exitCode = await started.stop();
      }
      assert.equal(exitCode, 0, 'start stopped cleanly');

      const config = loadConfig({ overrides: { dataDir: dir } });
      const log = await openEmbeddedLog({ ...config.log, dir: join(dir, 'log'), mode: 'read' });
      const sent = await readAll(log, DATA_QUALITY_ALERTS_TOPIC);
      await log.close();
      const raised = new Map(
        sent
          .filter((r) => r.headers?.['event'] === 'raised')
          .map((r) => [r.key!.toString(), JSON.parse(r.value.toString()) as AlertEventRecord]),
      );
      for (const a of alerts) {
        const got = raised.get(a.id);
        assert.ok(got !== undefined, `alert ${a.id} (${a.rule}) was sent`);
        assert.ok(Value.Check(AlertEventRecord, got), JSON.stringify(got));
        assert.equal(got.alert.id, a.id);
        assert.equal(got.alert.severity, 'critical');
        assert.equal(got.dedupe_key, `${a.id}:raised`);
      }
    } finally {
      await cleanup();
    }
  },
);
