import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import { compactCommitted, vacuumLake } from '../../batch/lake-maintenance/compact-committed.js';
import {
  LAKE_TABLES,
  pinVersion,
  queryLake,
  resolveLakeVersions,
  unpinVersion,
  type AsOf,
  type Lake,
  type LakeTableName,
  type TableAsOf,
} from '../../lake/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import type { CliContext } from '../cli-context.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';

interface SqlOptions {
  readonly asOfVersion?: string[];
  readonly asOfTime?: string;
}

/** `--as-of-version silver=12` (repeatable) and `--as-of-time ISO` as an AsOf. */
export function asOfOf(options: SqlOptions): AsOf {
  const versions: Partial<Record<LakeTableName, number>> = {};
  for (const spec of options.asOfVersion ?? []) {
    const m = /^([a-z]+)=(\d+)$/.exec(spec);
    if (m === null || !(LAKE_TABLES as readonly string[]).includes(m[1]!))
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `--as-of-version wants <table>=<version> (tables: ${LAKE_TABLES.join(', ')}), got ${spec}`,
      );
    versions[m[1] as LakeTableName] = Number(m[2]);
  }
  let timeMs: number | undefined;
  if (options.asOfTime !== undefined) {
    timeMs = Date.parse(options.asOfTime);
    if (Number.isNaN(timeMs))
      throw new ShopError(
        'SHOP_CLI_BAD_ARGUMENT',
        `--as-of-time wants an ISO-8601 time, got ${options.asOfTime}`,
      );
  }
  return { versions, ...(timeMs === undefined ? {} : { timeMs }) };
}

/**
 * `--as-of-version N` / `--as-of-time ISO` of one table (at most one of the two), as the
 * `reconcile` (Silver) and `replay` (Bronze) commands take them.
 */
export function tableAsOfOf(
  table: LakeTableName,
  options: { readonly asOfVersion?: string; readonly asOfTime?: string },
): TableAsOf {
  if (options.asOfVersion !== undefined && options.asOfTime !== undefined)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'give --as-of-version or --as-of-time, not both');
  const asOf = asOfOf({
    ...(options.asOfVersion === undefined ? {} : { asOfVersion: [`${table}=${options.asOfVersion}`] }),
    ...(options.asOfTime === undefined ? {} : { asOfTime: options.asOfTime }),
  });
  return { version: asOf.versions?.[table], timeMs: asOf.timeMs };
}

/** Runs `work` with the lake pinned to the versions (vacuum keeps their files meanwhile). */
async function withPins<T>(lake: Lake, asOf: AsOf, work: () => Promise<T>): Promise<T> {
  const versions = await resolveLakeVersions(lake, asOf);
  const pinned = Object.entries(versions).filter(([, v]) => v >= 0);
  const id = `sql-${process.pid}-${Date.now()}`;
  for (const [table, version] of pinned)
    await pinVersion(lake.storage, {
      id: `${id}-${table}`,
      table,
      version,
      expiresMs: Date.now() + 3_600_000,
    });
  lake.files.pin(versions);
  try {
    return await work();
  } finally {
    for (const [table] of pinned) await unpinVersion(lake.storage, `${id}-${table}`);
  }
}

async function runLakeSql(sql: string, options: SqlOptions, ctx: CliContext): Promise<void> {
  if (sql.trim() === '') throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'lake sql needs a SQL statement');
  const asOf = asOfOf(options);
  const lake = await openLakeFromConfig(ctx.config(), { readOnly: true });
  try {
    const rows = await withPins(lake, asOf, () => queryLake(lake, sql));
    ctx.stdout.write(rows.map((row) => JSON.stringify(row) + '\n').join(''));
  } finally {
    await lake.close();
  }
}

/** `lake history <table>`: its commits, newest first, one JSON object per line. */
async function runLakeHistory(table: string, options: { limit: string }, ctx: CliContext): Promise<void> {
  if (!(LAKE_TABLES as readonly string[]).includes(table))
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `no lake table ${table} (tables: ${LAKE_TABLES.join(', ')})`,
    );
  const lake = await openLakeFromConfig(ctx.config(), { readOnly: true });
  try {
    const delta = lake.tables[table as LakeTableName];
    if (!(await delta.exists())) return;
    for (const c of await delta.history(Number(options.limit)))
      ctx.stdout.write(JSON.stringify({ ...c, timestamp: new Date(c.timestampMs).toISOString() }) + '\n');
  } finally {
    await lake.close();
  }
}

