/**
 * Streaming-vs-batch reconciliation (`shopstream reconcile`): after a run with invalid, duplicate,
 * late (some beyond the watermark) and out-of-order events and two kill -9 of the processor, every
 * KPI of every settled minute in Gold equals the recompute from Silver; after one deliberately
 * corrupted Gold value it reports exactly that minute and metric, and exits 1; likewise for one
 * corrupted value of a dimension breakdown (kpi_dim_counts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { RAW_TOPIC } from '../../src/log/event-log.js';
import {
  createSimulator,
  DEFAULT_SIMULATOR_OPTIONS,
  eventLogSink,
  runSimulation,
} from '../../src/sources/simulator/index.js';
import { openServingStore } from '../../src/store/index.js';
import { explainKpiMinute, goldMinute } from '../../src/api/queries/kpi-explain.js';
import { openLake } from '../../src/lake/index.js';
import { runCli, runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';

const EVENTS = 40_000;
const ENV = { SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '2000', SHOPSTREAM_LOG_PARTITIONS: '2' };

interface Report {
  runId: string;
  alertId?: string;
  diagnosis?: string;
  windowsChecked: number;
  valuesChecked: number;
  dimensionValuesChecked: number;
  fromMs: number;
  toMs: number;
  mismatches: Array<{ windowStart: string; metric: string; streaming: number; batch: number | null }>;
  silverVersion: number | null;
}

async function writeTraffic(dataDir: string): Promise<number> {
  const config = loadConfig({ overrides: { dataDir } });
  const log = await openEmbeddedLog({ ...config.log, dir: join(dataDir, 'log'), mode: 'write' });
  await log.ensureTopic({ name: RAW_TOPIC, partitions: 2 });
  // ~2.2 h of event time: the minutes more than the 1 h watermark behind the end are settled.
  const sim = createSimulator({
    ...DEFAULT_SIMULATOR_OPTIONS,
    seed: 11,
    count: EVENTS,
    ratePerSec: 5,
    startTimeMs: Date.UTC(2026, 3, 4, 9),
    invalidPct: 2,
    duplicatePct: 1,
    latePct: 1,
    lateMaxMs: 2 * 3_600_000,
    outOfOrderPct: 1,
  });
  try {
    return (await runSimulation(sim, eventLogSink(log), { batchSize: 10_000, idleWaitMs: 10 })).written;
  } finally {
    await log.close();
  }
}

async function killAfterFirstCommit(dataDir: string): Promise<void> {
  const child = spawnCli(['process'], { dataDir, env: ENV });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for (let i = 0; i < 1200 && !stderr.includes('"progress"'); i++)
    await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGKILL');
  await closed;
}

async function reconcile(
  dataDir: string,
  ...args: string[]
): Promise<{ code: number | null; report: Report }> {
  const r = await runCli(['reconcile', '--json', ...args], { dataDir, env: ENV });
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

/**
 * The explain answer of sampled settled minutes: its formula over its inputs is the Gold value;
 * the listed events add up to it (count, revenue); each is at its log offset; Silver plus the
 * excluded records are every log record of the minute.
 */
async function checkExplain(dataDir: string, report: Report): Promise<void> {
  const config = loadConfig({ overrides: { dataDir } });
  const store = await openServingStore({ ...config.store, dataDir });
  const lake = await openLake({ dir: join(dataDir, 'lake'), fsync: false, readOnly: true });
  const log = await openEmbeddedLog({ ...config.log, dir: join(dataDir, 'log'), mode: 'read' });
  try {
    let excludedSeen = 0;
    for (let i = 0; i < 6; i++) {
      // Six settled minutes spread over the last ~40 minutes before the horizon.
      const windowStartMs = report.toMs - (i + 1) * 7 * 60_000;
      for (const metric of ['events_total', 'revenue', 'add_to_cart_rate'] as const) {
        const gold = await goldMinute(store, windowStartMs, metric);
        const x = await explainKpiMinute(lake, {
          metric,
          windowStartMs,
          limit: 1000,
          offset: 0,
        });
        assert.equal(gold.finalized, true);
        assert.ok(
          Math.abs((gold.value ?? 0) - x.recomputed) < 0.005,
          `${metric}: ${gold.value} vs ${x.recomputed}`,
        );
        assert.equal(x.events.items.length, x.events.total, 'one page holds the minute');
        if (metric === 'events_total') {
          assert.equal(x.events.total, gold.value);
          for (const e of x.events.items) {
            const [record] = await log.read(RAW_TOPIC, e.partition, e.offset, {
              maxRecords: 1,
              maxWaitMs: 0,
            });
            assert.ok(record !== undefined && record.offset === e.offset);
            assert.equal((JSON.parse(record.value.toString()) as { event_id: string }).event_id, e.eventId);
            assert.match(e.file, /\.parquet$/);
          }
          excludedSeen += x.excluded.items.length;
          assert.ok(
            x.excluded.items.every((r) => r.reasons.length > 0 && !r.reasons.includes('unknown')),
            `every excluded record has its reason: ${JSON.stringify(x.excluded.byReason)}`,
          );
        }
        if (metric === 'revenue') {
          const sum = x.events.items.reduce((n, e) => n + (e.price ?? 0) * (e.quantity ?? 0), 0);
          assert.ok(Math.abs(sum - (gold.value ?? 0)) < 0.005, `revenue ${sum} vs ${gold.value}`);
          assert.ok(x.events.items.every((e) => e.eventType === 'purchase'));
        }
      }
    }
    assert.ok(excludedSeen > 0, 'the sampled minutes had quarantined or duplicate records');
  } finally {
    await Promise.allSettled([log.close(), lake.close(), store.close()]);
  }
}

