import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isShopError } from '../../errors/index.js';
import type { FileKey } from '../lake-table.js';
import { rawRecordColumns } from '../raw-record-columns.js';
import { TOPIC, bronzeRow, quarantineRow, silverRow } from '../testing/lake-row-fixtures.js';
import { openLake, type Lake } from './open-lake.js';
import { queryLake } from './query-lake.js';

const T0 = Date.parse('2026-01-24T13:59:59.999Z');
const key = (fromOffset: number, toOffset: number, partition = 0): FileKey => ({
  topic: TOPIC,
  partition,
  fromOffset,
  toOffset,
});

function listParquet(dir: string, table: string): string[] {
  return (readdirSync(join(dir, table), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.parquet'))
    .sort();
}

describe('DuckDB lake writer', () => {
  let dir: string;
  let lake: Lake;
  const emptySchemas = new Map<string, unknown>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-lake-'));
    lake = await openLake({ dir, fsync: true });
  });
  after(async () => {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves empty views with the table columns before any file exists', async () => {
    const cols = await queryLake(lake, `SELECT column_name, column_type FROM (DESCRIBE silver)`);
    assert.deepEqual(
      cols.slice(0, 4).map((c) => c['column_name']),
      ['event_id', 'event_version', 'event_type', 'event_time'],
    );
    assert.deepEqual(cols.at(-2), { column_name: 'event_date', column_type: 'DATE' });
    for (const table of ['bronze', 'silver', 'quarantine']) {
      emptySchemas.set(
        table,
        await queryLake(lake, `SELECT column_name, column_type FROM (DESCRIBE ${table})`),
      );
      assert.deepEqual(await queryLake(lake, `SELECT count(*) AS n FROM ${table}`), [{ n: 0 }]);
    }
  });

  it('round-trips silver rows with unicode, 1 MB strings and nulls, one file per hive hour', async () => {
    const big = 'x'.repeat(1024 * 1024);
    const rows = [silverRow(0, T0), silverRow(1, T0 + 1), silverRow(2, T0 + 2)];
    rows[0] = {
      ...rows[0]!,
      event: { ...rows[0]!.event, user_agent: 'Grüße 🛒 "quoted", comma\nnewline' },
      driftJson: '{"extra":1}',
    };
    rows[1] = { ...rows[1]!, event: { ...rows[1]!.event, page_url: big } };
    const files = await lake.writeSilver(rows, key(0, 2));
    assert.deepEqual(
      files.map((f) => [f.path, f.rows]),
      [
        [
          'silver/event_date=2026-01-24/event_hour=13/p0-00000000000000000000-00000000000000000002.parquet',
          1,
        ],
        [
          'silver/event_date=2026-01-24/event_hour=14/p0-00000000000000000000-00000000000000000002.parquet',
          2,
        ],
      ],
    );
    const back = await queryLake(lake, `SELECT * FROM silver ORDER BY "offset"`);
    assert.equal(back.length, 3);
    assert.equal(back[0]!['user_agent'], 'Grüße 🛒 "quoted", comma\nnewline');
    assert.equal(back[0]!['drift_json'], '{"extra":1}');
    assert.equal(back[0]!['event_time'], '2026-01-24T13:59:59.999Z');
    assert.equal(back[0]!['event_hour'], 13);
    assert.equal(back[1]!['event_time'], '2026-01-24T14:00:00.000Z');
    assert.equal(back[1]!['event_hour'], 14);
    assert.equal(back[1]!['page_url'], big);
    assert.equal(back[2]!['store_id'], null);
    assert.equal(back[1]!['quantity'], rows[1]!.event.quantity);
    assert.equal(back[1]!['price'], rows[1]!.event.price);
    assert.equal(back[2]!['offset'], 2);
    assert.equal(back[2]!['partition'], 0);
    assert.equal(back[2]!['topic'], TOPIC);
  });

  it('round-trips bronze rows, keeping non-UTF-8 records as bytes', async () => {
    const garbage = Uint8Array.from([0xff, 0xfe, 0x00, 0x41, 0xc3]);
    const raw = rawRecordColumns(garbage);
    assert.equal(raw.rawJson, null);
    const rows = [
      bronzeRow(10, T0),
      {
        ...bronzeRow(11, T0),
        ...raw,
        eventId: null,
        eventType: null,
        eventTimeMs: null,
        ingestTimeMs: null,
        userId: null,
      },
    ];
    const text = rawRecordColumns(Buffer.from('{"a":"é"}'));
    rows.push({ ...bronzeRow(12, T0), ...text });
    await lake.writeBronze(rows, key(10, 12));
    const back = await queryLake(
      lake,
      `SELECT raw_json, raw_bytes, event_id, event_time, ingest_hour FROM bronze ORDER BY "offset"`,
    );
    assert.equal(back[0]!['raw_json'], rows[0]!.rawJson);
    assert.equal(back[0]!['event_time'], new Date(T0 - 5).toISOString());
    assert.equal(back[1]!['raw_json'], null);
    assert.equal(back[1]!['raw_bytes'], Buffer.from(garbage).toString('base64'));
    assert.equal(back[1]!['event_id'], null);
    assert.equal(back[2]!['raw_json'], '{"a":"é"}');
    assert.equal(back[2]!['ingest_hour'], 13);
  });

  it('round-trips quarantine reasons as text and as an ordered list', async () => {
    const reasons = ['missing_event_id', 'invalid_event_type'];
    await lake.writeQuarantine([quarantineRow(20, T0, reasons), quarantineRow(21, T0, [])], key(20, 21));
    const back = await queryLake(lake, `SELECT reasons, reason_list FROM quarantine ORDER BY "offset"`);
    assert.deepEqual(back, [
      { reasons: 'missing_event_id,invalid_event_type', reason_list: reasons },
      { reasons: '', reason_list: [] },
    ]);
  });

  it('rewriting the same key replaces the files with identical rows', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => silverRow(1000 + i, T0 + 10 + i));
    await lake.writeSilver(rows, key(1000, 1499));
    const before = listParquet(dir, 'silver');
    const bytes = before.map((f) => readFileSync(join(dir, 'silver', f)));
    await lake.writeSilver(rows, key(1000, 1499));
    assert.deepEqual(listParquet(dir, 'silver'), before);
    assert.deepEqual(
      before.map((f) => readFileSync(join(dir, 'silver', f))),
      bytes,
    );
    const n = await queryLake(
      lake,
      `SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM silver WHERE "offset" >= 1000`,
    );
    assert.deepEqual(n, [{ n: 500, d: 500 }]);
    assert.equal(
      (readdirSync(join(dir, 'silver'), { recursive: true }) as string[]).filter((f) => f.includes('.tmp-'))
        .length,
      0,
    );
  });

  it('removeUncommitted deletes the partition files at or after the committed offset, and nothing else', async () => {
    await lake.writeSilver([silverRow(2000, T0, 1), silverRow(2001, T0, 1)], key(2000, 2001, 1));
    await lake.writeSilver([silverRow(2002, T0, 1)], key(2002, 2002, 1));
    await lake.writeBronze([bronzeRow(2002, T0, 1)], key(2002, 2002, 1));
    await lake.writeSilver([silverRow(2002, T0, 2)], key(2002, 2002, 2));
    const removed = await lake.removeUncommitted({ partition: 1, committedNextOffset: 2002 });
    assert.deepEqual(removed, [
      'bronze/ingest_date=2026-01-24/ingest_hour=13/p1-00000000000000002002-00000000000000002002.parquet',
      'silver/event_date=2026-01-24/event_hour=13/p1-00000000000000002002-00000000000000002002.parquet',
    ]);
    const left = await queryLake(
      lake,
      `SELECT "partition" AS p, count(*) AS n FROM silver WHERE "offset" >= 2000 GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(left, [
      { p: 1, n: 2 },
      { p: 2, n: 1 },
    ]);
    assert.deepEqual(await lake.removeUncommitted({ partition: 1, committedNextOffset: 2002 }), []);
  });

  it('removeUncommitted also deletes the partition abandoned temporary files, whatever their offset', async () => {
    const hourDir = join(dir, 'silver', 'event_date=2026-01-24', 'event_hour=13');
    const mine = join(hourDir, 'p1-00000000000000000005-00000000000000000009.parquet.tmp-99-1');
    const other = join(hourDir, 'p2-00000000000000000005-00000000000000000009.parquet.tmp-99-2');
    writeFileSync(mine, 'partial');
    writeFileSync(other, 'partial');
    assert.deepEqual(
      await lake.removeUncommitted({ partition: 1, committedNextOffset: 2002, tables: ['silver'] }),
      [],
    );
    assert.equal(existsSync(mine), false);
    assert.equal(existsSync(other), true);
    rmSync(other);
  });

  it('the views over files have exactly the columns of the empty views', async () => {
    for (const table of ['bronze', 'silver', 'quarantine']) {
      assert.deepEqual(
        await queryLake(lake, `SELECT column_name, column_type FROM (DESCRIBE ${table})`),
        emptySchemas.get(table),
        table,
      );
    }
  });

  it('round-trips values that collide with the packed staging marks (U+001F, U+001E) exactly', async () => {
    const base = silverRow(3000, T0 + 5);
    const odd = { ...base, event: { ...base.event, user_agent: 'a\x1fb', store_id: '\x1e', referrer: '' } };
    await lake.writeSilver([odd, silverRow(3001, T0 + 6)], key(3000, 3001));
    const back = await queryLake(
      lake,
      `SELECT user_agent, store_id, referrer FROM silver WHERE "offset" = 3000`,
    );
    assert.deepEqual(back, [{ user_agent: 'a\x1fb', store_id: '\x1e', referrer: '' }]);
    await lake.writeBronze([{ ...bronzeRow(3000, T0), logKey: '\x1e', userId: 'x\x1fy' }], key(3000, 3000));
    const b = await queryLake(lake, `SELECT log_key, user_id FROM bronze WHERE "offset" = 3000`);
    assert.deepEqual(b, [{ log_key: '\x1e', user_id: 'x\x1fy' }]);
  });

  it('a value holding the row separator (U+001D) cannot forge a row, even with matching field counts', async () => {
    const base = silverRow(3100, T0 + 5);
    // referrer is field 18 of 27: the crafted value completes the row (9 more fields), then opens
    // a second one whose 18 fields plus the real row's last 9 make a whole, castable fake row.
    const fakeRest = `r${'\x1f1'.repeat(9)}\x1d${Array.from({ length: 18 }, () => '1').join('\x1f')}`;
    const forged = { ...base, event: { ...base.event, referrer: fakeRest } };
    const plainReferrer = { ...base, event: { ...base.event, referrer: 'a\x1db' } };
    await lake.writeSilver([forged], key(3100, 3100));
    await lake.writeSilver([{ ...plainReferrer, offset: 3101 }], key(3101, 3101));
    const back = await queryLake(
      lake,
      `SELECT "offset", referrer FROM silver WHERE "offset" BETWEEN 3100 AND 3101 OR event_id = '1' ORDER BY 1`,
    );
    assert.deepEqual(back, [
      { offset: 3100, referrer: fakeRest },
      { offset: 3101, referrer: 'a\x1db' },
    ]);
  });

  it('staging memory stays flat however many batches are written', async () => {
    const inMemoryTables = async (): Promise<number> =>
      (await lake.memoryUsage()).find((t) => t.tag === 'IN_MEMORY_TABLE')?.bytes ?? 0;
    const writeBatch = (b: number) =>
      lake.writeBronze(
        Array.from({ length: 1_000 }, (_, i) => bronzeRow(10_000 + b * 1_000 + i, T0 + i)),
        key(10_000 + b * 1_000, 10_000 + b * 1_000 + 999, 7),
      );
    for (let b = 0; b < 3; b++) await writeBatch(b);
    const early = await inMemoryTables();
    for (let b = 3; b < 15; b++) await writeBatch(b);
    // An emptied (TRUNCATE) staging table kept its storage: +0.5 MB per batch of this size.
    assert.ok(
      (await inMemoryTables()) <= early + 1_000_000,
      `staging memory grew: ${early} -> ${await inMemoryTables()}`,
    );
  });

  it('memoryUsage reports what the instance holds by tag, as DuckDB counts it', async () => {
    const before = await lake.memoryUsage();
    const tableBytes = (tags: typeof before) => tags.find((t) => t.tag === 'IN_MEMORY_TABLE')?.bytes ?? 0;
    assert.ok(before.length > 0 && before.every((t) => t.bytes >= 0 && t.temporaryBytes >= 0));
    await lake.queryConnection.run(
      'CREATE TEMP TABLE memory_probe AS SELECT range AS a, md5(range::VARCHAR) AS b FROM range(200000)',
    );
    try {
      const held = tableBytes(await lake.memoryUsage()) - tableBytes(before);
      // 200k rows of a BIGINT and a 32-character string: several MB in DuckDB's blocks.
      assert.ok(held > 4_000_000, `the probe table holds ${held} B`);
    } finally {
      await lake.queryConnection.run('DROP TABLE memory_probe');
    }
  });

  it('a read-only lake refuses writes with a coded error', async () => {
    const reader = await openLake({ dir, readOnly: true });
    try {
      assert.throws(
        () => reader.writeSilver([silverRow(1, T0)], key(1, 1)),
        (e: unknown) => isShopError(e, 'SHOP_LAKE_READ_ONLY'),
      );
      assert.ok(((await queryLake(reader, 'SELECT count(*) AS n FROM bronze'))[0]!['n'] as number) >= 3);
    } finally {
      await reader.close();
    }
  });

  it('reports a bad query as SHOP_LAKE_QUERY_FAILED with the DuckDB message', async () => {
    await assert.rejects(
      queryLake(lake, 'SELECT nope FROM silver'),
      (e: unknown) => isShopError(e, 'SHOP_LAKE_QUERY_FAILED') && /nope/.test(e.message),
    );
  });
});
