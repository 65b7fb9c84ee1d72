/**
 * Exactly-once under crashes: a 200k-event log (invalid, duplicate and late events included) is
 * processed by `shopstream process` which is killed with SIGKILL at random points at least five
 * times and restarted each time, then drained with `process --once`. Afterwards:
 * - kpi_minute equals a from-scratch recompute over Silver with DuckDB SQL;
 * - Silver has no duplicate event_id, and holds exactly the events a crash-free run keeps;
 * - the accounting invariant holds and counts every log record once;
 * - Bronze holds every log record exactly once (the lake is flushed by size, so most kills leave
 *   records committed in Gold but not in the lake: the restart derives them again from the log);
 * - (PGlite run, processor.publishDownstream on) the downstream topics are at-least-once: the clean
 *   topic holds every Silver event_id and no other, the quarantine topic every quarantined source
 *   position and no other.
 * Runs on the embedded serving DB (PGlite) and on a PostgreSQL server, and with the lake on an S3
 * server (moto): there delta-rs also opens every Delta version of every table on the bucket.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/index.js';
import { openLake, queryLake, recomputeKpiMinuteFromSilver } from '../../src/lake/index.js';
import { openEmbeddedLog } from '../../src/log/embedded/index.js';
import { RAW_TOPIC } from '../../src/log/event-log.js';
import { readAll } from '../../src/log/testing/read-all.js';
import { CLEAN_TOPIC, QUARANTINE_TOPIC } from '../../src/pipeline/processor/downstream-publisher.js';
import {
  createSimulator,
  DEFAULT_SIMULATOR_OPTIONS,
  eventLogSink,
  runSimulation,
} from '../../src/sources/simulator/index.js';
import { openServingStore, queryKpis, readAccounting } from '../../src/store/index.js';
import { runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTestBucket, type TestBucket } from '../helpers/s3.js';
import { readWithDeltaRs } from '../../src/lake/delta/testing/delta-rs-reader.js';
import { LAKE_TABLES } from '../../src/lake/index.js';

const EVENTS = 200_000;
const KILLS = 5;
/**
 * Small lake flushes (~6k records): kills land before, during and after flushes. Dedupe keeps
 * only 20 s of event time in memory, so most of the 100 s of traffic (and the late events) is
 * looked up in sealed on-disk segments, which every restart rebuilds from Silver.
 */
const PROCESS_ENV = {
  SHOPSTREAM_PROCESSOR_MAX_BATCH_RECORDS: '4000',
  SHOPSTREAM_LOG_PARTITIONS: '4',
  SHOPSTREAM_LAKE_FLUSH_MAX_BYTES: '2000000',
  SHOPSTREAM_PROCESSOR_DEDUPE_HOT_MS: '20000',
};

async function writeTraffic(dataDir: string): Promise<number> {
  const config = loadConfig({ overrides: { dataDir } });
  const log = await openEmbeddedLog({ ...config.log, dir: join(dataDir, 'log'), mode: 'write' });
  await log.ensureTopic({ name: RAW_TOPIC, partitions: 4 });
  const sim = createSimulator({
    ...DEFAULT_SIMULATOR_OPTIONS,
    seed: 7,
    count: EVENTS,
    ratePerSec: 2_000,
    startTimeMs: Date.UTC(2026, 2, 2, 10),
    invalidPct: 2,
    duplicatePct: 1,
    latePct: 0.5,
    lateMaxMs: 2 * 3_600_000, // some beyond the 1 h watermark, most within
    outOfOrderPct: 1,
  });
  try {
    const result = await runSimulation(sim, eventLogSink(log), { batchSize: 10_000, idleWaitMs: 10 });
    return result.written;
  } finally {
    await log.close(); // releases the writer lock: a publishing processor opens the log for writing
  }
}

/** Starts the processor, waits until it has committed something, lets it work a random while, kills it. */
async function killMidWork(dataDir: string, env: Record<string, string>, seed: number): Promise<void> {
  const child = spawnCli(['process'], { dataDir, env });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  for (let i = 0; i < 1200 && !stderr.includes('"progress"'); i++)
    await new Promise((r) => setTimeout(r, 50));
  // Up to ~0.4 s after the first commit: since the lake left the commit path, a processor on
  // PostgreSQL drains the whole log within five ~1 s lives, and the kills must land mid-run.
  await new Promise((r) => setTimeout(r, (seed * 7919) % 400));
  child.kill('SIGKILL');
  await closed;
}

