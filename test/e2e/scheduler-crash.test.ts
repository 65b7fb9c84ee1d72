/**
 * The scheduler under kill -9 (issue 16): three days of traffic are processed, then
 * `run --role scheduler` builds the marts of each day (the "Silver day changed" sensor) and is
 * killed with SIGKILL three times while an attempt is running, restarted each time, and finally
 * left to finish. Afterwards, on the embedded serving DB:
 * - every Silver day has exactly one succeeded `marts.daily` run (idempotent per partition);
 * - every killed attempt is a `crashed` row (SHOP_JOBS_ATTEMPT_LOST) and no row is `running`;
 * - the marts hold each day once: mart.partitions row counts equal the rows in the mart table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openLake, queryLake } from '../../src/lake/index.js';
import { openServingStore } from '../../src/store/index.js';
import { loadConfig } from '../../src/config/index.js';
import { runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';

const KILLS = 3;
const ENV = {
  SHOPSTREAM_SCHEDULER_LEASE_MS: '1500',
  SHOPSTREAM_SCHEDULER_HEARTBEAT_MS: '300',
  SHOPSTREAM_SCHEDULER_TICK_MS: '100',
  SHOPSTREAM_SCHEDULER_CONCURRENCY: '1',
  SHOPSTREAM_SCHEDULER_SILVER_OBSERVE_INTERVAL_MS: '200',
  SHOPSTREAM_SCHEDULER_RETRY_BACKOFF_BASE_MS: '200',
  SHOPSTREAM_SCHEDULER_MARTS_MAX_ATTEMPTS: '6',
  SHOPSTREAM_DQ_INTERVAL_MS: '0',
  SHOPSTREAM_LAKE_COMPACT_INTERVAL_MS: '0',
  SHOPSTREAM_LOG_PARTITIONS: '2',
};

/** One life of the scheduler: `until` decides from its stderr when to stop it, and how. */
async function life(
  dataDir: string,
  until: (stderr: string) => 'kill' | 'stop' | null,
  limitMs: number,
): Promise<string> {
  const child = spawnCli(['run', '--role', 'scheduler'], { dataDir, env: ENV });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdout!.resume();
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const started = Date.now();
  for (;;) {
    const verdict = until(stderr);
    if (verdict !== null || Date.now() - started > limitMs) {
      child.kill(verdict === 'kill' ? 'SIGKILL' : 'SIGTERM');
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await closed;
  return stderr;
}

const count = (text: string, msg: string) =>
  text.split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).length;

test('kill -9 of the scheduler mid-run, three times: every day materialised exactly once, nothing left running', async () => {
  const tmp = await tempDataDir('sched-crash');
  try {
    await runCliOk(
      [
        'generate',
        '--count',
        '6000',
        '--rate',
        '0.025',
        '--start-time',
        '2026-03-01T00:00:00Z',
        '--mode',
        'batch',
        '--to',
        'log',
        '--late-pct',
        '0',
      ],
      { dataDir: tmp.dir, env: ENV },
    );
    await runCliOk(['process', '--once'], { dataDir: tmp.dir, env: ENV });
    for (let k = 0; k < KILLS; k++) {
      let seenAt = 0;
      await life(
        tmp.dir,
        (stderr) => {
          if (seenAt === 0 && count(stderr, 'attempt started') > 0) seenAt = Date.now();
          return seenAt > 0 && Date.now() - seenAt > 100 + k * 150 ? 'kill' : null;
        },
        60_000,
      );
    }
    let quietSince = Date.now();
    let seen = 0;
    const last = await life(
      tmp.dir,
      (stderr) => {
        const n = stderr.length;
        if (n !== seen) [seen, quietSince] = [n, Date.now()];
        const busy =
          count(stderr, 'attempt started') >
          count(stderr, 'attempt succeeded') + count(stderr, 'attempt failed');
        return !busy && count(stderr, 'attempt succeeded') > 0 && Date.now() - quietSince > 3_000
          ? 'stop'
          : null;
      },
      90_000,
    );
    assert.ok(count(last, 'attempt succeeded') > 0, last.slice(-2000));

    const config = loadConfig({ overrides: { dataDir: tmp.dir } });
    const lake = await openLake({ dir: join(tmp.dir, 'lake'), fsync: false, readOnly: true });
    const days = (
      await queryLake(lake, 'SELECT DISTINCT CAST(event_date AS VARCHAR) AS d FROM silver ORDER BY 1')
    ).map((r) => String(r['d']));
    await lake.close();
    const store = await openServingStore({ ...config.store, dataDir: tmp.dir });
    try {
      const runs = await store.query<{ partition_key: string; status: string; error_code: string | null }>(
        `SELECT partition_key, status, error_code FROM serving.pipeline_execution_logs WHERE asset = 'marts.daily' ORDER BY started_at`,
      );
      assert.ok(days.length >= 3, `days ${days.join(',')}`);
      for (const d of days)
        assert.equal(
          runs.filter((r) => r.partition_key === d && r.status === 'succeeded').length,
          1,
          `${d}: ${JSON.stringify(runs)}`,
        );
      assert.equal(runs.filter((r) => r.status === 'running').length, 0);
      const crashed = runs.filter((r) => r.status === 'crashed');
      assert.equal(crashed.length, KILLS, JSON.stringify(runs));
      assert.ok(crashed.every((r) => r.error_code === 'SHOP_JOBS_ATTEMPT_LOST'));
      const parts = await store.query<{ partition_key: string; row_count: number }>(
        `SELECT partition_key, row_count FROM mart.partitions WHERE model = 'daily_aggregations' ORDER BY 1`,
      );
      assert.deepEqual(
        parts.map((p) => p.partition_key),
        days,
      );
      for (const p of parts) {
        const n = await store.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM mart.daily_aggregations WHERE date = $1::date',
          [p.partition_key],
        );
        assert.equal(n[0]!.n, Number(p.row_count), `daily_aggregations ${p.partition_key}`);
      }
    } finally {
      await store.close();
    }
  } finally {
    await tmp.cleanup();
  }
});
