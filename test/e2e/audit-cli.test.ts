import assert from 'node:assert/strict';
import { userInfo } from 'node:os';
import { test } from 'node:test';
import { jsonLines, runCli, runCliOk, tempDataDir } from '../helpers/cli.js';

/**
 * The CLI side of the audit log: API keys created, rotated and revoked with `api-keys`, a replay
 * and a `db migrate`, each recorded with the OS user as actor, read back with `audit list`.
 */
test('api-keys, replay and db migrate are audited as cli:<user>; audit list reads them back', async () => {
  const data = await tempDataDir('audit-cli');
  const run = (args: string[]) => runCliOk(args, { dataDir: data.dir });
  try {
    const created = JSON.parse(
      await run(['api-keys', 'create', '--name', 'bi', '--role', 'analyst', '--json']),
    ) as {
      key: string;
      record: { id: string; role: string };
    };
    assert.equal(created.record.role, 'analyst');
    const rotated = JSON.parse(await run(['api-keys', 'rotate', created.record.id, '--json'])) as {
      record: { id: string; rotatedFrom: string };
    };
    assert.equal(rotated.record.rotatedFrom, created.record.id);
    await run(['api-keys', 'revoke', rotated.record.id]);
    const listed = jsonLines<{ id: string; revokedAt: string | null; expiresAt: string | null }>(
      await run(['api-keys', 'list', '--json']),
    );
    assert.equal(listed.length, 2);
    assert.notEqual(listed.find((k) => k.id === rotated.record.id)?.revokedAt, null);
    assert.notEqual(
      listed.find((k) => k.id === created.record.id)?.expiresAt,
      null,
      'the rotated key expires',
    );
    await run(['replay']);
    await run(['db', 'migrate']);
    const bad = await runCli(['api-keys', 'create', '--name', 'x', '--role', 'root'], { dataDir: data.dir });
    assert.equal(bad.code, 2);

    const entries = jsonLines<{
      action: string;
      actor: string;
      role: string;
      source: string;
      outcome: string;
    }>(await run(['audit', 'list', '--json'])).reverse();
    assert.deepEqual(
      entries.map((e) => `${e.action} ${e.outcome}`),
      ['key.create ok', 'key.rotate ok', 'key.revoke ok', 'replay ok', 'db.migrate ok'],
    );
    assert.ok(entries.every((e) => e.actor === `cli:${userInfo().username}` && e.role === 'cli'));
    assert.ok(entries.every((e) => e.source.startsWith('cli@')));
    const filtered = jsonLines(await run(['audit', 'list', '--json', '--action', 'replay']));
    assert.equal(filtered.length, 1);
  } finally {
    await data.cleanup();
  }
});