/** Downstream topics hold every Silver event / quarantined position, possibly twice, and nothing else. */
async function verifyDownstream(dataDir: string, lake: Awaited<ReturnType<typeof openLake>>): Promise<void> {
  const config = loadConfig({ overrides: { dataDir } });
  const log = await openEmbeddedLog({ ...config.log, dir: join(dataDir, 'log'), mode: 'read' });
  try {
    const clean = await readAll(log, CLEAN_TOPIC);
    const cleanIds = new Set(
      clean.map((r) => (JSON.parse(r.value.toString()) as { event_id: string }).event_id),
    );
    const silverIds = new Set(
      (await queryLake(lake, `SELECT event_id FROM silver`)).map((r) => String(r['event_id'])),
    );
    assert.equal(cleanIds.size, silverIds.size, 'clean topic: as many distinct events as Silver');
    for (const id of silverIds) assert.ok(cleanIds.has(id), `Silver event ${id} missing downstream`);
    assert.ok(clean.length >= silverIds.size);
    const position = (p: unknown, o: unknown) => `${String(p)}/${String(o)}`;
    const quarantined = await readAll(log, QUARANTINE_TOPIC);
    const sent = new Set(
      quarantined.map((r) => position(r.headers?.['source_partition'], r.headers?.['source_offset'])),
    );
    const rows = new Set(
      (await queryLake(lake, `SELECT partition, "offset" FROM quarantine`)).map((r) =>
        position(r['partition'], r['offset']),
      ),
    );
    assert.deepEqual(
      [...sent].sort(),
      [...rows].sort(),
      'quarantine topic: exactly the quarantined positions',
    );
  } finally {
    await log.close();
  }
}

/** Every version of every table opens and scans in delta-rs; the latest holds what we read. */
async function verifyWithDeltaRs(
  bucket: TestBucket,
  lake: Awaited<ReturnType<typeof openLake>>,
): Promise<void> {
  for (const table of LAKE_TABLES) {
    const reading = await readWithDeltaRs(`${bucket.url}/${table}`, {
      storageOptions: bucket.deltaRsOptions,
      eachVersion: true,
    });
    const [row] = await queryLake(lake, `SELECT count(*) AS n FROM ${table}`);
    assert.equal(reading.rows, Number(row!['n']), `${table}: delta-rs reads the rows we read`);
    const versions = Object.keys(reading.versionRows ?? {});
    assert.equal(versions.length, reading.version + 1, `${table}: delta-rs opened every version`);
    assert.ok(reading.version >= 2, `${table}: several commits (${reading.version})`);
  }
}

async function verify(
  dataDir: string,
  storeUrl: string,
  logRecords: number,
  downstream: boolean,
  bucket?: TestBucket,
): Promise<void> {
  const config = loadConfig({ overrides: { dataDir, store: { url: storeUrl } } });
  const store = await openServingStore({ ...config.store, dataDir });
  const lake = await openLake({
    dir: join(dataDir, 'lake'),
    readOnly: true,
    ...(bucket === undefined ? {} : { storage: bucket.storage() }),
  });
  try {
    const bronze = await queryLake(
      lake,
      `SELECT count(*) AS n, count(DISTINCT (partition, "offset")) AS d FROM bronze`,
    );
    assert.equal(Number(bronze[0]!['n']), logRecords, 'Bronze holds every log record');
    assert.equal(Number(bronze[0]!['d']), logRecords, 'Bronze holds every log record once');
    const silver = await queryLake(lake, `SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM silver`);
    assert.equal(Number(silver[0]!['n']), Number(silver[0]!['d']), 'Silver has no duplicate event_id');
    const quarantine = await queryLake(lake, `SELECT count(*) AS n FROM quarantine`);
    // Nothing dropped as a duplicate that was not one (a dedupe false positive): every event_id
    // of the log is in Silver or in quarantine.
    const vanished = await queryLake(
      lake,
      `SELECT count(*) AS n FROM (SELECT DISTINCT event_id FROM bronze WHERE event_id IS NOT NULL
         EXCEPT SELECT event_id FROM silver EXCEPT SELECT event_id FROM quarantine)`,
    );
    assert.equal(Number(vanished[0]!['n']), 0, 'every event_id of the log is in Silver or quarantine');

    const accounting = await readAccounting(store, RAW_TOPIC);
    const sum = (k: 'recordsRead' | 'bronzeRows' | 'silverRows' | 'quarantineRows' | 'duplicatesDropped') =>
      accounting.reduce((s, a) => s + a[k], 0);
    assert.equal(sum('recordsRead'), logRecords);
    assert.equal(sum('bronzeRows'), logRecords);
    assert.equal(sum('silverRows') + sum('quarantineRows') + sum('duplicatesDropped'), logRecords);
    assert.equal(sum('silverRows'), Number(silver[0]!['n']), 'accounting agrees with Silver');
    assert.equal(sum('quarantineRows'), Number(quarantine[0]!['n']), 'accounting agrees with quarantine');
    assert.ok(
      sum('duplicatesDropped') > 0 && sum('quarantineRows') > 0,
      'the run had duplicates and bad events',
    );

    const served = await queryKpis(store, {
      fromMs: 0,
      toMs: Date.UTC(9999, 0, 1),
      grain: 'minute',
      limit: 10_000_000,
    });
    const recomputed = await recomputeKpiMinuteFromSilver(lake);
    const key = (w: string, m: string) => `${new Date(w).toISOString()} ${m}`;
    const expected = new Map(recomputed.map((r) => [key(r.window_start, r.metric), r.value]));
    assert.equal(served.length, expected.size, 'same windows x metrics');
    for (const p of served) {
      const want = expected.get(key(p.windowStart, p.metric));
      assert.ok(
        want !== undefined && Math.abs(p.value - want) <= 1e-6 * Math.max(1, Math.abs(want)),
        `${p.windowStart} ${p.metric}: served ${p.value}, recomputed ${want}`,
      );
    }
    if (downstream) await verifyDownstream(dataDir, lake);
    if (bucket !== undefined) await verifyWithDeltaRs(bucket, lake);
  } finally {
    await Promise.allSettled([lake.close(), store.close()]);
  }
}

