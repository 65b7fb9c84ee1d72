import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiveFile } from '../lake-file-index.js';
import { TOPIC, silverRow } from '../testing/lake-row-fixtures.js';
import { vacuumTable } from '../delta/vacuum.js';
import { compactLake, runsToMerge, type CompactOptions } from './compact-lake.js';
import { openLake, type Lake } from './open-lake.js';
import { queryLake } from './query-lake.js';

const T0 = Date.parse('2026-01-24T13:05:00Z');
const HOUR_13 = 'silver/event_date=2026-01-24/event_hour=13';

async function writeBatches(lake: Lake, partition: number, batches: number, size: number): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const from = b * size;
    const rows = Array.from({ length: size }, (_, i) =>
      silverRow(partition * 1_000_000 + from + i, T0 + (from + i) * 1000, partition),
    ).map((r, i) => ({ ...r, offset: from + i }));
    await lake.writeSilver(rows, { topic: TOPIC, partition, fromOffset: from, toOffset: from + size - 1 });
  }
}

/** `batches` batches of `size` rows of a partition starting at offset `from`. */
async function writeBatchesAt(
  lake: Lake,
  partition: number,
  from: number,
  batches: number,
  size: number,
): Promise<void> {
  for (let b = 0; b < batches; b++) {
    const start = from + b * size;
    const rows = Array.from({ length: size }, (_, i) =>
      silverRow(partition * 1_000_000 + start + i, T0 + (start + i) * 1000, partition),
    ).map((r, i) => ({ ...r, offset: start + i }));
    await lake.writeSilver(rows, { topic: TOPIC, partition, fromOffset: start, toOffset: start + size - 1 });
  }
}

const options = (committed: Array<[number, number]>, nowMs: number, more: Partial<CompactOptions> = {}) => ({
  committedNextOffsets: new Map(committed),
  minFiles: 4,
  targetBytes: 64 * 1024 * 1024,
  compression: 'zstd' as const,
  rowGroupRows: 122_880,
  fsync: false,
  nowMs,
  ...more,
});

const ids = async (lake: Lake) =>
  (await queryLake(lake, 'SELECT event_id, "offset", partition FROM silver ORDER BY 1')).map((r) =>
    JSON.stringify(r),
  );

