import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { CLEAN_TOPIC, QUARANTINE_TOPIC } from '../../src/pipeline/processor/downstream-publisher.js';
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
