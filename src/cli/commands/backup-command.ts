import { join } from 'node:path';
import type { Command } from 'commander';
import { cliActor, recordAudit } from '../../audit/index.js';
import { createBackup, restoreBackup, type BackupTarget } from '../../backup/index.js';
import type { Config } from '../../config/index.js';
import { ShopError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { lakeDirOf, openStoreFromConfig } from '../open-components.js';

/**
 * `shopstream backup create|restore`: the serving database (pg_dump/pg_restore for PostgreSQL, a
 * consistent copy of the PGlite folder) plus a lake snapshot, in one folder with a manifest
 * (docs/deploy.md). The embedded store must not be open in another process (stop `start` first);
 * PostgreSQL backs up online. Both are audited.
 */
export function registerBackupCommand(program: Command, ctx: CliContext): void {
  const backup = program
    .command('backup')
    .description('Back up and restore the serving database and the lake');
  backup
    .command('create')
    .description('Write a backup into an empty (or new) folder')
    .requiredOption('--to <dir>', 'backup folder')
    .option('--no-lake', 'only the serving database')
    .action(async (opts: { to: string; lake: boolean }) => {
      const config = ctx.config();
      const migrations = await appliedMigrations(config);
      const manifest = await createBackup(targetOf(config, opts.lake), opts.to, {
        nowMs: Date.now(),
        migrations,
      });
      await withStore(config, 'verify', (store) =>
        recordAudit(store, { ...cliActor(), action: 'backup.create', target: opts.to, outcome: 'ok' }),
      );
      const lake = manifest.lake === null ? 'no lake' : `${manifest.lake.files.length} lake files`;
      ctx.stderr.write(`backup of the ${manifest.store.kind} store and ${lake} written to ${opts.to}\n`);
    });
  backup
    .command('restore')
    .description('Restore a backup into an empty deployment (empty serving database and lake)')
    .requiredOption('--from <dir>', 'backup folder')
    .option('--no-lake', 'only the serving database')
    .action(async (opts: { from: string; lake: boolean }) => {
      const config = ctx.config();
      if (config.store.url !== '') await requireEmptyPostgres(config);
      const manifest = await restoreBackup(targetOf(config, opts.lake), opts.from);
      // Newer migrations and the role grants, then the audit entry in the restored database.
      await withStore(config, 'apply', (store) =>
        recordAudit(store, {
          ...cliActor(),
          action: 'backup.restore',
          target: opts.from,
          outcome: 'ok',
          details: { createdAt: manifest.createdAt },
        }),
      );
      ctx.stderr.write(`restored the backup of ${manifest.createdAt} from ${opts.from}\n`);
    });
}

function targetOf(config: Readonly<Config>, withLake: boolean): BackupTarget {
  if (withLake && config.lake.url.startsWith('s3://')) {
    // lake.dir of an S3 lake is only a cache: a copy of it is not the lake.
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `the lake is in ${config.lake.url}: back it up with the bucket's versioning or replication and pass --no-lake`,
    );
  }
  const s = config.store;
  return {
    store:
      s.url === ''
        ? { kind: 'pglite', dataDir: join(config.dataDir, 'serving') }
        : {
            kind: 'postgres',
            url: s.url,
            ssl: {
              sslMode: s.sslMode,
              sslCaFile: s.sslCaFile,
              sslCertFile: s.sslCertFile,
              sslKeyFile: s.sslKeyFile,
            },
          },
    lakeDir: withLake ? lakeDirOf(config) : undefined,
  };
}

async function withStore<T>(
  config: Readonly<Config>,
  migrations: 'apply' | 'verify' | 'skip',
  body: (store: Awaited<ReturnType<typeof openStoreFromConfig>>) => Promise<T>,
): Promise<T> {
  const store = await openStoreFromConfig(config, migrations);
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

function appliedMigrations(config: Readonly<Config>): Promise<string[]> {
  return withStore(config, 'verify', async (store) =>
    (await store.query<{ id: string }>('SELECT id FROM serving.schema_migrations ORDER BY id')).map(
      (r) => r.id,
    ),
  );
}

async function requireEmptyPostgres(config: Readonly<Config>): Promise<void> {
  const rows = await withStore(config, 'skip', (store) =>
    store.query<{ t: string | null }>(`SELECT to_regclass('serving.schema_migrations')::text AS t`),
  );
  if (rows[0]?.t !== null && rows[0]?.t !== undefined)
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      'the target database already has a serving schema; restore needs an empty database',
    );
}
