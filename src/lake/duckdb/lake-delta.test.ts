import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { PROTOCOL, fieldNamesOf, lakeTableMetaData, schemaStringOf } from '../delta/delta-schema.js';
import type { DeltaAction } from '../delta/delta-actions.js';
import { DeltaTable } from '../delta/delta-table.js';
import {
  deltaRsAvailable,
  readWithDeltaRs,
  requireDeltaRs,
  type DeltaRsReading,
} from '../delta/testing/delta-rs-reader.js';
import { vacuumTable } from '../delta/vacuum.js';
import { lakeFileName } from '../lake-file-names.js';
import {
  LAKE_TABLES,
  type BronzeRow,
  type LakeTableName,
  type QuarantineRow,
  type SilverRow,
} from '../lake-table.js';
import { LocalLakeStorage } from '../storage/local-storage.js';
import { HIVE_COLUMNS, quoteLiteral } from '../table-columns.js';
import { TOPIC, bronzeRow, quarantineRow, silverRow } from '../testing/lake-row-fixtures.js';
import { compactLake } from './compact-lake.js';
import { lakeAppId } from './lake-delta.js';
import { openLake, type Lake, type LakeRun } from './open-lake.js';
import { queryLake } from './query-lake.js';

/**
 * Lake-level tests of the Delta tables, checked by delta-rs (the independent reader): what the
 * processor's flushes commit, time travel, idempotent replays, optimize + vacuum, conversion of a
 * pre-Delta lake, schema evolution and rollback (removeUncommitted).
 */

const HOUR_MS = 3_600_000;
/** One minute before an hour boundary: flushes span two hive hours. */
const T0 = Date.parse('2026-01-24T13:59:00Z');
const FLUSH = { idempotent: true, operation: 'STREAMING UPDATE' } as const;
const APP = [lakeAppId(TOPIC, 0), lakeAppId(TOPIC, 1)];

/** The rows of one log record of a partition: Bronze always, Silver or quarantine (every 5th). */
interface Record3 {
  bronze: BronzeRow;
  silver: SilverRow | null;
  quarantine: QuarantineRow | null;
}

function record(partition: number, offset: number): Record3 {
  const id = partition * 1_000_000 + offset;
  const ts = T0 + offset * 1_000;
  const rejected = offset % 5 === 0;
  return {
    bronze: { ...bronzeRow(id, ts, partition), offset },
    silver: rejected ? null : { ...silverRow(id, ts, partition), offset },
    quarantine: rejected ? { ...quarantineRow(id, ts, ['missing_event_id'], partition), offset } : null,
  };
}

/** A partition's run of offsets [from, to] in one flush. */
interface Span {
  readonly partition: number;
  readonly from: number;
  readonly to: number;
}

const recordsOf = (s: Span): Record3[] =>
  Array.from({ length: s.to - s.from + 1 }, (_, i) => record(s.partition, s.from + i));

type AnyRow = BronzeRow | SilverRow | QuarantineRow;

function runsOf(table: LakeTableName, spans: readonly Span[]): LakeRun<AnyRow>[] {
  return spans.map((s) => ({
    rows: recordsOf(s)
      .map((r) => r[table])
      .filter((r): r is NonNullable<typeof r> => r !== null),
    key: { topic: TOPIC, partition: s.partition, fromOffset: s.from, toOffset: s.to },
  }));
}

/** `Lake.append` as the processor's flush calls it, of runs built for any table. */
const append = (lake: Lake, table: LakeTableName, runs: readonly LakeRun<AnyRow>[]) =>
  lake.append(table, runs as readonly LakeRun<never>[], FLUSH);

/** One processor flush: per table one `append` (one Delta commit) of every partition's run. */
async function flush(lake: Lake, spans: readonly Span[], tables = LAKE_TABLES): Promise<void> {
  for (const table of tables) await append(lake, table, runsOf(table, spans));
}

/** The columns summed per table. */
const SUMS: Readonly<Record<LakeTableName, readonly string[]>> = {
  bronze: ['offset', 'partition'],
  silver: ['offset', 'quantity', 'price'],
  quarantine: ['offset', 'partition'],
};

interface Expected {
  readonly rows: number;
  readonly sums: Readonly<Record<string, number>>;
  readonly distinctIds: number;
  readonly distinctOffsets: number;
  readonly minOffset: number | null;
  readonly maxOffset: number | null;
}

/** What the table holds after the flushes of `spans` (every record once). */
function expectedOf(table: LakeTableName, spans: readonly Span[]): Expected {
  const rows = spans.flatMap((s) => recordsOf(s).map((r) => r[table])).filter((r) => r !== null);
  const sums: Record<string, number> = {};
  for (const col of SUMS[table]) {
    sums[col] = rows.reduce((acc, r) => {
      if (col === 'offset') return acc + r.offset;
      if (col === 'partition') return acc + r.partition;
      const event = (r as SilverRow).event;
      return acc + ((col === 'quantity' ? event.quantity : event.price) ?? 0);
    }, 0);
  }
  const ids = new Set(rows.map((r) => ('event' in r ? r.event.event_id : r.eventId)));
  const offsets = rows.map((r) => r.offset);
  return {
    rows: rows.length,
    sums,
    distinctIds: ids.size,
    distinctOffsets: new Set(offsets).size,
    minOffset: offsets.length === 0 ? null : Math.min(...offsets),
    maxOffset: offsets.length === 0 ? null : Math.max(...offsets),
  };
}