test(
  'reconcile: zero mismatches after a faulty run with kill -9; one corrupted Gold value is found exactly',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = await tempDataDir('reconcile');
    try {
      const records = await writeTraffic(dir);
      await killAfterFirstCommit(dir);
      const mid = JSON.parse(await runCliOk(['status', '--json'], { dataDir: dir, env: ENV })) as {
        totals: { recordsRead: number };
      };
      assert.ok(mid.totals.recordsRead > 0 && mid.totals.recordsRead < records, 'killed mid-run');
      await killAfterFirstCommit(dir);
      await runCliOk(['process', '--once'], { dataDir: dir, env: ENV });

      const clean = await reconcile(dir);
      assert.equal(clean.code, 0, JSON.stringify(clean.report.mismatches.slice(0, 5)));
      assert.deepEqual(clean.report.mismatches, []);
      // Both recomputes read one Silver version, the latest, and the run names it.
      const readLake = await openLake({ dir: join(dir, 'lake'), fsync: false, readOnly: true });
      const latestSilver = (await readLake.files.snapshot('silver'))!.version;
      await readLake.close();
      assert.ok(latestSilver >= 1);
      assert.equal(clean.report.silverVersion, latestSilver);
      assert.ok(clean.report.windowsChecked >= 60, `${clean.report.windowsChecked} settled minutes checked`);
      // Every KPI of every minute, and the breakdowns (channel, category, store) beside them.
      assert.ok(clean.report.dimensionValuesChecked > clean.report.windowsChecked * 10);
      assert.equal(
        clean.report.valuesChecked,
        clean.report.windowsChecked * 10 + clean.report.dimensionValuesChecked,
      );

      await checkExplain(dir, clean.report);

      // The CLI gives the route's answer without a server: Gold's value, equal to the recompute.
      const minute = new Date(clean.report.toMs - 10 * 60_000).toISOString();
      const cli = JSON.parse(
        await runCliOk(['kpis', 'explain', '--metric', 'revenue', '--window-start', minute, '--json'], {
          dataDir: dir,
          env: ENV,
        }),
      ) as {
        value: number;
        recomputed: number;
        finalized: boolean;
        commits: {
          count: number;
          finalizedAt: string | null;
          items: {
            revision: number;
            ranges: { partition: number; fromOffset: number; toOffset: number }[];
          }[];
        };
        events: { total: number; items: { partition: number; offset: number }[] };
      };
      assert.equal(cli.finalized, true);
      assert.ok(cli.commits.count >= 1 && cli.commits.finalizedAt !== null, JSON.stringify(cli.commits));
      // Every commit is listed (revisions 1..count: the killed runs' transactions left none), and
      // every listed event lies in exactly one of their log ranges.
      assert.deepEqual(
        cli.commits.items.map((c) => c.revision),
        Array.from({ length: cli.commits.count }, (_, i) => i + 1),
      );
      assert.ok(cli.events.items.length > 0);
      for (const e of cli.events.items) {
        const holding = cli.commits.items.filter((c) =>
          c.ranges.some(
            (r) => r.partition === e.partition && r.fromOffset <= e.offset && e.offset < r.toOffset,
          ),
        );
        assert.equal(holding.length, 1, `event p${e.partition}@${e.offset} in ${holding.length} commits`);
      }
      assert.ok(cli.events.total > 0 && Math.abs(cli.value - cli.recomputed) < 0.005, JSON.stringify(cli));
      const text = await runCliOk(['kpis', 'explain', '--metric', 'events_total', '--window-start', minute], {
        dataDir: dir,
        env: ENV,
      });
      assert.match(text, /^events_total for the minute .*\(finalised\)\nformula: /);
      assert.match(text, /recomputed: \d+ \(equal\)/);
      assert.match(
        text,
        /\nprocessor commits: [1-9]\d*, first \S+, last \S+, finalised \S+\n {2}#1 {2}\S+ {2}\S+ {2}p\d+\[\d+, \d+\) epoch \d+/,
      );
      assert.match(text, / p\d+@\d+ /);
      const bad = await runCli(['kpis', 'explain', '--metric', 'nope', '--window-start', minute], {
        dataDir: dir,
        env: ENV,
      });
      assert.equal(bad.code, 2, 'a bad argument exits 2');
      assert.match(bad.stderr, /--metric must be one of/);

      // Test-only SQL: one Gold value off by one event.
      const config = loadConfig({ overrides: { dataDir: dir } });
      const store = await openServingStore({ ...config.store, dataDir: dir });
      const window = new Date(Date.UTC(2026, 3, 4, 9, 30)).toISOString();
      try {
        const [row] = await store.query<{ value: number }>(
          `UPDATE serving.kpi_minute SET value = value + 1
           WHERE window_start = (SELECT min(window_start) FROM serving.kpi_minute WHERE window_start >= $1::timestamptz)
             AND metric = 'events_click' RETURNING value`,
          [window],
        );
        assert.ok(row !== undefined, 'a Gold row was changed');
      } finally {
        await store.close();
      }
      const corrupted = await reconcile(dir);
      assert.equal(corrupted.code, 1, 'a mismatch exits 1');
      assert.equal(corrupted.report.mismatches.length, 1, JSON.stringify(corrupted.report.mismatches));
      const [m] = corrupted.report.mismatches;
      assert.equal(m!.metric, 'events_click');
      assert.ok(
        m!.windowStart >= window && Date.parse(m!.windowStart) < Date.parse(window) + 3_600_000,
        `${m!.windowStart} vs ${window}`,
      );
      assert.equal(m!.streaming - (m!.batch ?? 0), 1);
      assert.match(corrupted.report.diagnosis ?? '', /Gold counts more than Silver/);
      assert.ok(corrupted.report.alertId !== undefined, 'the mismatch raised an alert');

      // Checked again: the same finding, no second alert; both runs recorded.
      const again = await reconcile(dir);
      assert.equal(again.code, 1);
      assert.equal(again.report.alertId, undefined, 'no second alert for the same finding');
      const reopened = await openServingStore({ ...config.store, dataDir: dir });
      try {
        const alerts = await reopened.query<{ severity: string; message: string }>(
          `SELECT severity, message FROM serving.alerts WHERE rule = 'reconciliation_mismatch'`,
        );
        assert.equal(alerts.length, 1);
        assert.equal(alerts[0]!.severity, 'critical');
        assert.match(alerts[0]!.message, /events_click/);
        const runs = await reopened.query<{
          mismatch_count: number;
          alert_id: string | null;
          silver_version: number;
        }>(
          `SELECT mismatch_count, alert_id, silver_version::float8 AS silver_version
             FROM serving.reconciliation_runs ORDER BY finished_at`,
        );
        assert.deepEqual(
          runs.map((r) => [r.mismatch_count, r.alert_id !== null, r.silver_version]),
          [
            [0, false, latestSilver],
            [1, true, latestSilver],
            [1, false, latestSilver],
          ],
        );
      } finally {
        await reopened.close();
      }

      // Test-only SQL: the Gold row undone, one breakdown value off instead (revenue of one store).
      const fix = await openServingStore({ ...config.store, dataDir: dir });
      let changed: { window_start: Date; dim_value: string } | undefined;
      try {
        await fix.query(
          `UPDATE serving.kpi_minute SET value = value - 1
           WHERE window_start = (SELECT min(window_start) FROM serving.kpi_minute WHERE window_start >= $1::timestamptz)
             AND metric = 'events_click'`,
          [window],
        );
        [changed] = await fix.query<{ window_start: Date; dim_value: string }>(
          `UPDATE serving.kpi_dim_counts SET value = value + 2.5
           WHERE (window_start, dimension, dim_value, counter) = (
             SELECT window_start, dimension, dim_value, counter FROM serving.kpi_dim_counts
             WHERE window_start >= $1::timestamptz AND dimension = 'store' AND counter = 'revenue'
             ORDER BY window_start, dim_value LIMIT 1)
           RETURNING window_start, dim_value`,
          [window],
        );
      } finally {
        await fix.close();
      }
      assert.ok(changed !== undefined, 'a breakdown row was changed');
      const dims = await reconcile(dir);
      assert.equal(dims.code, 1);
      assert.deepEqual(
        dims.report.mismatches.map((m) => [m.windowStart, m.metric, m.streaming - (m.batch ?? 0)]),
        [[changed.window_start.toISOString(), `store=${changed.dim_value}:revenue`, 2.5]],
      );
      assert.match(dims.report.diagnosis ?? '', /Gold counts more than Silver/);

      // Pinned to Silver's version 0 (the table's creation, no rows yet): every counted value of
      // Gold is missing on the batch side; the run records the version it read.
      const empty = await reconcile(dir, '--as-of-version', '0');
      assert.equal(empty.code, 1);
      assert.equal(empty.report.silverVersion, 0);
      assert.equal(empty.report.windowsChecked, clean.report.windowsChecked);
      assert.ok(empty.report.mismatches.length >= clean.report.windowsChecked);
      assert.ok(empty.report.mismatches.every((m) => m.batch === null && m.streaming > 0));
      const missing = await runCli(['reconcile', '--as-of-version', String(latestSilver + 1000)], {
        dataDir: dir,
        env: ENV,
      });
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /SHOP_LAKE_VERSION_NOT_FOUND|has no version/);
    } finally {
      await cleanup();
    }
  },
);
