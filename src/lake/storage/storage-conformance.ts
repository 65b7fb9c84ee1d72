import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { isShopError, type ErrorCode } from '../../errors/index.js';
import type { LakeStorage } from './lake-storage.js';

/** What an adapter under test provides: a fresh, empty storage per test, and its removal. */
export interface LakeStorageHarness {
  readonly storage: LakeStorage;
  cleanup(): Promise<void>;
}

/**
 * Bytes of writeFile's large case. The S3 test sets a 5 MiB threshold and 5 MiB parts, so this
 * is a 3-part upload whose last part is short.
 */
const LARGE_FILE_BYTES = 11 * 1024 * 1024 + 123;
const CONCURRENT_CREATORS = 20;

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const sameBytes = (a: Uint8Array | null, b: Uint8Array): boolean => a !== null && Buffer.from(a).equals(b);

/** The listing fixture, in ascending byte order (`u/ｚ` U+FF5A before `u/😀` U+1F600: UTF-8, not UTF-16). */
const LISTED_KEYS = [
  't/_delta_log/00000000000000000000.json',
  't/_delta_log/00000000000000000001.json',
  't/_delta_log/00000000000000000010.checkpoint.parquet',
  't/_delta_log/00000000000000000010.json',
  't/_delta_log/_last_checkpoint',
  't/date=2024-01-01/part-0.parquet',
  't/date=2024-01-02/part-0.parquet',
  't/part-Z.parquet',
  't/part-a.parquet',
  't/part_b.parquet',
  'u-x',
  'u.x',
  'u/B',
  'u/a',
  'u/with space',
  'u/é',
  'u/ｚ',
  'u/😀',
  'uv',
];

const BAD_KEYS = ['', '/abs', '..', 'a/../b', 'a/./b', 'a//b', 'a/', 'a\\b', 'a\0b', 'a/x.json.tmp-1-2'];
const BAD_PREFIXES = ['/a', '../', 'a/../', 'a//', 'a\\b', 'a\0'];

async function writeListingFixture(storage: LakeStorage): Promise<void> {
  await Promise.all(LISTED_KEYS.map((key, i) => storage.write(key, utf8(`${key}#${'x'.repeat(i)}`))));
}

const keysOf = async (listing: Promise<{ key: string }[]>): Promise<string[]> =>
  (await listing).map((object) => object.key);

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, label: string): Promise<void> {
  await assert.rejects(
    promise,
    (err: unknown) => isShopError(err, code) || assert.fail(`${label}: ${String(err)}`),
  );
}

