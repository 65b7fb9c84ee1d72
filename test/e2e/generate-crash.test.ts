/**
 * `kill -9` in the middle of `shopstream generate --to log` leaves a log that opens cleanly, with
 * contiguous offsets and no corrupt record; a later generate appends after it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { RAW_TOPIC } from '../../src/log/event-log.js';
import { runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';

interface Stats {
  topics: Array<{
    topic: string;
    records: number;
    partitions: Array<{ firstOffset: number; nextOffset: number; records: number }>;
  }>;
}

test(
  'kill -9 mid-generate: the log reopens cleanly with dense offsets and every record intact',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = await tempDataDir('generate-crash');
    try {
      for (let round = 0; round < 3; round++) {
        const child = spawnCli(['generate', '--count', '3000000', '--to', 'log', '--seed', String(round)], {
          dataDir: dir,
        });
        const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
        await new Promise((r) => setTimeout(r, 4_000 + round * 1_500));
        child.kill('SIGKILL');
        await closed;
      }
      const stats = JSON.parse(await runCliOk(['log', 'stats', '--json'], { dataDir: dir })) as Stats;
      const raw = stats.topics.find((t) => t.topic === RAW_TOPIC)!;
      assert.ok(raw.records > 0 && raw.records < 9_000_000, `${raw.records} records survived three kills`);

      const config = loadConfig({ overrides: { dataDir: dir } });
      const log = await openEmbeddedLog({ ...config.log, dir: join(dir, 'log'), mode: 'write' });
      let total = 0;
      for (const p of (await log.describeTopic(RAW_TOPIC))!.partitions) {
        let expected = p.firstOffset;
        while (expected < p.nextOffset) {
          const records = await log.read(RAW_TOPIC, p.partition, expected, { maxRecords: 50_000 });
          for (const r of records) {
            assert.equal(r.offset, expected, 'contiguous offsets');
            assert.ok(r.value.length > 0, 'no empty record');
            expected += 1;
          }
          total += records.length;
        }
      }
      assert.equal(total, raw.records, 'log stats agrees with what a full read returns');
      await log.close();
      await runCliOk(['generate', '--count', '1000', '--to', 'log'], { dataDir: dir });
      const after = JSON.parse(await runCliOk(['log', 'stats', '--json'], { dataDir: dir })) as Stats;
      assert.equal(after.topics.find((t) => t.topic === RAW_TOPIC)!.records, raw.records + 1000);
    } finally {
      await cleanup();
    }
  },
);
