import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { isShopError, type ErrorCode } from '../../src/errors/index.js';
import { openServingStore, type ServingStore, type ServingStoreOptions } from '../../src/store/index.js';
import { runCli, runCliOk, spawnCli, tempDataDir } from '../helpers/cli.js';
import {
  createSslTestDatabase,
  sslAdmin,
  testSslServer,
  urlAs,
  verifiedClient,
  type SslServer,
  type SslTestDatabase,
} from '../helpers/postgres-ssl.js';
import { waitFor } from './helpers/distributed-run.js';

/**
 * PostgreSQL over TLS (store.sslMode, store.sslCaFile) against the TLS-only test server, and the
 * least-privilege roles of store/roles: created by `db roles`, granted by `db migrate` run as the
 * migration login, then each login can do its job and nothing else; `run --role api` really
 * connects as the API login (pg_stat_activity) with verify-full.
 */
const base = (url: string, extra: Partial<ServingStoreOptions> = {}): ServingStoreOptions => ({
  url,
  dataDir: '',
  poolSize: 2,
  statementTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  ...extra,
});

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(promise, (err: unknown) => isShopError(err, code) || assert.fail(String(err)));
}

async function sslInUse(store: ServingStore): Promise<boolean> {
  const rows = await store.query<{ ssl: boolean }>(
    `SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()`,
  );
  return rows[0]?.ssl === true;
}

