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
import { CLEAN_TOPIC, QUARANTINE_TOPIC } from '../../src/pipeline/processor/downstream-publisher.js';
import { openPgliteStore } from '../../src/store/pglite/pglite-store.js';
import { REPO_ROOT, jsonLines, runCliOk, tempDataDir } from '../helpers/cli.js';

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