/** Local files for writeFile, removed by the returned function. */
async function localFiles(
  files: Record<string, Uint8Array>,
): Promise<{ path(name: string): string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-storage-src-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return { path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * The lake storage port's conformance suite: every adapter (local folder, S3) must pass it
 * unchanged. Each test opens a fresh, empty storage and cleans it up.
 */
export function describeLakeStorageConformance(name: string, open: () => Promise<LakeStorageHarness>): void {
  const withStorage = (title: string, body: (storage: LakeStorage) => Promise<void>): void => {
    test(title, async () => {
      const harness = await open();
      try {
        await body(harness.storage);
      } finally {
        await harness.cleanup();
      }
    });
  };

  describe(`lake storage conformance: ${name}`, () => {
    withStorage('write, read and head round-trip the bytes (an empty object too)', async (storage) => {
      const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
      const before = Date.now();
      await storage.write('a/b/c.bin', bytes);
      await storage.write('empty', new Uint8Array(0));
      assert.ok(sameBytes(await storage.read('a/b/c.bin'), bytes));
      assert.equal((await storage.read('empty'))?.length, 0);
      const head = await storage.head('a/b/c.bin');
      assert.equal(head?.key, 'a/b/c.bin');
      assert.equal(head?.size, 256);
      // S3 keeps whole seconds: allow for truncation and clock skew.
      assert.ok(Math.abs(head.modifiedMs - before) < 10_000, `modifiedMs ${head.modifiedMs} vs ${before}`);
      assert.equal((await storage.head('empty'))?.size, 0);
    });

    withStorage('write replaces an existing object', async (storage) => {
      await storage.write('k.json', utf8('a longer first version'));
      await storage.write('k.json', utf8('v2'));
      assert.ok(sameBytes(await storage.read('k.json'), utf8('v2')));
      assert.equal((await storage.head('k.json'))?.size, 2);
    });

    withStorage(
      'read and head answer null for a missing key and for a folder of other keys',
      async (storage) => {
        assert.equal(await storage.read('missing/x.json'), null);
        assert.equal(await storage.head('missing/x.json'), null);
        await storage.write('dir/file', utf8('x'));
        assert.equal(await storage.read('dir'), null);
        assert.equal(await storage.head('dir'), null);
        assert.equal(await storage.read('dir/file/below'), null);
      },
    );

    withStorage('list is recursive, in ascending byte order, by folder or key prefix', async (storage) => {
      await writeListingFixture(storage);
      assert.deepEqual(await keysOf(storage.list('')), LISTED_KEYS);
      const log = LISTED_KEYS.filter((key) => key.startsWith('t/_delta_log/'));
      assert.deepEqual(await keysOf(storage.list('t/_delta_log/')), log);
      assert.deepEqual(await keysOf(storage.list('t/_delta_log/0000000000000000001')), log.slice(2, 4));
      assert.deepEqual(await keysOf(storage.list('t/part')), LISTED_KEYS.slice(7, 10));
      assert.deepEqual(await keysOf(storage.list('u')), LISTED_KEYS.slice(10));
      assert.deepEqual(await keysOf(storage.list('u/')), LISTED_KEYS.slice(12, 18));
      assert.deepEqual(await storage.list('nope/'), []);
      assert.deepEqual(await storage.list('t/_delta_log/x'), []);
      const listed = await storage.list('t/_delta_log/_last');
      assert.deepEqual(
        listed.map((o) => [o.key, o.size]),
        [[log[4], utf8(`${log[4]}#xxxx`).length]],
      );
    });

    withStorage('list pages with startAfter (exclusive) and limit', async (storage) => {
      await writeListingFixture(storage);
      assert.deepEqual(await keysOf(storage.list('', { limit: 3 })), LISTED_KEYS.slice(0, 3));
      assert.deepEqual(
        await keysOf(storage.list('', { startAfter: LISTED_KEYS[2], limit: 3 })),
        LISTED_KEYS.slice(3, 6),
      );
      const log = 't/_delta_log/';
      assert.deepEqual(
        await keysOf(storage.list(log, { startAfter: `${log}00000000000000000005` })),
        LISTED_KEYS.slice(2, 5),
      );
      assert.deepEqual(await keysOf(storage.list(log, { startAfter: 'a' })), LISTED_KEYS.slice(0, 5));
      assert.deepEqual(await storage.list('', { startAfter: 'zzz' }), []);
      assert.deepEqual(await storage.list('', { limit: 0 }), []);
      const paged: string[] = [];
      for (let page = await keysOf(storage.list('', { limit: 4 })); page.length > 0;) {
        paged.push(...page);
        page = await keysOf(storage.list('', { startAfter: paged[paged.length - 1], limit: 4 }));
      }
      assert.deepEqual(paged, LISTED_KEYS);
    });

    withStorage('putIfAbsent creates once; later calls answer false and change nothing', async (storage) => {
      assert.equal(await storage.putIfAbsent('log/00000.json', utf8('first')), true);
      assert.equal(await storage.putIfAbsent('log/00000.json', utf8('second')), false);
      assert.ok(sameBytes(await storage.read('log/00000.json'), utf8('first')));
      await storage.delete(['log/00000.json']);
      assert.equal(await storage.putIfAbsent('log/00000.json', utf8('third')), true);
      assert.ok(sameBytes(await storage.read('log/00000.json'), utf8('third')));
    });

    withStorage(
      `${CONCURRENT_CREATORS} concurrent putIfAbsent on one key: one wins, its bytes stay`,
      async (storage) => {
        const payloads = Array.from({ length: CONCURRENT_CREATORS }, (_, i) =>
          Buffer.concat([utf8(`writer ${i}\n`), randomBytes(64 * 1024)]),
        );
        const won = await Promise.all(
          payloads.map((bytes) => storage.putIfAbsent('c/_delta_log/1.json', bytes)),
        );
        const winners = won.flatMap((created, i) => (created ? [i] : []));
        assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
        assert.ok(sameBytes(await storage.read('c/_delta_log/1.json'), payloads[winners[0]!]!));
        assert.deepEqual(await keysOf(storage.list('c/')), ['c/_delta_log/1.json']);
      },
    );

    withStorage('concurrent writes of one key leave one whole object', async (storage) => {
      const payloads = Array.from({ length: 8 }, () => randomBytes(256 * 1024));
      await Promise.all(payloads.map((bytes) => storage.write('w/part.parquet', bytes)));
      const stored = await storage.read('w/part.parquet');
      assert.ok(
        payloads.some((bytes) => sameBytes(stored, bytes)),
        'the object is one of the writes',
      );
      assert.deepEqual(await keysOf(storage.list('w/')), ['w/part.parquet']);
    });

    withStorage(
      'writeFile uploads an empty, a small and a large file (above the multipart threshold)',
      async (storage) => {
        const files = {
          empty: new Uint8Array(0),
          small: randomBytes(1500),
          large: randomBytes(LARGE_FILE_BYTES),
        };
        const local = await localFiles(files);
        try {
          await storage.write('f/large.parquet', utf8('replaced by writeFile'));
          for (const name of Object.keys(files))
            await storage.writeFile(`f/${name}.parquet`, local.path(name));
          for (const [name, bytes] of Object.entries(files)) {
            assert.ok(sameBytes(await storage.read(`f/${name}.parquet`), bytes), name);
            assert.equal((await storage.head(`f/${name}.parquet`))?.size, bytes.length, name);
          }
          assert.deepEqual(await keysOf(storage.list('f/')), [
            'f/empty.parquet',
            'f/large.parquet',
            'f/small.parquet',
          ]);
          const missing = storage.writeFile('f/missing.parquet', local.path('no-such-file'));
          await rejectsWith(missing, 'SHOP_LAKE_STORAGE_FAILED', 'missing local file');
          assert.equal(await storage.head('f/missing.parquet'), null);
        } finally {
          await local.remove();
        }
      },
    );

    withStorage('delete removes the objects and ignores missing keys', async (storage) => {
      await Promise.all(['d/1', 'd/2', 'd/sub/3'].map((key) => storage.write(key, utf8(key))));
      await storage.delete(['d/1', 'd/sub/3', 'd/missing', 'never/was']);
      await storage.delete([]);
      assert.equal(await storage.read('d/1'), null);
      assert.equal(await storage.head('d/sub/3'), null);
      assert.deepEqual(await keysOf(storage.list('')), ['d/2']);
    });

    withStorage(
      'keys and prefixes that are not canonical are rejected (SHOP_LAKE_STORAGE_BAD_KEY)',
      async (storage) => {
        const code = 'SHOP_LAKE_STORAGE_BAD_KEY';
        for (const key of BAD_KEYS) {
          const label = JSON.stringify(key);
          await rejectsWith(storage.read(key), code, `read ${label}`);
          await rejectsWith(storage.head(key), code, `head ${label}`);
          await rejectsWith(storage.write(key, utf8('x')), code, `write ${label}`);
          await rejectsWith(storage.writeFile(key, '/dev/null'), code, `writeFile ${label}`);
          await rejectsWith(storage.putIfAbsent(key, utf8('x')), code, `putIfAbsent ${label}`);
          await rejectsWith(storage.delete(['ok', key]), code, `delete ${label}`);
          assert.throws(
            () => storage.localPath(key),
            (err: unknown) => isShopError(err, code) && !err.canRetry,
          );
        }
        for (const prefix of BAD_PREFIXES) {
          await rejectsWith(storage.list(prefix), code, `list ${JSON.stringify(prefix)}`);
        }
        assert.deepEqual(await storage.list(''), [], 'nothing was written');
      },
    );
  });
}