const read = (dir: string, table: LakeTableName, version?: number): Promise<DeltaRsReading> =>
  readWithDeltaRs(join(dir, table), {
    ...(version === undefined ? {} : { version }),
    sums: SUMS[table],
    distinct: ['event_id', 'offset'],
    mins: ['offset'],
    maxes: ['offset'],
    txns: APP,
  });

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));

function assertSums(
  actual: Readonly<Record<string, number>>,
  expected: Readonly<Record<string, number>>,
  what: string,
) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), what);
  for (const [col, value] of Object.entries(expected))
    assert.ok(close(actual[col]!, value), `${what}: sum(${col}) = ${actual[col]}, expected ${value}`);
}

function assertReading(r: DeltaRsReading, table: LakeTableName, expected: Expected, what: string): void {
  assert.equal(r.rows, expected.rows, `${what}: rows`);
  assert.equal(r.statsRows, expected.rows, `${what}: numRecords stats`);
  assert.equal(r.distinct['event_id'], expected.distinctIds, `${what}: distinct event ids`);
  assert.equal(r.distinct['offset'], expected.distinctOffsets, `${what}: distinct offsets`);
  assert.equal(r.mins['offset'], expected.minOffset, `${what}: min offset`);
  assert.equal(r.maxes['offset'], expected.maxOffset, `${what}: max offset`);
  assertSums(r.sums, expected.sums, what);
  assert.deepEqual(r.partitionColumns, [...HIVE_COLUMNS[table]], `${what}: partition columns`);
}

/** What delta-rs saw, without what depends on the file layout (for "identical data" checks). */
function dataOf(r: DeltaRsReading) {
  const sums = Object.fromEntries(Object.entries(r.sums).map(([k, v]) => [k, Math.round(v * 1e4) / 1e4]));
  return {
    rows: r.rows,
    statsRows: r.statsRows,
    sums,
    distinct: r.distinct,
    mins: r.mins,
    maxes: r.maxes,
    schema: r.schema,
    partitionColumns: r.partitionColumns,
  };
}

/** Data files (not the log) below a table folder, relative to it. */
function dataFiles(dir: string, table: string): string[] {
  const root = join(dir, table);
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true }) as string[])
    .filter((f) => !f.startsWith('_delta_log') && f.endsWith('.parquet'))
    .sort();
}

