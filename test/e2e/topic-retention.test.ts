import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { Admin } from '@platformatic/kafka';
import { ensureProcessedTopics, openEventLog } from '../../src/cli/open-event-log.js';
import { loadConfig } from '../../src/config/index.js';
import { runCliOk, tempDataDir } from '../helpers/cli.js';
import { deleteTestTopics, openTestKafkaLog, uniqueTopic } from '../helpers/kafka.js';

/**
 * Per-topic retention at creation: raw topics get log.retentionMs (7 days), processed topics
 * log.processedRetentionMs (30 days), on Kafka (retention.ms read back with DescribeConfigs) and on
 * the embedded log (its topic.json, which drives segment deletion).
 */
const DAY_MS = 86_400_000;

test('Kafka: raw topics 7 days, processed topics 30 days by default; both configurable', async () => {
  const { log, brokers, cleanup } = await openTestKafkaLog();
  const raw = uniqueTopic('raw-retention');
  const clean = uniqueTopic('clean-retention');
  const custom = uniqueTopic('custom-retention');
  const data = await tempDataDir('retention');
  const admin = new Admin({ clientId: 'retention-test', bootstrapBrokers: brokers });
  try {
    await runCliOk(['topics', 'create', raw], {
      dataDir: data.dir,
      env: { SHOPSTREAM_LOG_BROKERS: brokers.join(',') },
    });
    await ensureProcessedTopics(log, loadConfig({}), [clean]);
    await ensureProcessedTopics(
      log,
      loadConfig({ overrides: { log: { processedRetentionMs: 3 * DAY_MS } } }),
      [custom],
    );
    const described = await admin.describeConfigs({
      resources: [raw, clean, custom].map((name) => ({
        resourceType: 2,
        resourceName: name,
        configurationKeys: ['retention.ms'],
      })),
    });
    const retention = Object.fromEntries(
      described.map((d) => [d.resourceName, Number(d.configs.find((c) => c.name === 'retention.ms')?.value)]),
    );
    assert.deepEqual(retention, { [raw]: 7 * DAY_MS, [clean]: 30 * DAY_MS, [custom]: 3 * DAY_MS });
  } finally {
    await admin.close();
    await deleteTestTopics(brokers, [raw]);
    await cleanup();
    await data.cleanup();
  }
});

test('embedded log: the same retention per topic, kept in topic.json', async () => {
  const data = await tempDataDir('retention-embedded');
  try {
    await runCliOk(['topics', 'create'], { dataDir: data.dir });
    const config = loadConfig({ overrides: { dataDir: data.dir } });
    const log = await openEventLog(config, { mode: 'write' });
    await ensureProcessedTopics(log, config, ['ecom.events.clean.v1']);
    await log.close();
    const spec = async (topic: string) =>
      JSON.parse(await readFile(join(data.dir, 'log', 'topics', topic, 'topic.json'), 'utf8')) as {
        retentionMs: number;
      };
    assert.equal((await spec('ecom.events.raw.v1')).retentionMs, 7 * DAY_MS);
    assert.equal((await spec('ecom.events.clean.v1')).retentionMs, 30 * DAY_MS);
  } finally {
    await data.cleanup();
  }
});
