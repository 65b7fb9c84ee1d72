import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isShopError } from '../../errors/index.js';
import { LocalLakeStorage } from './local-storage.js';
import { describeLakeStorageConformance } from './storage-conformance.js';

async function tempRoot(): Promise<{ root: string; remove(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'shopstream-local-storage-'));
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

describeLakeStorageConformance('local folder', async () => {
  const { root, remove } = await tempRoot();
  const storage = new LocalLakeStorage(join(root, 'lake'));
  return { storage, cleanup: async () => (await storage.close(), await remove()) };
});

test('local storage: url is file://<absolute root>, localPath the file of the key', async () => {
  const { root, remove } = await tempRoot();
  try {
    const storage = new LocalLakeStorage(join(root, 'lake'), { fsync: false });
    assert.equal(storage.url, `file://${join(root, 'lake')}`);
    assert.equal(storage.localPath('t/_delta_log/0.json'), join(root, 'lake', 't', '_delta_log', '0.json'));
  } finally {
    await remove();
  }
});

test('local storage: leaves no temporary file, and list skips those a crash left behind', async () => {
  const { root, remove } = await tempRoot();
  try {
    const storage = new LocalLakeStorage(root);
    await storage.write('t/a.json', new Uint8Array([1]));
    assert.equal(await storage.putIfAbsent('t/a.json', new Uint8Array([2])), false);
    assert.equal(await storage.putIfAbsent('t/b.json', new Uint8Array([3])), true);
    assert.deepEqual((await readdir(join(root, 't'))).sort(), ['a.json', 'b.json']);
    await writeFile(join(root, 't', `c.json.tmp-${process.pid}-7`), 'torn');
    assert.deepEqual(
      (await storage.list('t/')).map((o) => o.key),
      ['t/a.json', 't/b.json'],
    );
  } finally {
    await remove();
  }
});

test('local storage: a file where a folder is needed is SHOP_LAKE_STORAGE_FAILED with the key', async () => {
  const { root, remove } = await tempRoot();
  try {
    const storage = new LocalLakeStorage(root);
    await storage.write('t', new Uint8Array([1]));
    await assert.rejects(storage.write('t/a.json', new Uint8Array([2])), (err: unknown) => {
      assert.ok(isShopError(err, 'SHOP_LAKE_STORAGE_FAILED'));
      assert.equal(err.details['key'], 't/a.json');
      assert.equal(err.canRetry, true);
      return true;
    });
  } finally {
    await remove();
  }
});
