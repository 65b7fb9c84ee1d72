import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addWriteKey, readWriteKeyFile, revokeWriteKey, writeWriteKeyFile } from './write-key-file.js';
import { basicAuthUser, WriteKeyResolver } from './write-key-resolver.js';

test('concurrent first lookups all see the loaded keys; revocation is picked up on the next reload', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-keys-'));
  try {
    const path = join(dir, 'keys.json');
    const created = addWriteKey(await readWriteKeyFile(path), 'web', 0);
    await writeWriteKeyFile(path, created.content);
    assert.ok(!JSON.stringify(created.content).includes(created.key), 'only the digest is stored');
    const resolver = new WriteKeyResolver(path, 0);
    const lookups = await Promise.all([1, 2, 3].map(() => resolver.lookup(created.key, 1)));
    assert.deepEqual(
      lookups.map((l) => l.kind),
      ['key', 'key', 'key'],
    );
    assert.equal((await resolver.lookup('other', 2)).kind, 'unknown');
    assert.equal((await resolver.lookup(undefined, 2)).kind, 'none');
    await new Promise((r) => setTimeout(r, 20));
    await writeWriteKeyFile(path, revokeWriteKey(created.content, created.record.id, 5));
    assert.equal((await resolver.lookup(created.key, 10)).kind, 'unknown');
    assert.throws(() => revokeWriteKey(created.content, 'wk_nope', 5), /SHOP_COLLECTOR_KEY_NOT_FOUND/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the write key is the Basic user name; the password is ignored', () => {
  assert.equal(basicAuthUser('Basic ' + Buffer.from('ssk_a-b_c:').toString('base64')), 'ssk_a-b_c');
  assert.equal(basicAuthUser('Basic ' + Buffer.from('k:pw').toString('base64')), 'k');
  assert.equal(basicAuthUser('Bearer x'), undefined);
  assert.equal(basicAuthUser(undefined), undefined);
});
