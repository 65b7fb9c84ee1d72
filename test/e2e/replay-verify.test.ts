/**
 * `shopstream replay --verify` (issue 17): rebuilds Silver, quarantine, Gold and the accounting
 * from Bronze into a scratch lake and serving DB and diffs them with the live tables, which it only
 * reads. After a faulty run (invalid, duplicate, late events) the rebuild equals the live tables;
 * after test-only SQL changes two live values it names exactly those; with a changed rule
 * (a shorter watermark) it shows what a real replay would change; the live side is untouched.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { openServingStore } from '../../src/store/index.js';
import { runCli, runCliOk, tempDataDir } from '../helpers/cli.js';

const ENV = { SHOPSTREAM_LOG_PARTITIONS: '2', SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '2000' };

interface Verification {
  records: number;
  tables: Array<{ table: string; liveRows: number; replayedRows: number; differences: number }>;
  differences: Array<{
    table: string;
    key: string;
    column: string;
    live: number | null;
    replayed: number | null;
  }>;
  differenceCount: number;
  scratchDir: string;
  bronzeVersion: number | null;
}

async function verify(dataDir: string, env: Record<string, string> = {}, ...args: string[]) {
  const r = await runCli(['replay', '--verify', '--json', ...args], { dataDir, env: { ...ENV, ...env } });
  assert.ok(r.code === 0 || r.code === 1, r.stderr);
  return { code: r.code, report: JSON.parse(r.stdout) as Verification };
}

test(
  'replay --verify: equal after a faulty run, names changed live values, shows what a rule change would do',
  { timeout: 300_000 },
  async () => {
    const { dir, cleanup } = await tempDataDir('replay-verify');
    try {
      await runCliOk(
        [
          'generate',
          '--count',
          '15000',
          '--invalid-pct',
          '3',
          '--duplicate-pct',
          '2',
          '--late-pct',
          '2',
          '--late-max-ms',
          '7200000',
          '--to',
          'log',
        ],
        { dataDir: dir, env: ENV },
      );
      await runCliOk(['process', '--once'], { dataDir: dir, env: ENV });

      const clean = await verify(dir);
      assert.equal(clean.code, 0, JSON.stringify(clean.report.differences.slice(0, 5)));
      assert.equal(clean.report.records, 15_000);
      assert.equal(clean.report.differenceCount, 0);
      assert.equal(clean.report.tables.length, 9);
      for (const t of clean.report.tables) {
        assert.ok(t.liveRows > 0, `${t.table} has rows`);
        assert.equal(t.replayedRows, t.liveRows, t.table);
      }
      assert.deepEqual(
        await readdir(join(dir, 'tmp')).then((f) => f.filter((n) => n.startsWith('replay-verify'))),
        [],
      );

      // Pinned to a Bronze version: more traffic processed since, and a rebuild from Bronze as it
      // was reads only the first 15,000 records (the live tables hold more); at the latest, all.
      const first = clean.report.bronzeVersion;
      assert.ok(first !== null && first >= 1, `bronze version ${first}`);
      // Another seed has another catalogue: its minutes must not overlap the first traffic's.
      const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
      await runCliOk(['generate', '--count', '3000', '--seed', '99', '--start-time', later, '--to', 'log'], {
        dataDir: dir,
        env: ENV,
      });
      await runCliOk(['process', '--once'], { dataDir: dir, env: ENV });
      const pinned = await verify(dir, {}, '--as-of-version', String(first));
      assert.equal(pinned.code, 1);
      assert.equal(pinned.report.bronzeVersion, first);
      assert.equal(pinned.report.records, 15_000);
      const pinnedSilver = pinned.report.tables.find((t) => t.table === 'lake.silver')!;
      assert.ok(pinnedSilver.differences > 0, JSON.stringify(pinnedSilver));
      const read = pinned.report.differences.filter(
        (d) => d.table === 'serving.partition_accounting' && d.column === 'records_read',
      );
      assert.ok(read.length > 0 && read.every((d) => d.replayed! < d.live!), JSON.stringify(read));
      const latest = await verify(dir);
      assert.equal(latest.code, 0, JSON.stringify(latest.report.differences.slice(0, 5)));
      assert.equal(latest.report.records, 18_000);
      assert.ok(latest.report.bronzeVersion! > first);

      // Test-only SQL: two live values changed.
      const config = loadConfig({ overrides: { dataDir: dir } });
      const store = await openServingStore({ ...config.store, dataDir: dir });
      let minute: string;
      try {
        const [row] = await store.query<{ window_start: Date }>(
          `UPDATE serving.kpi_minute SET value = value + 1
           WHERE (window_start, metric) = (SELECT min(window_start), 'events_click' FROM serving.kpi_minute)
           RETURNING window_start`,
        );
        minute = row!.window_start.toISOString();
        await store.query(
          `UPDATE serving.quarantine_reasons SET count = count + 4 WHERE (partition, reason) =
             (SELECT partition, reason FROM serving.quarantine_reasons WHERE partition = 1 ORDER BY count DESC, reason LIMIT 1)`,
        );
      } finally {
        await store.close();
      }
      const silverBefore = await runCliOk(['lake', 'sql', 'SELECT count(*) AS n FROM silver'], {
        dataDir: dir,
      });
      const changed = await verify(dir);
      assert.equal(changed.code, 1);
      const found = changed.report.differences.map((d) => [d.table, d.key, d.column, d.live! - d.replayed!]);
      const reasons = found.filter((d) => d[0] === 'serving.quarantine_reasons');
      assert.deepEqual(
        found.filter((d) => d[0] === 'serving.kpi_minute'),
        [['serving.kpi_minute', `${minute}|events_click`, 'value', 1]],
      );
      assert.equal(reasons.length, 1, JSON.stringify(reasons));
      assert.deepEqual(reasons[0]!.slice(2), ['count', 4]);
      assert.equal(changed.report.differenceCount, 2);

      // The live side was only read: the changed value is still there, the lake is the same.
      assert.equal(
        await runCliOk(['lake', 'sql', 'SELECT count(*) AS n FROM silver'], { dataDir: dir }),
        silverBefore,
      );
      const reread = await openServingStore({ ...config.store, dataDir: dir });
      try {
        const [v] = await reread.query<{ value: number }>(
          `SELECT value FROM serving.kpi_minute WHERE window_start = $1::timestamptz AND metric = 'events_click'`,
          [minute],
        );
        const replayedValue = changed.report.differences.find(
          (d) => d.table === 'serving.kpi_minute',
        )!.replayed!;
        assert.equal(v!.value, replayedValue + 1, 'the live value is still the changed one');
      } finally {
        await reread.close();
      }

      // A rule change: a 10-minute watermark instead of 1 h quarantines more late events. The diff
      // is what `replay` would change: more late_quarantined, fewer Silver rows, other Gold values.
      const rule = await verify(dir, { SHOPSTREAM_PROCESSOR_WATERMARK_MS: '600000' });
      assert.equal(rule.code, 1);
      const accounting = rule.report.differences.filter((d) => d.table === 'serving.partition_accounting');
      const late = accounting.filter((d) => d.column === 'late_quarantined');
      assert.ok(late.length > 0 && late.every((d) => d.replayed! > d.live!), JSON.stringify(accounting));
      assert.ok(accounting.some((d) => d.column === 'silver_rows' && d.replayed! < d.live!));
      const silver = rule.report.tables.find((t) => t.table === 'lake.silver')!;
      assert.ok(silver.differences > 0, 'Silver fingerprints differ');
    } finally {
      await cleanup();
    }
  },
);