/** `lake vacuum`: deletes unreferenced data files older than the retention, then expired log files, per table. */
async function runLakeVacuum(
  options: { retainHours?: string; logRetainHours?: string; dryRun?: boolean },
  ctx: CliContext,
): Promise<void> {
  const config = ctx.config();
  const retainHours =
    options.retainHours === undefined ? config.lake.vacuumRetainHours : Number(options.retainHours);
  const logRetainHours =
    options.logRetainHours === undefined ? config.lake.logRetentionHours : Number(options.logRetainHours);
  const lake = await openLakeFromConfig(config);
  try {
    const dryRun = options.dryRun === true;
    for (const result of await vacuumLake(lake, {
      retainHours,
      logRetainHours,
      dryRun,
    }))
      ctx.stdout.write(JSON.stringify({ ...result, dryRun }) + '\n');
  } finally {
    await lake.close();
  }
}

/** `lake convert`: opens the lake for writing, which converts pre-Delta tables in place. */
async function runLakeConvert(ctx: CliContext): Promise<void> {
  const lake = await openLakeFromConfig(ctx.config());
  try {
    for (const table of LAKE_TABLES) {
      const snap = await lake.tables[table].require();
      ctx.stdout.write(
        JSON.stringify({
          table,
          outcome: lake.opened[table],
          version: snap.version,
          files: snap.files.size,
        }) + '\n',
      );
    }
  } finally {
    await lake.close();
  }
}

/** `lake compact`: one compaction pass up to the recorded lake positions; prints its result. */
async function runLakeCompact(ctx: CliContext): Promise<void> {
  const config = ctx.config();
  const store = await openStoreFromConfig(config);
  try {
    const lake = await openLakeFromConfig(config);
    try {
      const result = await compactCommitted(lake, store, RAW_TOPIC, config.lake);
      ctx.stdout.write(JSON.stringify(result) + '\n');
    } finally {
      await lake.close();
    }
  } finally {
    await store.close();
  }
}

export function registerLakeCommand(program: Command, ctx: CliContext): void {
  const lake = program
    .command('lake')
    .description('The Bronze/Silver/quarantine lake (Parquet through DuckDB)');
  lake
    .command('sql')
    .description(
      'Run DuckDB SQL over the views bronze, silver and quarantine (read-only); prints one JSON object per row',
    )
    .argument('<sql>', 'the SQL statement, e.g. "SELECT event_type, count(*) AS n FROM silver GROUP BY 1"')
    .option('--as-of-version <table=version...>', 'time travel: read a table at a Delta version (repeatable)')
    .option('--as-of-time <iso>', 'time travel: read every table as it was at this instant')
    .action((sql: string, options: SqlOptions) => runLakeSql(sql, options, ctx));
  lake
    .command('history')
    .description("A table's Delta commits, newest first (version, time, operation, files added/removed)")
    .argument('<table>', LAKE_TABLES.join(' | '))
    .option('--limit <n>', 'at most this many commits', '50')
    .action((table: string, options: { limit: string }) => runLakeHistory(table, options, ctx));
  lake
    .command('optimize')
    .alias('compact')
    .description(
      'Compact small files per table, hive folder and partition in one Delta commit per table (remove + add, dataChange=false); start runs this every lake.compactIntervalMs',
    )
    .action(() => runLakeCompact(ctx));
  lake
    .command('vacuum')
    .description(
      'Delete data files no longer in the latest version once unreferenced for the retention, then log commits before the newest checkpoint older than the log retention',
    )
    .option('--retain-hours <h>', 'retention (default lake.vacuumRetainHours; at least 1)')
    .option('--log-retain-hours <h>', 'log retention (default lake.logRetentionHours; at least 1)')
    .option('--dry-run', 'only report what would be deleted')
    .action((options: { retainHours?: string; logRetainHours?: string; dryRun?: boolean }) =>
      runLakeVacuum(options, ctx),
    );
  lake
    .command('convert')
    .description('Convert a lake of an earlier shopstream (plain Parquet folders) into Delta tables in place')
    .action(() => runLakeConvert(ctx));
}