async function crashScenario(
  storeUrl: string,
  label: string,
  downstream = false,
  bucket?: TestBucket,
): Promise<void> {
  const { dir, cleanup } = await tempDataDir(`crash-${label}`);
  try {
    const records = await writeTraffic(dir);
    assert.ok(records >= EVENTS);
    const env = {
      ...PROCESS_ENV,
      ...(bucket === undefined ? {} : bucket.lakeEnv),
      ...(storeUrl === '' ? {} : { SHOPSTREAM_STORE_URL: storeUrl }),
      ...(downstream ? { SHOPSTREAM_PROCESSOR_PUBLISH_DOWNSTREAM: 'true' } : {}),
    };
    let lakeBehindAfterKills = 0;
    for (let k = 0; k < KILLS; k++) {
      await killMidWork(dir, env, k + 1);
      const status = JSON.parse(await runCliOk(['status', '--json'], { dataDir: dir, env })) as {
        partitions: Array<{ lakeBehind: number }>;
      };
      lakeBehindAfterKills += status.partitions.reduce((n, p) => n + p.lakeBehind, 0);
    }
    assert.ok(
      lakeBehindAfterKills > 0,
      'some kill left Gold ahead of the lake: the restart re-derived lake rows from the log',
    );
    const afterKills = JSON.parse(await runCliOk(['status', '--json'], { dataDir: dir, env })) as {
      totals: { recordsRead: number };
    };
    assert.ok(
      afterKills.totals.recordsRead > 0 && afterKills.totals.recordsRead < records,
      `the kills hit mid-run (${afterKills.totals.recordsRead} of ${records} committed)`,
    );
    await runCliOk(['process', '--once'], { dataDir: dir, env });
    await verify(dir, storeUrl, records, downstream, bucket);
  } finally {
    await cleanup();
  }
}

test(
  'kill -9 five times mid-run on PGlite, publishing downstream: Gold = recompute, no duplicates, invariant holds, downstream at-least-once',
  { timeout: 600_000 },
  async () => {
    await crashScenario('', 'pglite', true);
  },
);

test(
  'kill -9 five times mid-run on PostgreSQL: Gold = recompute, no duplicates, invariant holds',
  { timeout: 600_000 },
  async () => {
    const db = await createTestDatabase();
    try {
      await crashScenario(db.url, 'postgres');
    } finally {
      await db.drop();
    }
  },
);

test(
  'kill -9 five times mid-run with the lake on an S3 server: no duplicates, Gold = recompute, delta-rs reads every version',
  { timeout: 600_000 },
  async () => {
    const bucket = await createTestBucket('crash');
    try {
      await crashScenario('', 's3', false, bucket);
    } finally {
      await bucket.drop();
    }
  },
);