describe('PostgreSQL TLS and least-privilege roles', () => {
  let server: SslServer;
  let db: SslTestDatabase;
  const suffix = randomBytes(3).toString('hex');
  const login = (role: string) => `t_${role}_${suffix}`;
  const logins = ['migrate', 'processor', 'api'].map(login);
  before(async () => {
    server = await testSslServer();
    db = await createSslTestDatabase(server);
  });
  after(async () => {
    await db.drop();
    await sslAdmin(
      server,
      logins.map((l) => `DROP ROLE IF EXISTS ${l}`),
    );
  });

  test('verify-full, verify-ca and require connect encrypted', async () => {
    for (const sslMode of ['verify-full', 'verify-ca'] as const) {
      const store = await openServingStore(
        base(db.url, { sslMode, sslCaFile: server.caFile, migrations: 'skip' }),
      );
      assert.equal(await sslInUse(store), true, sslMode);
      await store.close();
    }
    const viaName = db.url.replace('127.0.0.1', 'localhost');
    const named = await openServingStore(
      base(viaName, { sslMode: 'verify-full', sslCaFile: server.caFile, migrations: 'skip' }),
    );
    assert.equal(await sslInUse(named), true);
    await named.close();
    const unverified = await openServingStore(base(db.url, { sslMode: 'require', migrations: 'skip' }));
    assert.equal(await sslInUse(unverified), true);
    await unverified.close();
  });

  test('untrusted certificate, plaintext and a wrong password are coded, not retryable', async () => {
    await rejectsWith(openServingStore(base(db.url, { sslMode: 'verify-full' })), 'SHOP_STORE_TLS_FAILED');
    await rejectsWith(openServingStore(base(db.url, { sslMode: 'disable' })), 'SHOP_STORE_AUTH_FAILED');
    const wrong = urlAs(server.url, 'postgres', 'wrong', db.name);
    await rejectsWith(
      openServingStore(base(wrong, { sslMode: 'verify-full', sslCaFile: server.caFile })),
      'SHOP_STORE_AUTH_FAILED',
    );
    await assert.rejects(
      openServingStore(
        base(`${db.url}?sslmode=require`, { sslMode: 'verify-full', sslCaFile: server.caFile }),
      ),
      /SHOP_CONFIG_INVALID/,
    );
  });

  test('db roles + db migrate as the migration login; each login can do its job and nothing more', async () => {
    const data = await tempDataDir('pg-roles');
    const sslEnv = { SHOPSTREAM_STORE_SSL_MODE: 'verify-full', SHOPSTREAM_STORE_SSL_CA_FILE: server.caFile };
    try {
      await runCliOk(['db', 'roles'], {
        dataDir: data.dir,
        env: { SHOPSTREAM_STORE_URL: db.url, ...sslEnv },
      });
      const password = 'pw-' + suffix;
      await sslAdmin(server, [
        `CREATE ROLE ${login('migrate')} LOGIN PASSWORD '${password}' IN ROLE shopstream_migrator`,
        `CREATE ROLE ${login('processor')} LOGIN PASSWORD '${password}' IN ROLE shopstream_processor`,
        `CREATE ROLE ${login('api')} LOGIN PASSWORD '${password}' IN ROLE shopstream_api`,
      ]);
      const as = (role: string) => urlAs(server.url, login(role), password, db.name);
      const verify = { sslMode: 'verify-full' as const, sslCaFile: server.caFile };

      // Before migrating, a verifying role refuses to start; the API login cannot migrate.
      await rejectsWith(
        openServingStore(base(as('api'), { ...verify, migrations: 'verify' })),
        'SHOP_STORE_SCHEMA_OUTDATED',
      );
      await rejectsWith(openServingStore(base(as('api'), verify)), 'SHOP_STORE_PERMISSION_DENIED');
      await runCliOk(['db', 'migrate'], {
        dataDir: data.dir,
        env: { SHOPSTREAM_STORE_URL: as('migrate'), ...sslEnv },
      });

      const processor = await openServingStore(base(as('processor'), { ...verify, migrations: 'verify' }));
      const api = await openServingStore(base(as('api'), { ...verify, migrations: 'verify' }));
      try {
        await processor.query(
          `INSERT INTO serving.kpi_minute (window_start, metric, value) VALUES (now(), 'events_total', 1)`,
        );
        await processor.query(
          `INSERT INTO serving.processor_positions (topic, partition, next_offset, epoch, owner) VALUES ('t', 0, 1, 1, 'p')`,
        );
        await rejectsWith(
          processor.query(
            `INSERT INTO serving.alerts (id, rule, metric, window_start, severity, status, value, message) VALUES ('a', 'r', 'm', now(), 'warning', 'open', 1, 'x')`,
          ),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await rejectsWith(
          processor.query(`CREATE TABLE serving.evil (x int)`),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await rejectsWith(processor.query(`DELETE FROM serving.audit_log`), 'SHOP_STORE_PERMISSION_DENIED');

        assert.equal((await api.query(`SELECT count(*)::int AS n FROM serving.kpi_minute`))[0]?.['n'], 1);
        await rejectsWith(
          api.query(
            `INSERT INTO serving.kpi_minute (window_start, metric, value) VALUES (now(), 'revenue', 1)`,
          ),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await rejectsWith(
          api.query(`UPDATE serving.processor_positions SET next_offset = 0`),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await api.query(
          `INSERT INTO serving.audit_log (actor, role, action, source, outcome) VALUES ('k', 'admin', 'key.create', '127.0.0.1', 'ok')`,
        );
        await rejectsWith(
          api.query(`UPDATE serving.audit_log SET actor = 'x'`),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await rejectsWith(
          api.query(`UPDATE serving.alerts SET message = 'x'`),
          'SHOP_STORE_PERMISSION_DENIED',
        );
        await api.query(`UPDATE serving.alerts SET acknowledged_by = 'x' WHERE id = 'none'`);
      } finally {
        await Promise.all([processor.close(), api.close()]);
      }

      // run --role api as the API login: serves /kpis and its connections are that login's, over TLS.
      const child = spawnCli(['run', '--role', 'api'], {
        dataDir: data.dir,
        env: {
          SHOPSTREAM_STORE_URL: as('api'),
          SHOPSTREAM_STORE_MIGRATIONS: 'verify',
          SHOPSTREAM_API_PORT: '0',
          ...sslEnv,
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const closed = new Promise((resolve) => child.once('close', resolve));
      try {
        await waitFor(
          'api listening',
          () => /listening on (\S+)/.test(stdout) || child.exitCode !== null,
          60_000,
        );
        const address = /listening on (\S+)/.exec(stdout)?.[1];
        assert.ok(address, `api did not start: ${stderr}`);
        const res = await fetch(`${address}/kpis?metric=events_total`);
        assert.equal(res.status, 200);
        const sessions = await sessionsOf(server, db.name);
        assert.ok(sessions.length > 0);
        assert.deepEqual(
          [...new Set(sessions.map((s) => `${s.usename} ssl=${s.ssl}`))],
          [`${login('api')} ssl=true`],
        );
      } finally {
        child.kill('SIGTERM');
        await closed;
      }
    } finally {
      await data.cleanup();
    }
  });

  test('`run --role api` with a refused login exits 1 with the code', async () => {
    const data = await tempDataDir('pg-refused');
    try {
      const result = await runCli(['run', '--role', 'api'], {
        dataDir: data.dir,
        env: {
          SHOPSTREAM_STORE_URL: urlAs(server.url, 'postgres', 'wrong', db.name),
          SHOPSTREAM_STORE_SSL_MODE: 'require',
        },
      });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /SHOP_STORE_AUTH_FAILED/);
    } finally {
      await data.cleanup();
    }
  });
});

/** The shopstream sessions on `database` (not this test's admin connections). */
async function sessionsOf(
  server: SslServer,
  database: string,
): Promise<Array<{ usename: string; ssl: boolean }>> {
  const client = new pg.Client(verifiedClient(server.url, server.caFile));
  await client.connect();
  try {
    const { rows } = await client.query<{ usename: string; ssl: boolean }>(
      `SELECT a.usename, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid
        WHERE a.datname = $1 AND a.application_name = 'shopstream'`,
      [database],
    );
    return rows;
  } finally {
    await client.end();
  }
}