async function txnsOf(lake: Lake, table: LakeTableName, version?: number): Promise<Record<string, number>> {
  const snap =
    version === undefined ? await lake.tables[table].require() : await lake.tables[table].at(version);
  return Object.fromEntries([...snap.txns.values()].map((t) => [t.appId, t.version]));
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn` for the tables at once (each delta-rs read is a Python process). */
async function eachTable<T extends LakeTableName>(
  tables: readonly T[],
  fn: (table: T) => Promise<void>,
): Promise<void> {
  await Promise.all(tables.map(fn));
}

describe('lake Delta tables, read by delta-rs', () => {
  // Four flushes; partition 1 has no records in the third.
  const FLUSHES: readonly (readonly Span[])[] = [
    [
      { partition: 0, from: 0, to: 29 },
      { partition: 1, from: 0, to: 19 },
    ],
    [
      { partition: 0, from: 30, to: 59 },
      { partition: 1, from: 20, to: 49 },
    ],
    [{ partition: 0, from: 60, to: 89 }],
    [
      { partition: 0, from: 90, to: 129 },
      { partition: 1, from: 50, to: 64 },
    ],
  ];
  const upTo = (n: number) => FLUSHES.slice(0, n).flat();
  let dir: string;
  let lake: Lake;
  /** delta-rs' readings of the first test, for the txn test. */
  const readings = new Map<LakeTableName, Record<'latest' | 'v1' | 'v3', DeltaRsReading>>();

  before(async () => {
    dir = tempDir('shop-lake-delta-');
    // A checkpoint every 2 commits: time travel reads from checkpoints and from plain commits.
    lake = await openLake({ dir, fsync: false, checkpointInterval: 2 });
    for (const f of FLUSHES) await flush(lake, f);
  });
  after(async () => {
    await lake.close();
  });

  it('each flush is one Delta commit per table; delta-rs reads every row once, at the latest and at older versions', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    for (const table of LAKE_TABLES) {
      const snap = await lake.tables[table].require();
      assert.equal(snap.version, FLUSHES.length, `${table}: version 0 creates, then one commit per flush`);
      const history = await lake.tables[table].history();
      assert.deepEqual(
        history.map((h) => h.operation),
        [...FLUSHES.map(() => 'STREAMING UPDATE'), 'CREATE TABLE'],
      );
    }
    assert.ok(existsSync(join(dir, 'silver', '_delta_log', `${'2'.padStart(20, '0')}.checkpoint.parquet`)));
    await eachTable(LAKE_TABLES, async (table) => {
      // Version 1 from its JSON commit; version 3 from the checkpoint of version 2 plus commit 3.
      const [latest, v1, v3] = await Promise.all([
        read(dir, table),
        read(dir, table, 1),
        read(dir, table, 3),
      ]);
      assert.equal(latest.version, FLUSHES.length);
      assertReading(latest, table, expectedOf(table, upTo(FLUSHES.length)), `${table} latest`);
      assert.equal(v1.version, 1);
      assertReading(v1, table, expectedOf(table, upTo(1)), `${table} v1`);
      assert.equal(v3.version, 3);
      assertReading(v3, table, expectedOf(table, upTo(3)), `${table} v3`);
      readings.set(table, { latest, v1, v3 });
    });
  });

  it('our own time travel (pinned versions) reads what delta-rs reads', async () => {
    lake.files.pin({ silver: 2, bronze: 1 });
    try {
      const [silver] = await queryLake(lake, 'SELECT count(*) AS n, sum("offset") AS s FROM silver');
      const e = expectedOf('silver', upTo(2));
      assert.deepEqual(silver, { n: e.rows, s: e.sums['offset'] });
      const [bronze] = await queryLake(lake, 'SELECT count(*) AS n FROM bronze');
      assert.deepEqual(bronze, { n: expectedOf('bronze', upTo(1)).rows });
    } finally {
      lake.files.pin({});
    }
  });

  it('the txn version of each partition appId is its last committed offset (our reader and delta-rs)', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const expectedAt = (n: number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const s of upTo(n)) out[lakeAppId(TOPIC, s.partition)] = s.to;
      return out;
    };
    for (const table of LAKE_TABLES) {
      for (let version = 1; version <= FLUSHES.length; version++) {
        assert.deepEqual(await txnsOf(lake, table, version), expectedAt(version), `${table} v${version}`);
      }
      const read = readings.get(table);
      assert.ok(read !== undefined, 'delta-rs read the table in the first test');
      assert.deepEqual(read.latest.txns, { [APP[0]!]: 129, [APP[1]!]: 64 }, `${table}: delta-rs txns`);
      assert.deepEqual(read.v1.txns, { [APP[0]!]: 29, [APP[1]!]: 19 });
      // Partition 1 had nothing in flush 3: its txn stays at 49 in version 3.
      assert.deepEqual(read.v3.txns, { [APP[0]!]: 89, [APP[1]!]: 49 });
    }
  });

  it('replaying flushes (same appId and offsets, after a crash) adds no row twice', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const before = Object.fromEntries(
      await Promise.all(
        LAKE_TABLES.map(async (table) => [table, await lake.tables[table].require()] as const),
      ),
    );
    // The same last flush again: every row is already there, nothing is written or committed.
    for (const table of LAKE_TABLES) {
      const written = await append(lake, table, runsOf(table, FLUSHES.at(-1)!));
      assert.deepEqual(written, []);
      assert.equal((await lake.tables[table].require()).version, before[table]!.version);
    }
    // A crash after Bronze's commit of flush 5, before Silver's and quarantine's; the restarted
    // processor re-derives from the lake position (offset 90 of partition 0, 50 of partition 1)
    // and flushes everything again in one run per partition.
    const fifth: Span[] = [
      { partition: 0, from: 130, to: 149 },
      { partition: 1, from: 65, to: 79 },
    ];
    await flush(lake, fifth, ['bronze']);
    const replay: Span[] = [
      { partition: 0, from: 90, to: 149 },
      { partition: 1, from: 50, to: 79 },
    ];
    for (const table of LAKE_TABLES) {
      const files = await append(lake, table, runsOf(table, replay));
      if (table === 'bronze') assert.deepEqual(files, [], 'bronze already holds the flush');
      else {
        assert.ok(files.length > 0);
        // Only the rows past the table's txn are written, in files named after them.
        for (const f of files) assert.match(f.path, /p0-0+130-0+149\.parquet$|p1-0+65-0+79\.parquet$/);
      }
    }
    const all = [...upTo(FLUSHES.length), ...fifth];
    await eachTable(LAKE_TABLES, async (table) => {
      const r = await read(dir, table);
      assertReading(r, table, expectedOf(table, all), `${table} after replays`);
      assert.deepEqual(r.txns, { [APP[0]!]: 149, [APP[1]!]: 79 });
    });
    const [dup] = await queryLake(
      lake,
      `SELECT count(*) AS n FROM (SELECT "partition", "offset" FROM bronze GROUP BY 1, 2 HAVING count(*) > 1)`,
    );
    assert.deepEqual(dup, { n: 0 });
  });

  it('a commit based on a stale txn version (a zombie writer, as Lake.append passes it) fails with SHOP_LAKE_COMMIT_CONFLICT', async () => {
    // A zombie writer that read the table before the last flush: its commit must not go through.
    const delta = lake.tables.silver;
    const snap = await delta.require();
    await assert.rejects(
      delta.commit({
        actions: [{ txn: { appId: APP[0]!, version: 999, lastUpdated: Date.now() } }],
        operation: 'STREAMING UPDATE',
        expectedTxns: new Map([[APP[0]!, 129]]),
        readVersion: snap.version,
      }),
      (e: unknown) => isShopError(e, 'SHOP_LAKE_COMMIT_CONFLICT'),
    );
    assert.equal((await delta.require()).version, snap.version);
  });
});

describe('optimize and vacuum, read by delta-rs', () => {
  const T_OPT = Date.parse('2026-01-24T13:05:00Z');
  const FLUSHES = 20;
  const PER_FLUSH = 10;
  let dir: string;
  let lake: Lake;

  before(async () => {
    dir = tempDir('shop-lake-optimize-');
    lake = await openLake({ dir, fsync: false });
  });
  after(async () => {
    await lake.close();
  });

  it('optimize cuts the live files ≥10x with identical data; vacuum deletes the superseded files after the retention only', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    // 20 flushes of 10 records for 2 partitions, all in hour 13 (the fixtures' times start at
    // T0 = 13:59: shift them into 13:05..13:09).
    const shift = T_OPT - T0;
    for (let f = 0; f < FLUSHES; f++) {
      const spans = [0, 1].map((partition) => ({
        partition,
        from: f * PER_FLUSH,
        to: f * PER_FLUSH + PER_FLUSH - 1,
      }));
      for (const table of LAKE_TABLES) {
        const runs = runsOf(table, spans).map((run) => ({
          ...run,
          rows: run.rows.map((r) => shiftRow(r, shift)),
        }));
        await append(lake, table, runs);
      }
    }
    const beforeVersion: Record<string, number> = {};
    const beforeData: Record<string, ReturnType<typeof dataOf>> = {};
    const beforeFiles: Record<string, number> = {};
    const last = FLUSHES * PER_FLUSH - 1;
    await eachTable(LAKE_TABLES, async (table) => {
      const r = await read(dir, table);
      beforeVersion[table] = r.version;
      beforeData[table] = dataOf(r);
      beforeFiles[table] = r.files;
      assert.equal(r.files, 2 * FLUSHES, `${table}: one file per flush and partition`);
      assertReading(
        r,
        table,
        expectedOf(
          table,
          [0, 1].map((p) => ({ partition: p, from: 0, to: last })),
        ),
        `${table} before optimize`,
      );
    });
    const compactNow = T_OPT + 3 * HOUR_MS; // hour 13 closed
    const committed = new Map([
      [0, FLUSHES * PER_FLUSH],
      [1, FLUSHES * PER_FLUSH],
    ]);
    const result = await compactLake(lake, {
      committedNextOffsets: committed,
      minFiles: 4,
      targetBytes: 64 * 1024 * 1024,
      compression: 'zstd',
      rowGroupRows: 122_880,
      fsync: false,
      nowMs: compactNow,
    });
    assert.equal(result.locked, false);
    assert.equal(result.commits, 3, 'one OPTIMIZE commit per table');
    assert.equal(result.superseded, 3 * 2 * FLUSHES);
    await eachTable(LAKE_TABLES, async (table) => {
      const [r, old] = await Promise.all([read(dir, table), read(dir, table, beforeVersion[table])]);
      assert.equal(r.version, beforeVersion[table]! + 1);
      assert.ok(
        r.files * 10 <= beforeFiles[table]!,
        `${table}: ${beforeFiles[table]} live files -> ${r.files}, expected a 10x reduction`,
      );
      assert.deepEqual(dataOf(r), beforeData[table], `${table}: optimize changed the data`);
      assert.deepEqual(r.txns, { [APP[0]!]: last, [APP[1]!]: last }, `${table}: optimize keeps the txns`);
      const history = await lake.tables[table].history(1);
      assert.equal(history[0]!.operation, 'OPTIMIZE');
      // The version before optimize still reads (time travel over the superseded files).
      assert.deepEqual(dataOf(old), beforeData[table]);
      // Superseded files stay on disk until vacuum.
      assert.equal(dataFiles(dir, table).length, beforeFiles[table]! + r.files);
    });
    // Within the retention nothing goes.
    for (const table of LAKE_TABLES) {
      const early = await vacuumTable(lake.tables[table], table, {
        retainHours: 1,
        nowMs: compactNow + 30 * 60_000,
      });
      assert.deepEqual([early.deleted, early.retained], [0, beforeFiles[table]]);
    }
    for (const table of LAKE_TABLES) {
      const dry = await vacuumTable(lake.tables[table], table, {
        retainHours: 1,
        nowMs: compactNow + 2 * HOUR_MS,
        dryRun: true,
      });
      assert.equal(dry.deleted, beforeFiles[table]);
      assert.equal(dataFiles(dir, table).length > beforeFiles[table]!, true, 'dry run deletes nothing');
      const done = await vacuumTable(lake.tables[table], table, {
        retainHours: 1,
        nowMs: compactNow + 2 * HOUR_MS,
      });
      assert.deepEqual([done.deleted, done.retained], [beforeFiles[table], 0]);
      const live = await lake.files.list(table);
      assert.deepEqual(
        dataFiles(dir, table),
        live.map((f) => f.tablePath).sort(),
        `${table}: only the live files are left`,
      );
    }
    await eachTable(LAKE_TABLES, async (table) => {
      const r = await read(dir, table);
      assert.deepEqual(dataOf(r), beforeData[table], `${table}: vacuum changed the data`);
      // The superseded files are gone: the version before optimize cannot be scanned any more.
      await assert.rejects(
        read(dir, table, beforeVersion[table]),
        /cannot read .*\.parquet.*(not found|No such file)/s,
      );
    });
  });
});

function shiftRow<R extends AnyRow>(row: R, shiftMs: number): R {
  if ('event' in row) {
    const eventTimeMs = row.eventTimeMs + shiftMs;
    return {
      ...row,
      eventTimeMs,
      ingestTimeMs: row.ingestTimeMs + shiftMs,
      event: {
        ...row.event,
        event_time: new Date(eventTimeMs).toISOString(),
        ingest_time: new Date(row.ingestTimeMs + shiftMs).toISOString(),
      },
    };
  }
  const shifted = { ...row, logTimestampMs: row.logTimestampMs + shiftMs };
  if ('eventTimeMs' in row && row.eventTimeMs !== null) {
    return {
      ...shifted,
      eventTimeMs: row.eventTimeMs + shiftMs,
      ingestTimeMs: (row.ingestTimeMs ?? 0) + shiftMs,
    };
  }
  return shifted;
}

describe('converting a pre-Delta lake folder, read by delta-rs', () => {
  let source: string;
  let legacy: string;
  const SPANS: Span[] = [
    { partition: 0, from: 0, to: 29 },
    { partition: 0, from: 30, to: 59 },
    { partition: 0, from: 60, to: 99 },
    { partition: 1, from: 0, to: 24 },
    { partition: 1, from: 25, to: 49 },
  ];

  before(async () => {
    // The files of an earlier shopstream: plain Parquet in hive folders, same names and columns.
    source = tempDir('shop-lake-legacy-src-');
    legacy = tempDir('shop-lake-legacy-');
    const lake = await openLake({ dir: source, fsync: false });
    try {
      for (const s of SPANS) await flush(lake, [s]);
      for (const table of LAKE_TABLES) {
        for (const f of dataFiles(source, table)) {
          const to = join(legacy, table, f);
          cpSync(join(source, table, f), to, { recursive: true });
        }
      }
      // A compaction of the old lake that published its merged file of partition 0, offsets
      // 0..59, and crashed before renaming the inputs (`*.superseded-<ms>`): the inputs are
      // covered and must not be converted; a finished rename and a temporary file neither.
      await lake.withMaintenanceConnection(async (connection) => {
        for (const table of LAKE_TABLES) {
          const byFolder = new Map<string, string[]>();
          for (const f of dataFiles(legacy, table)) {
            if (!/p0-0+(0|30)-/.test(f)) continue;
            const folder = dirname(f);
            byFolder.set(folder, [...(byFolder.get(folder) ?? []), join(legacy, table, f)]);
          }
          for (const [folder, inputs] of byFolder) {
            if (inputs.length !== 2) continue;
            const merged = join(
              legacy,
              table,
              folder,
              lakeFileName({ topic: '', partition: 0, fromOffset: 0, toOffset: 59 }),
            );
            await connection.run(
              `COPY (SELECT * FROM read_parquet([${inputs.map(quoteLiteral).join(', ')}], hive_partitioning = false)) TO ${quoteLiteral(merged)} (FORMAT parquet)`,
            );
          }
          const some = dataFiles(legacy, table)[0]!;
          copyFileSync(join(legacy, table, some), join(legacy, table, `${some}.superseded-1700000000000`));
          copyFileSync(join(legacy, table, some), join(legacy, table, `${some}.tmp-4242-1`));
        }
      });
    } finally {
      await lake.close();
    }
  });

  it('a read-only open refuses a legacy folder without a Delta log', async () => {
    await assert.rejects(
      openLake({ dir: legacy, readOnly: true }),
      (e: unknown) => isShopError(e, 'SHOP_LAKE_LOG_INVALID') && /lake convert/.test(e.message),
    );
    assert.equal(existsSync(join(legacy, 'silver', '_delta_log')), false);
  });

  it('opening for writing (`lake convert`) makes Delta tables delta-rs reads with identical data', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const lake = await openLake({ dir: legacy, fsync: false });
    try {
      assert.deepEqual(lake.opened, { bronze: 'converted', silver: 'converted', quarantine: 'converted' });
      await eachTable(LAKE_TABLES, async (table) => {
        const snap = await lake.tables[table].require();
        assert.equal(snap.version, 0, `${table}: one commit converts`);
        const paths = [...snap.files.keys()];
        assert.ok(paths.every((p) => !p.includes('.superseded-') && !p.includes('.tmp-')));
        assert.equal(paths.filter((p) => /p0-0+0-0+59\.parquet$/.test(p)).length > 0, true);
        assert.equal(
          paths.filter((p) => /p0-0+(0-0+29|30-0+59)\.parquet$/.test(p)).length,
          0,
          `${table}: files covered by a compacted one are not converted`,
        );
        const [original, converted] = await Promise.all([read(source, table), read(legacy, table)]);
        assert.deepEqual(dataOf(converted), dataOf(original), `${table}: converted data differs`);
        assertReading(converted, table, expectedOf(table, SPANS), `${table} converted`);
        assert.equal(converted.version, 0);
        assert.deepEqual(
          converted.txns,
          { [APP[0]!]: null, [APP[1]!]: null },
          'file names carry no topic: no txn',
        );
      });
      // The converted lake keeps taking the processor's flushes.
      const next: Span[] = [
        { partition: 0, from: 100, to: 119 },
        { partition: 1, from: 50, to: 59 },
      ];
      await flush(lake, next);
      await eachTable(LAKE_TABLES, async (table) => {
        const r = await read(legacy, table);
        assertReading(r, table, expectedOf(table, [...SPANS, ...next]), `${table} after a flush`);
        assert.deepEqual(r.txns, { [APP[0]!]: 119, [APP[1]!]: 59 });
      });
    } finally {
      await lake.close();
    }
    // Reopened: the tables exist (no second conversion).
    const again = await openLake({ dir: legacy, readOnly: true });
    try {
      assert.deepEqual(again.opened, { bronze: 'exists', silver: 'exists', quarantine: 'exists' });
    } finally {
      await again.close();
    }
  });
});

describe('schema evolution, read by delta-rs', () => {
  const OLD: Span = { partition: 0, from: 0, to: 39 };
  const FRESH: Span = { partition: 0, from: 40, to: 59 };
  let dir: string;
  let lake: Lake;
  const oldRows = () => (runsOf('silver', [OLD])[0]!.rows as SilverRow[]).length;
  /** Silver rows that carry the column (`stock_level` = offset). */
  const withStock = (span: Span, shiftMs = 0): LakeRun<SilverRow>[] =>
    (runsOf('silver', [span]) as LakeRun<SilverRow>[]).map((run) => ({
      ...run,
      rows: run.rows.map((r) => shiftRow({ ...r, event: { ...r.event, stock_level: r.offset } }, shiftMs)),
    }));

  before(async () => {
    // A silver table of an earlier shopstream, without `stock_level`: built from a current file
    // with that column dropped, and a log whose schema lacks it (version 0 + one flush).
    const scratch = tempDir('shop-lake-evolve-src-');
    dir = tempDir('shop-lake-evolve-');
    const storage = new LocalLakeStorage(dir, { fsync: false });
    const lake0 = await openLake({ dir: scratch, fsync: false });
    try {
      await lake0.append('silver', runsOf('silver', [OLD]) as LakeRun<SilverRow>[], FLUSH);
      const snap = await lake0.tables.silver.require();
      const adds: DeltaAction[] = [];
      await lake0.withMaintenanceConnection(async (connection) => {
        for (const add of snap.files.values()) {
          const to = join(dir, 'silver', add.path);
          mkdirSync(dirname(to), { recursive: true });
          await connection.run(
            `COPY (SELECT * EXCLUDE (stock_level) FROM read_parquet(${quoteLiteral(join(scratch, 'silver', add.path))}, hive_partitioning = false)) TO ${quoteLiteral(to)} (FORMAT parquet)`,
          );
          const stats = JSON.parse(add.stats ?? '{}') as Record<string, unknown>;
          for (const part of ['minValues', 'maxValues', 'nullCount']) {
            const values = stats[part];
            if (values !== null && typeof values === 'object')
              delete (values as Record<string, unknown>)['stock_level'];
          }
          const size = (await storage.head(`silver/${add.path}`))!.size;
          adds.push({ add: { ...add, size, stats: JSON.stringify(stats) } });
        }
      });
      const meta = lakeTableMetaData('silver', Date.now());
      const fields = (JSON.parse(meta.schemaString) as { fields: Array<{ name: string }> }).fields;
      const oldMeta = {
        ...meta,
        schemaString: schemaStringOf(fields.filter((f) => f.name !== 'stock_level') as never),
      };
      const delta = new DeltaTable(storage, 'silver');
      assert.equal(await delta.create(oldMeta, PROTOCOL, adds), true);
      await delta.commit({
        actions: [{ txn: { appId: APP[0]!, version: OLD.to, lastUpdated: Date.now() } }],
        operation: 'STREAMING UPDATE',
      });
    } finally {
      await lake0.close();
    }
  });
  after(async () => {
    await lake?.close();
  });

  it('a table without a column the code has gets it added (ADD COLUMNS); delta-rs reads its old files with nulls', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const v1 = await readWithDeltaRs(join(dir, 'silver'), { sums: ['offset'] });
    assert.equal('stock_level' in v1.schema, false);
    assert.equal(v1.rows, oldRows());

    lake = await openLake({ dir, fsync: false });
    assert.equal(lake.opened.silver, 'exists');
    const snap = await lake.tables.silver.require();
    assert.equal(snap.version, 2, 'one ADD COLUMNS commit');
    assert.equal((await lake.tables.silver.history(1))[0]!.operation, 'ADD COLUMNS');
    assert.equal(fieldNamesOf(snap.metaData.schemaString).at(-1), 'stock_level');
    const added = await readWithDeltaRs(join(dir, 'silver'), {
      sums: ['stock_level', 'offset'],
      distinct: ['stock_level'],
    });
    assert.equal(added.schema['stock_level'], 'integer');
    assert.equal(added.rows, oldRows());
    assert.deepEqual(added.sums, { stock_level: 0, offset: expectedOf('silver', [OLD]).sums['offset'] });
    assert.deepEqual(added.distinct, { stock_level: 0 }, 'old files read stock_level as null');
    // Reopening commits nothing more.
    const reopened = await openLake({ dir, readOnly: true });
    await reopened.close();
    assert.equal((await lake.tables.silver.require()).version, 2);

    // New rows carry the column.
    const fresh = withStock(FRESH);
    await lake.append('silver', fresh, FLUSH);
    const freshRows = fresh[0]!.rows;
    const stockSum = freshRows.reduce((a, r) => a + r.offset, 0);
    const [latest, before] = await Promise.all([
      readWithDeltaRs(join(dir, 'silver'), {
        sums: ['stock_level'],
        distinct: ['stock_level', 'event_id'],
        txns: [APP[0]!],
      }),
      readWithDeltaRs(join(dir, 'silver'), { version: 1 }),
    ]);
    assert.equal(latest.rows, oldRows() + freshRows.length);
    assert.deepEqual(latest.sums, { stock_level: stockSum });
    assert.deepEqual(latest.distinct, { stock_level: freshRows.length, event_id: latest.rows });
    assert.deepEqual(latest.txns, { [APP[0]!]: FRESH.to });
    // Version 1 (before ADD COLUMNS) still reads, without the column.
    assert.equal('stock_level' in before.schema, false);
    assert.equal(before.rows, oldRows());
  });

  it("our own reader (queryLake's views) reads the added column over old and new files, old ones as null", async () => {
    assert.ok(lake !== undefined, 'runs after the delta-rs test');
    const stockSum = withStock(FRESH)[0]!.rows.reduce((a, r) => a + r.offset, 0);
    const freshRows = withStock(FRESH)[0]!.rows.length;
    // Old file first (same hour, lower offsets): DuckDB takes the old file's columns.
    const [own] = await queryLake(
      lake,
      `SELECT count(*) AS n, count(*) FILTER (WHERE stock_level IS NULL) AS nulls, sum(stock_level) AS s FROM silver`,
    );
    assert.deepEqual(own, { n: oldRows() + freshRows, nulls: oldRows(), s: stockSum });
  });

  it('a late event of an earlier hour (a new file listed before the old ones) keeps the table queryable', async () => {
    assert.ok(lake !== undefined, 'runs after the delta-rs test');
    const freshRows = withStock(FRESH)[0]!.rows.length;
    const late = withStock({ partition: 0, from: 61, to: 62 }, -2 * HOUR_MS);
    await lake.append('silver', late, FLUSH);
    const expectedRows = oldRows() + freshRows + late[0]!.rows.length;
    if (await deltaRsAvailable()) {
      const r = await readWithDeltaRs(join(dir, 'silver'), { distinct: ['stock_level'] });
      assert.deepEqual([r.rows, r.distinct['stock_level']], [expectedRows, freshRows + late[0]!.rows.length]);
    }
    const [all] = await queryLake(lake, `SELECT count(*) AS n, count(stock_level) AS stocked FROM silver`);
    assert.deepEqual(all, { n: expectedRows, stocked: freshRows + late[0]!.rows.length });
  });
});

describe('removeUncommitted (rollback), read by delta-rs', () => {
  let dir: string;
  let lake: Lake;
  const COMMITTED: Span[] = [
    { partition: 0, from: 0, to: 19 },
    { partition: 1, from: 0, to: 19 },
    { partition: 0, from: 20, to: 39 },
    { partition: 1, from: 20, to: 39 },
  ];
  const UNRECORDED: Span = { partition: 0, from: 40, to: 59 };

  before(async () => {
    dir = tempDir('shop-lake-rollback-');
    lake = await openLake({ dir, fsync: false });
    await flush(lake, COMMITTED.slice(0, 2));
    await flush(lake, COMMITTED.slice(2, 4));
  });
  after(async () => {
    await lake.close();
  });

  it('rolls a flush past the recorded lake position back; committed data and other partitions are untouched', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const committed: Record<string, ReturnType<typeof dataOf>> = {};
    await eachTable(LAKE_TABLES, async (table) => {
      committed[table] = dataOf(await read(dir, table));
    });
    // Flush 3 of partition 0 reaches the Delta tables, the processor dies before the serving DB
    // records its lake position (still 40).
    await flush(lake, [UNRECORDED]);
    // Flush 4 wrote its data files and died before the Delta commit (the files are orphans), and
    // a writer was killed mid-COPY (a temporary file).
    const hourDir = join(dir, 'silver', 'event_date=2026-01-24', 'event_hour=13');
    const someFile = readdirSync(hourDir).find((n) => n.startsWith('p0-'))!;
    const orphan = join(hourDir, lakeFileName({ topic: TOPIC, partition: 0, fromOffset: 60, toOffset: 79 }));
    copyFileSync(join(hourDir, someFile), orphan);
    const temp = `${join(hourDir, lakeFileName({ topic: TOPIC, partition: 0, fromOffset: 80, toOffset: 99 }))}.tmp-4242-7`;
    writeFileSync(temp, 'partial');
    await eachTable(LAKE_TABLES, async (table) =>
      assertReading(
        await read(dir, table),
        table,
        expectedOf(table, [...COMMITTED, UNRECORDED]),
        `${table}: orphans are invisible`,
      ),
    );

    // A tracked partition: the untrackedOnly rollback of the processor's recovery does nothing.
    assert.deepEqual(
      await lake.removeUncommitted({ partition: 0, committedNextOffset: 40, untrackedOnly: true }),
      [],
    );
    assert.equal(existsSync(temp), false, 'abandoned temporary files go at once');

    const versions = Object.fromEntries(
      await Promise.all(
        LAKE_TABLES.map(async (table) => [table, (await lake.tables[table].require()).version] as const),
      ),
    );
    const removed = await lake.removeUncommitted({ partition: 0, committedNextOffset: 40, topic: TOPIC });
    assert.ok(removed.length >= 3, 'at least one file per table');
    assert.ok(
      removed.every((p) => /\/p0-0+40-0+59\.parquet$/.test(p)),
      removed.join(', '),
    );
    assert.equal(
      removed.some((p) =>
        p.endsWith(lakeFileName({ topic: TOPIC, partition: 0, fromOffset: 60, toOffset: 79 })),
      ),
      false,
    );
    await eachTable(LAKE_TABLES, async (table) => {
      assert.equal(
        (await lake.tables[table].require()).version,
        versions[table]! + 1,
        `${table}: one DELETE commit`,
      );
      assert.equal((await lake.tables[table].history(1))[0]!.operation, 'DELETE');
      const r = await read(dir, table);
      assert.deepEqual(dataOf(r), committed[table], `${table}: only the committed data is left`);
      assert.deepEqual(r.txns, { [APP[0]!]: 39, [APP[1]!]: 39 }, `${table}: partition 0's txn moved back`);
    });
    // A second rollback to the same position finds nothing.
    assert.deepEqual(
      await lake.removeUncommitted({ partition: 0, committedNextOffset: 40, topic: TOPIC }),
      [],
    );

    // The rolled-back files (removed at the rollback) and the orphan (unreferenced since it was
    // written) are deleted by vacuum after the retention; delta-rs reads the same data.
    const nowMs = Date.now() + 2 * HOUR_MS;
    const orphanCountBefore = dataFiles(dir, 'silver').length;
    const vac = await vacuumTable(lake.tables.silver, 'silver', { retainHours: 1, nowMs });
    assert.equal(vac.deleted, orphanCountBefore - (await lake.files.list('silver')).length);
    assert.equal(existsSync(orphan), false);
    assert.deepEqual(dataOf(await read(dir, 'silver')), committed['silver']);

    // The processor derives flush 3 again from the log: every row lands once.
    await flush(lake, [UNRECORDED]);
    await eachTable(LAKE_TABLES, async (table) => {
      const r = await read(dir, table);
      assertReading(r, table, expectedOf(table, [...COMMITTED, UNRECORDED]), `${table} after the re-flush`);
      assert.deepEqual(r.txns, { [APP[0]!]: 59, [APP[1]!]: 39 });
    });
  });

  it('replay from Bronze rolls Silver and quarantine of a partition back to offset 0 and rewrites them once', async (t) => {
    if (!(await requireDeltaRs(t))) return;
    const bronzeBefore = dataOf(await read(dir, 'bronze'));
    const removed = await lake.removeUncommitted({
      partition: 1,
      committedNextOffset: 0,
      tables: ['silver', 'quarantine'],
    });
    assert.ok(
      removed.length > 0 && removed.every((p) => /^(silver|quarantine)\/.*\/p1-/.test(p)),
      removed.join(', '),
    );
    const partition0 = [...COMMITTED.filter((s) => s.partition === 0), UNRECORDED];
    await eachTable(['silver', 'quarantine', 'bronze'] as const, async (table) => {
      const r = await read(dir, table);
      if (table === 'bronze') {
        assert.deepEqual(dataOf(r), bronzeBefore, 'bronze is untouched');
        return;
      }
      assertReading(r, table, expectedOf(table, partition0), `${table} without partition 1`);
      assert.equal(r.txns?.[APP[0]!], 59);
      const own = (await lake.tables[table].require()).txnVersion(APP[1]!);
      assert.equal(own, -1, `${table}: partition 1 is back before offset 0`);
      assert.equal(r.txns?.[APP[1]!], own, `${table}: delta-rs reads the same txn version`);
    });
    // The replay's processor rewrites partition 1 from Bronze (no Bronze writes).
    await flush(lake, [{ partition: 1, from: 0, to: 39 }], ['silver', 'quarantine']);
    await eachTable(['silver', 'quarantine'] as const, async (table) => {
      const r = await read(dir, table);
      assertReading(r, table, expectedOf(table, [...COMMITTED, UNRECORDED]), `${table} after the replay`);
      assert.deepEqual(r.txns, { [APP[0]!]: 59, [APP[1]!]: 39 });
    });
  });
});
