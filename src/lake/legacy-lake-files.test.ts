import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LegacyLakeFiles, dropCovered } from './legacy-lake-files.js';
import { lakeFileName } from './lake-file-names.js';

const name = (partition: number, fromOffset: number, toOffset: number) =>
  lakeFileName({ topic: '', partition, fromOffset, toOffset });

describe('legacy lake files (before Delta)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shop-index-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const put = (hourDir: string, file: string) => {
    const folder = join(dir, 'silver', hourDir);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, file), 'x');
  };

  it('drops files whose range a compacted file of the same partition covers', () => {
    const files = [
      { partition: 0, fromOffset: 0, toOffset: 9, name: 'a' },
      { partition: 0, fromOffset: 10, toOffset: 19, name: 'b' },
      { partition: 0, fromOffset: 0, toOffset: 19, name: 'merged' },
      { partition: 0, fromOffset: 20, toOffset: 29, name: 'c' },
      { partition: 1, fromOffset: 5, toOffset: 9, name: 'other partition' },
    ];
    assert.deepEqual(
      dropCovered(files).map((f) => f.name),
      ['merged', 'c', 'other partition'],
    );
  });

  it('lists readable files only, pruned by hive hour range and partition, and sees changes', async () => {
    put('event_date=2026-01-24/event_hour=13', name(0, 0, 9));
    put('event_date=2026-01-24/event_hour=13', name(0, 10, 19));
    put('event_date=2026-01-24/event_hour=13', `${name(0, 20, 29)}.tmp-1-2`);
    put('event_date=2026-01-24/event_hour=13', `${name(0, 30, 39)}.superseded-5`);
    put('event_date=2026-01-24/event_hour=14', name(1, 0, 9));
    put('event_date=2026-01-25/event_hour=00', name(0, 40, 49));
    const index = new LegacyLakeFiles(dir);
    const all = await index.list('silver');
    assert.deepEqual(
      all.map((f) => [f.hour % 24, f.partition, f.fromOffset]),
      [
        [13, 0, 0],
        [13, 0, 10],
        [14, 1, 0],
        [0, 0, 40],
      ],
    );
    const hour14 = await index.list('silver', {
      fromMs: Date.parse('2026-01-24T14:10:00Z'),
      toMs: Date.parse('2026-01-24T14:20:00Z'),
    });
    assert.deepEqual(
      hour14.map((f) => f.fromOffset),
      [0],
    );
    assert.equal((await index.list('silver', { partition: 0 })).length, 3);
    put('event_date=2026-01-24/event_hour=13', name(0, 0, 19)); // compaction publishes the merge
    assert.deepEqual(
      (await index.list('silver', { partition: 0 })).map((f) => `${f.fromOffset}-${f.toOffset}`),
      ['0-19', '40-49'],
    );
    assert.deepEqual(await index.list('bronze'), []);
  });
});
