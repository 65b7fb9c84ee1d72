/**
 * Issue 20: the soak scenario at an accelerated rate, as a test. `shopstream bench --scenario
 * soak` runs `shopstream start` (backfill, simulator, collector, processor, detector, API,
 * compaction) with the dashboard's routes polled; afterwards:
 * - every dashboard route answered every poll (no error, no timeout);
 * - lake files per table-hour stay bounded (flushes by size/age + compaction, not a file per
 *   commit per partition: before the fix this run left hundreds per table-hour);
 * - RSS does not grow after the warm-up beyond a stated margin (150 MiB over the warm-up's peak).
 * Speeds are reported, never asserted (the bench command measures them).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli, tempDataDir } from '../helpers/cli.js';

const DURATION_S = 150;
const WARMUP_S = 60;
const PARTITIONS = 4;
/** After compaction: per partition at most one merged file plus minFiles - 1 small ones. */
const MAX_FILES_PER_TABLE_HOUR = 20;
/**
 * At the stop, before the last pass: also the flushes since the last pass (5 s flushes, a pass
 * every 10 s) and the stop's own flush, per partition.
 */
const MAX_FILES_PER_TABLE_HOUR_AT_STOP = PARTITIONS * (4 + 3);
const RSS_MARGIN_MIB = 150;

interface Figure {
  name: string;
  value: number;
}
interface Soak {
  status: string;
  reason?: string;
  figures: Figure[];
  details: {
    routes: Record<string, { count: number; failures: number; firstFailure: string | null; p95Ms: number }>;
    lake: Record<string, { files: number; maxFilesPerHour: number }>;
    lakeAtStop: Record<string, { files: number; maxFilesPerHour: number }>;
    samples: Array<{ s: number; rssMiB: number }>;
  };
}

describe('soak (accelerated): start with the dashboard polled', () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let soak: Soak;
  before(async () => {
    tmp = await tempDataDir('soak-e2e');
    const resultsDir = join(tmp.dir, 'results');
    const result = await runCli(
      [
        'bench',
        '--scenario',
        'soak',
        '--duration-s',
        String(DURATION_S),
        '--rate-per-sec',
        '1500',
        '--soak-warmup-s',
        String(WARMUP_S),
        '--soak-poll-interval-ms',
        '2000',
        '--ceiling-events',
        '5000',
        '--ceiling-min-ms',
        '200',
        '--results-dir',
        resultsDir,
      ],
      {
        dataDir: join(tmp.dir, 'data'),
        env: {
          SHOPSTREAM_SIMULATOR_BACKFILL_MINUTES: '3',
          SHOPSTREAM_LAKE_FLUSH_MAX_AGE_MS: '5000',
          SHOPSTREAM_LAKE_COMPACT_INTERVAL_MS: '10000',
        },
      },
    );
    assert.equal(result.code, 0, result.stderr);
    const [file] = await readdir(resultsDir);
    const report = JSON.parse(await readFile(join(resultsDir, file!), 'utf8')) as { scenarios: Soak[] };
    soak = report.scenarios.find((s) => (s as unknown as { scenario: string }).scenario === 'soak')!;
    assert.equal(soak.status, 'ok', soak.reason);
  });
  after(() => tmp.cleanup());

  it('answers every dashboard route on every poll', () => {
    const routes = Object.entries(soak.details.routes);
    assert.equal(routes.length, 11, 'every route of the live page');
    for (const [route, r] of routes) {
      assert.ok(r.count >= DURATION_S / 2 - 5, `${route} polled ${r.count} times`);
      assert.equal(r.failures, 0, `${route}: ${r.firstFailure}`);
    }
  });

  it('keeps lake files per table-hour bounded', () => {
    for (const [table, c] of Object.entries(soak.details.lake)) {
      assert.ok(c.files > 0, `${table} has files`);
      assert.ok(
        c.maxFilesPerHour <= MAX_FILES_PER_TABLE_HOUR,
        `${table}: ${c.maxFilesPerHour} files in one table-hour`,
      );
      const atStop = soak.details.lakeAtStop[table]!.maxFilesPerHour;
      assert.ok(
        atStop <= MAX_FILES_PER_TABLE_HOUR_AT_STOP,
        `${table}: ${atStop} files in one table-hour at the stop`,
      );
    }
  });

  it(`does not grow RSS after the warm-up by more than ${RSS_MARGIN_MIB} MiB`, () => {
    const samples = soak.details.samples;
    const warm = samples.filter((s) => s.s < WARMUP_S).map((s) => s.rssMiB);
    const later = samples.filter((s) => s.s >= WARMUP_S).map((s) => s.rssMiB);
    assert.ok(warm.length > 0 && later.length > 0);
    const end = Math.max(...later.slice(-4));
    assert.ok(
      end <= Math.max(...warm) + RSS_MARGIN_MIB,
      `RSS ${Math.max(...warm)} MiB in the warm-up, ${end} MiB at the end`,
    );
  });
});
