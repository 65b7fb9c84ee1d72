import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { ALL_MODELS } from '../../src/batch/marts/index.js';
import { openPostgresStore } from '../../src/store/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.js';
import { martGoldenSuite } from './marts-golden-suite.js';

const run = promisify(execFile);
let db: TestDatabase | undefined;

martGoldenSuite('postgres', async () => {
  db = await createTestDatabase();
  const store = await openPostgresStore({ url: db.url, poolSize: 4, statementTimeoutMs: 30_000 });
  return { store, dispose: () => store.close() };
});

/** The psql of the installed server (scripts/postgres.sh installs it), else the one on PATH. */
function psqlPath(): string {
  const dirs = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort().reverse() : [];
  const found = dirs.map((d) => `/usr/lib/postgresql/${d}/bin/psql`).find((p) => existsSync(p));
  return found ?? 'psql';
}

test('postgres: psql can SELECT every published mart', async () => {
  assert.ok(db, 'the golden suite created the database');
  try {
    for (const model of ALL_MODELS.filter((m) => m.published)) {
      const { stdout } = await run(psqlPath(), [
        db.url,
        '-At',
        '-c',
        `SELECT count(*) FROM mart.${model.name}`,
      ]);
      assert.match(stdout.trim(), /^[1-9]\d*$/, `mart.${model.name} has rows`);
    }
  } finally {
    await db.drop();
  }
});
