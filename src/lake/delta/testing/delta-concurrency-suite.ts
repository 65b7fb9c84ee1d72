import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isShopError } from '../../../errors/index.js';
import type { LakeStorageHarness } from '../../storage/storage-conformance.js';
import type { LakeStorage } from '../../storage/lake-storage.js';
import { commitKey, type DeltaAction } from '../delta-actions.js';
import { DeltaTable } from '../delta-table.js';
import { addFile, oneColumnMetaData, PROTOCOL_1_2, removeFile } from './delta-test-actions.js';

const ROOT = 'events';
const METADATA = oneColumnMetaData('5f1d7c0e-concurrency');
const PROTOCOL = PROTOCOL_1_2;
const WRITERS = 4;
const COMMITS_PER_WRITER = 8;
const add = addFile;
const remove = (path: string) => removeFile(path);
const txn = (appId: string, version: number): DeltaAction => ({ txn: { appId, version, lastUpdated: 0 } });

/**
 * The storage as two processes would see it: `gated` holds its writer's put-if-absent until the
 * other writer has reached its own (`arrive`), so both try the same version; `leader` lets its
 * put-if-absent through and then releases the follower. Reads and everything else pass through.
 */
function racingPair(storage: LakeStorage): {
  leader: LakeStorage;
  follower: LakeStorage;
  outcomes: boolean[];
} {
  let arrived!: () => void;
  const followerArrived = new Promise<void>((resolve) => (arrived = resolve));
  let led!: () => void;
  const leaderDone = new Promise<void>((resolve) => (led = resolve));
  const outcomes: boolean[] = [];
  const wrap = (role: 'leader' | 'follower'): LakeStorage =>
    new Proxy(storage, {
      get(target, prop, receiver) {
        if (prop !== 'putIfAbsent') {
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return async (key: string, bytes: Uint8Array): Promise<boolean> => {
          if (!key.includes('_delta_log/') || outcomes.length >= 2) return target.putIfAbsent(key, bytes);
          if (role === 'leader') {
            await followerArrived;
            const won = await target.putIfAbsent(key, bytes);
            outcomes.push(won);
            led();
            return won;
          }
          arrived();
          await leaderDone;
          const won = await target.putIfAbsent(key, bytes);
          outcomes.push(won);
          return won;
        };
      },
    });
  return { leader: wrap('leader'), follower: wrap('follower'), outcomes };
}

/**
 * Delta commits by concurrent writers on one storage (issue 13: "two writers committing the same
 * version concurrently: exactly one wins, the other retries, no commit is lost"). Each writer is
 * its own DeltaTable, as separate processes are: no shared cache, only the storage.
 */
export function describeDeltaConcurrency(name: string, open: () => Promise<LakeStorageHarness>): void {
  describe(`Delta commits by concurrent writers: ${name}`, () => {
    async function withTable(fn: (storage: LakeStorage) => Promise<void>): Promise<void> {
      const { storage, cleanup } = await open();
      try {
        assert.equal(await new DeltaTable(storage, ROOT).create(METADATA, PROTOCOL), true);
        await fn(storage);
      } finally {
        await cleanup();
      }
    }

    test('two blind appends on the same version: one wins it, the other retries at the next, both land', async () => {
      await withTable(async (storage) => {
        const race = racingPair(storage);
        const a = new DeltaTable(race.leader, ROOT);
        const b = new DeltaTable(race.follower, ROOT);
        // Both have read version 0 before either commits.
        assert.equal((await a.require()).version, 0);
        assert.equal((await b.require()).version, 0);
        const [va, vb] = await Promise.all([
          a.commit({ actions: [add('a.parquet')], operation: 'WRITE' }),
          b.commit({ actions: [add('b.parquet')], operation: 'WRITE' }),
        ]);
        // Both tried version 1; the leader won it, the follower lost and retried at 2.
        assert.deepEqual(race.outcomes, [true, false]);
        assert.equal(va, 1);
        assert.equal(vb, 2);
        const fresh = await new DeltaTable(storage, ROOT).require();
        assert.equal(fresh.version, 2);
        assert.deepEqual([...fresh.files.keys()].sort(), ['a.parquet', 'b.parquet']);
        // The retried commit still names the version its work read (0), as Delta's commitInfo does.
        const bytes = await storage.read(`${ROOT}/${commitKey(2)}`);
        const [first] = new TextDecoder().decode(bytes!).split('\n');
        const { commitInfo } = JSON.parse(first!) as {
          commitInfo: { readVersion: number; isBlindAppend: boolean };
        };
        assert.deepEqual([commitInfo.readVersion, commitInfo.isBlindAppend], [0, true]);
      });
    });

    test(`${WRITERS} writers x ${COMMITS_PER_WRITER} appends at once: every version once, no commit lost`, async () => {
      await withTable(async (storage) => {
        const writers = Array.from({ length: WRITERS }, () => new DeltaTable(storage, ROOT));
        const versions = await Promise.all(
          writers.map(async (w, i) => {
            const mine: number[] = [];
            for (let c = 0; c < COMMITS_PER_WRITER; c++)
              mine.push(await w.commit({ actions: [add(`w${i}-c${c}.parquet`)], operation: 'WRITE' }));
            return mine;
          }),
        );
        const all = versions.flat().sort((x, y) => x - y);
        const total = WRITERS * COMMITS_PER_WRITER;
        assert.deepEqual(
          all,
          Array.from({ length: total }, (_, i) => i + 1),
          'each commit got its own version, no gap, no version twice',
        );
        const fresh = await new DeltaTable(storage, ROOT).require();
        assert.equal(fresh.version, total);
        assert.equal(fresh.files.size, total, 'every appended file is in the table');
        for (const [i, mine] of versions.entries())
          assert.deepEqual(
            mine,
            [...mine].sort((x, y) => x - y),
            `writer ${i} saw its versions in order`,
          );
      });
    });

    test('two writers of the same txn appId (a zombie processor): exactly one commits, the other conflicts', async () => {
      await withTable(async (storage) => {
        const race = racingPair(storage);
        const live = new DeltaTable(race.leader, ROOT);
        const zombie = new DeltaTable(race.follower, ROOT);
        const appId = 'shopstream:ecom.raw:0';
        const expectedTxns = new Map([[appId, null]]);
        await Promise.all([live.require(), zombie.require()]);
        const results = await Promise.allSettled([
          live.commit({ actions: [add('live.parquet'), txn(appId, 99)], operation: 'WRITE', expectedTxns }),
          zombie.commit({
            actions: [add('zombie.parquet'), txn(appId, 99)],
            operation: 'WRITE',
            expectedTxns,
          }),
        ]);
        assert.equal(results[0].status, 'fulfilled');
        assert.equal(results[1].status, 'rejected');
        const err = (results[1] as PromiseRejectedResult).reason as unknown;
        assert.ok(isShopError(err) && err.code === 'SHOP_LAKE_COMMIT_CONFLICT', String(err));
        const fresh = await new DeltaTable(storage, ROOT).require();
        assert.equal(fresh.version, 1, 'the loser wrote no version');
        assert.deepEqual([...fresh.files.keys()], ['live.parquet']);
        assert.equal(fresh.txnVersion(appId), 99);
      });
    });

    test('two compactions removing the same file: one commits, the other conflicts; an append beside them lands', async () => {
      await withTable(async (storage) => {
        const seed = new DeltaTable(storage, ROOT);
        await seed.commit({ actions: [add('small-1.parquet'), add('small-2.parquet')], operation: 'WRITE' });
        const race = racingPair(storage);
        const first = new DeltaTable(race.leader, ROOT);
        const second = new DeltaTable(race.follower, ROOT);
        const appender = new DeltaTable(storage, ROOT);
        await Promise.all([first.require(), second.require(), appender.require()]);
        const optimize = (table: DeltaTable, into: string) =>
          table.commit({
            actions: [remove('small-1.parquet'), remove('small-2.parquet'), add(into)],
            operation: 'OPTIMIZE',
          });
        const results = await Promise.allSettled([
          optimize(first, 'big-a.parquet'),
          optimize(second, 'big-b.parquet'),
          appender.commit({ actions: [add('late.parquet')], operation: 'WRITE' }),
        ]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'rejected', 'fulfilled'],
        );
        const err = (results[1] as PromiseRejectedResult).reason as unknown;
        assert.ok(isShopError(err) && err.code === 'SHOP_LAKE_COMMIT_CONFLICT', String(err));
        const fresh = await new DeltaTable(storage, ROOT).require();
        assert.equal(fresh.version, 3);
        assert.deepEqual([...fresh.files.keys()].sort(), ['big-a.parquet', 'late.parquet']);
      });
    });
  });
}
