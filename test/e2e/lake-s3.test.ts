/**
 * The lake on an S3 server (moto, `scripts/moto.sh`): the same log processed into a local lake and
 * into a lake in a bucket gives the same KPIs and the same lake; delta-rs reads the tables on the
 * bucket at the latest and at an older version; `lake sql` answers after the local cache folder is
 * deleted (the data lives in the bucket); history, optimize and vacuum work on the bucket.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readWithDeltaRs } from '../../src/lake/delta/testing/delta-rs-reader.js';
import { jsonLines, runCliOk, tempDataDir } from '../helpers/cli.js';
import { createTestBucket, type TestBucket } from '../helpers/s3.js';

/** Small flushes: many commits and small files, so time travel and optimize have work. */
const PROCESS_ENV = {
  SHOPSTREAM_LOG_PARTITIONS: '2',
  SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '2000',
  SHOPSTREAM_LAKE_FLUSH_MAX_BYTES: '400000',
};
const LAKE_SUMMARY = `SELECT
  (SELECT count(*) FROM bronze) AS bronze,
  (SELECT count(DISTINCT (partition, "offset")) FROM bronze) AS bronze_distinct,
  (SELECT count(*) FROM silver) AS silver,
  (SELECT count(DISTINCT event_id) FROM silver) AS silver_distinct,
  (SELECT round(sum(coalesce(price, 0) * coalesce(quantity, 1)), 2) FROM silver) AS silver_amount,
  (SELECT count(*) FROM quarantine) AS quarantine`;

describe('the lake on an S3 server', () => {
  let local: { dir: string; cleanup: () => Promise<void> };
  let remote: { dir: string; cleanup: () => Promise<void> };
  let bucket: TestBucket;
  let s3Env: Record<string, string>;
  const summary = async (dataDir: string, env: Record<string, string>) =>
    jsonLines(await runCliOk(['lake', 'sql', LAKE_SUMMARY], { dataDir, env }))[0]!;

  before(async () => {
    bucket = await createTestBucket('lake');
    s3Env = { ...PROCESS_ENV, ...bucket.lakeEnv };
    local = await tempDataDir('lake-local');
    remote = await tempDataDir('lake-s3');
    const generate = [
      'generate',
      '--count',
      '30000',
      '--seed',
      '11',
      '--start-time',
      '2026-03-02T10:00:00Z',
      '--to',
      'log',
    ];
    for (const [dir, env] of [
      [local.dir, PROCESS_ENV],
      [remote.dir, s3Env],
    ] as const) {
      await runCliOk(generate, { dataDir: dir, env });
      await runCliOk(['process', '--once'], { dataDir: dir, env });
    }
  });
  after(async () => {
    await Promise.allSettled([local?.cleanup(), remote?.cleanup(), bucket?.drop()]);
  });

  it('gives the same KPIs and the same lake as a local lake', async () => {
    const kpis = ['kpis', '--grain', 'minute', '--json'];
    assert.equal(
      await runCliOk(kpis, { dataDir: remote.dir, env: s3Env }),
      await runCliOk(kpis, { dataDir: local.dir, env: PROCESS_ENV }),
    );
    const want = await summary(local.dir, PROCESS_ENV);
    assert.ok(Number(want['bronze']) >= 30_000 && Number(want['silver']) > 0);
    assert.deepEqual(await summary(remote.dir, s3Env), want);
  });

  it('keeps the data in the bucket: lake sql answers the same after the local cache is deleted', async () => {
    const want = await summary(remote.dir, s3Env);
    await rm(join(remote.dir, 'lake'), { recursive: true, force: true });
    assert.deepEqual(await summary(remote.dir, s3Env), want);
  });

  it('is read by delta-rs on the bucket, at the latest and at an older version', async () => {
    const want = await summary(remote.dir, s3Env);
    const silver = await readWithDeltaRs(`${bucket.url}/silver`, {
      storageOptions: bucket.deltaRsOptions,
      distinct: ['event_id'],
    });
    assert.equal(silver.rows, Number(want['silver']));
    assert.equal(silver.distinct['event_id'], Number(want['silver_distinct']));
    const bronze = await readWithDeltaRs(`${bucket.url}/bronze`, { storageOptions: bucket.deltaRsOptions });
    assert.equal(bronze.rows, Number(want['bronze']));
    assert.ok(silver.version >= 3, `several commits (${silver.version})`);
    const older = silver.version - 2;
    const then = await readWithDeltaRs(`${bucket.url}/silver`, {
      storageOptions: bucket.deltaRsOptions,
      version: older,
    });
    const [ours] = jsonLines(
      await runCliOk(
        ['lake', 'sql', 'SELECT count(*) AS n FROM silver', '--as-of-version', `silver=${older}`],
        {
          dataDir: remote.dir,
          env: s3Env,
        },
      ),
    );
    assert.equal(Number(ours!['n']), then.rows, 'time travel on the bucket agrees with delta-rs');
    assert.ok(then.rows < silver.rows);
  });

  it('runs history, optimize and vacuum on the bucket without changing a count', async () => {
    const want = await summary(remote.dir, s3Env);
    const history = jsonLines(
      await runCliOk(['lake', 'history', 'silver', '--limit', '3'], { dataDir: remote.dir, env: s3Env }),
    );
    assert.equal(history.length, 3);
    const before = await readWithDeltaRs(`${bucket.url}/silver`, { storageOptions: bucket.deltaRsOptions });
    const [optimized] = jsonLines(await runCliOk(['lake', 'optimize'], { dataDir: remote.dir, env: s3Env }));
    assert.ok(Number(optimized!['merged']) > 0, JSON.stringify(optimized));
    const afterOptimize = await readWithDeltaRs(`${bucket.url}/silver`, {
      storageOptions: bucket.deltaRsOptions,
    });
    assert.ok(afterOptimize.files < before.files, `${before.files} -> ${afterOptimize.files} files`);
    assert.equal(afterOptimize.rows, before.rows);
    const vacuum = jsonLines(
      await runCliOk(['lake', 'vacuum', '--dry-run'], { dataDir: remote.dir, env: s3Env }),
    );
    assert.equal(vacuum.length, 3, 'one line per table');
    for (const v of vacuum) assert.equal(v['deleted'], 0, 'everything removed is inside the retention');
    assert.deepEqual(await summary(remote.dir, s3Env), want);
  });
});
