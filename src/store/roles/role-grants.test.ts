import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openServingStore } from '../open-serving-store.js';
import { existingTables, grantStatements } from './apply-role-grants.js';
import { ROLES, WRITES } from './role-grants.js';

test('every serving table is classified in WRITES, so a new migration decides who may write it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shopstream-roles-'));
  const store = await openServingStore({
    url: '',
    dataDir: dir,
    poolSize: 1,
    statementTimeoutMs: 0,
    connectTimeoutMs: 1,
  });
  try {
    const tables = [...(await existingTables(store))].filter((t) => t.startsWith('serving.')).sort();
    assert.deepEqual(
      tables.filter((t) => !(t in WRITES)),
      [],
      'tables missing from store/roles/role-grants.ts WRITES',
    );
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('grants: read for every role, writes as listed, column-level UPDATE, only existing objects', () => {
  const readers = ROLES.filter((r) => r !== 'shopstream_migrator');
  const sql = grantStatements(
    readers,
    new Set(['serving']),
    new Set(['serving.kpi_minute', 'serving.alerts']),
  );
  assert.ok(
    sql.includes(
      'GRANT SELECT ON ALL TABLES IN SCHEMA serving TO shopstream_processor, shopstream_api, shopstream_worker',
    ),
  );
  assert.ok(sql.includes('GRANT INSERT, UPDATE, DELETE ON serving.kpi_minute TO shopstream_processor'));
  assert.ok(
    sql.includes(
      'GRANT UPDATE (status, acknowledged_at, acknowledged_by, updated_at) ON serving.alerts TO shopstream_api',
    ),
  );
  assert.ok(!sql.some((s) => s.includes('serving.audit_log')), 'absent tables get no grant');
  assert.ok(!sql.some((s) => s.includes('mart')), 'absent schemas get no grant');
  assert.ok(
    !sql.some((s) => /ON serving\.kpi_minute TO shopstream_api/.test(s)),
    'the API role never writes Gold',
  );
});