describe('lake compaction', () => {
  let dir: string;
  let lake: Lake;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-compact-'));
    // Compaction and vacuum run on a clock of January 2026 here, the Delta log on the real one: a
    // retention of ~100 years keeps the checkpoints from expiring those "old" tombstones.
    lake = await openLake({ dir, fsync: false, tombstoneRetentionHours: 876_000 });
  });
  after(async () => {
    await lake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('merges committed small files per partition, keeps every row once, vacuum deletes the replaced files after the retention', async () => {
    await writeBatches(lake, 0, 6, 50); // offsets 0..299, six files
    await writeBatches(lake, 1, 2, 50); // two files
    const before = await ids(lake);
    // Partition 0 committed up to 250: the file 250-299 may still be removed as uncommitted.
    const open = await compactLake(
      lake,
      options(
        [
          [0, 250],
          [1, 100],
        ],
        T0 + 10 * 60_000,
      ),
    );
    assert.deepEqual(
      { merged: open.merged, superseded: open.superseded, rows: open.rows },
      {
        merged: 1,
        superseded: 5,
        rows: 250,
      },
    );
    assert.deepEqual(await ids(lake), before);
    const live = async () =>
      (await lake.files.list('silver', { partition: 0 })).map((f) =>
        f.tablePath.slice(f.tablePath.lastIndexOf('/') + 1),
      );
    assert.deepEqual(await live(), [
      'p0-00000000000000000000-00000000000000000249.parquet',
      'p0-00000000000000000250-00000000000000000299.parquet',
    ]);
    // The five inputs are removed from the table but stay on disk for older versions until vacuum
    // (6 + 2 of partition 1 + the merged file).
    assert.equal(readdirSync(join(dir, HOUR_13)).filter((n) => n.endsWith('.parquet')).length, 9);
    assert.equal(open.commits, 1, 'one Delta commit (remove + add) for the table');
    // Partition 1 has 2 files: below minFiles while the hour is open; merged once it is closed.
    const closed = await compactLake(
      lake,
      options(
        [
          [0, 250],
          [1, 100],
        ],
        T0 + 3 * 3_600_000,
      ),
    );
    assert.equal(closed.merged, 1);
    assert.deepEqual(await ids(lake), before);
    // Retention 1 h: at 3.5 h the first pass's inputs (removed at 10 min) go, the second's stay.
    const first = await vacuumTable(lake.tables.silver, 'silver', {
      retainHours: 1,
      nowMs: T0 + 3.5 * 3_600_000,
    });
    assert.deepEqual([first.deleted, first.retained], [5, 2]);
    const second = await vacuumTable(lake.tables.silver, 'silver', {
      retainHours: 1,
      nowMs: T0 + 5 * 3_600_000,
    });
    assert.deepEqual([second.deleted, second.retained], [2, 0]);
    assert.deepEqual(await ids(lake), before);
    const onDisk = readdirSync(join(dir, HOUR_13)).filter((n) => n.endsWith('.parquet'));
    assert.equal(onDisk.length, 3);
  });

  it('readers never miss or double a row while compaction merges and deletes files under them', async () => {
    const reader = await openLake({ dir, readOnly: true });
    try {
      await writeBatches(lake, 2, 40, 25); // partition 2: 40 small files, 1000 rows
      const expected = Number((await queryLake(reader, 'SELECT count(*) AS n FROM silver'))[0]!['n']);
      let compacting = true;
      const compaction = (async () => {
        for (let round = 0; round < 6; round++)
          await compactLake(
            lake,
            options([[2, 1000]], T0 + round * 60_000, { minFiles: 2, targetBytes: 1e9 }),
          );
        compacting = false;
      })();
      const counts: number[] = [];
      while (compacting)
        counts.push(Number((await queryLake(reader, 'SELECT count(*) AS n FROM silver'))[0]!['n']));
      await compaction;
      assert.ok(counts.length > 0);
      assert.deepEqual([...new Set(counts)], [expected]);
    } finally {
      await reader.close();
    }
  });

  it('optimize and vacuum during live writes: readers never miss a file nor see a count change', async () => {
    const reader = await openLake({ dir, readOnly: true });
    try {
      await writeBatches(lake, 4, 30, 25); // partition 4: 30 small committed files, 750 rows
      const settled = 'SELECT count(*) AS n FROM silver WHERE partition = 4';
      const all = 'SELECT count(*) AS n FROM silver';
      const count = async (sql: string) => Number((await queryLake(reader, sql))[0]!['n']);
      const filesBefore = (await lake.files.list('silver')).filter((f) => f.partition === 4).length;
      let busy = 2;
      // The processor keeps appending partition 5 meanwhile (its files are fresh: vacuum keeps
      // them until committed, whatever its retention).
      const writing = writeBatches(lake, 5, 30, 10).finally(() => (busy -= 1));
      const maintaining = (async () => {
        let vacuumed = 0;
        for (let round = 0; round < 4; round++) {
          // Removes dated 2 h back, so a 1 h vacuum deletes them at once, under the reader.
          await compactLake(
            lake,
            options([[4, 750 + round * 25]], Date.now() - 2 * 3_600_000, { minFiles: 2, targetBytes: 1e9 }),
          );
          vacuumed += (await vacuumTable(lake.tables.silver, 'silver', { retainHours: 1 })).deleted;
          await writeBatchesAt(lake, 4, 750 + round * 25, 1, 25);
        }
        return vacuumed;
      })().finally(() => (busy -= 1));
      const settledCounts = new Set<number>();
      let last = 0;
      while (busy > 0) {
        const n = await count(all);
        assert.ok(n >= last, `the table count never goes back (${last} -> ${n})`);
        last = n;
        settledCounts.add(await count(`${settled} AND "offset" < 750`));
      }
      await writing;
      const vacuumed = await maintaining;
      assert.deepEqual([...settledCounts], [750], 'committed rows read the same through every rewrite');
      assert.ok(vacuumed >= filesBefore, `vacuum deleted the replaced files (${vacuumed})`);
      assert.equal(await count(settled), 850);
      const filesAfter = (await lake.files.list('silver')).filter((f) => f.partition === 4).length;
      assert.ok(filesAfter * 10 <= filesBefore, `${filesBefore} files -> ${filesAfter}`);
    } finally {
      await reader.close();
    }
  });

  it('never runs a merge across a file it does not merge, nor past the committed position', () => {
    const f = (fromOffset: number, toOffset: number, bytes: number): LiveFile => ({
      path: `/l/silver/event_date=2026-01-24/event_hour=13/x${fromOffset}`,
      tablePath: `event_date=2026-01-24/event_hour=13/x${fromOffset}`,
      rows: 10,
      partition: 0,
      fromOffset,
      toOffset,
      hour: Math.floor(T0 / 3_600_000),
      bytes,
    });
    const files = [f(0, 9, 10), f(10, 19, 10), f(20, 29, 1000), f(30, 39, 10), f(40, 49, 10), f(50, 59, 10)];
    const runs = runsToMerge(
      files,
      { committedNextOffsets: new Map([[0, 50]]), minFiles: 2, targetBytes: 500 },
      T0,
    );
    assert.deepEqual(
      runs.map((r) => r.map((x) => x.fromOffset)),
      [
        [0, 10],
        [30, 40],
      ],
    );
  });
});
