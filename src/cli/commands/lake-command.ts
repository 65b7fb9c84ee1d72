import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ShopError } from '../../errors/index.js';
import { compactCommitted } from '../../batch/lake-maintenance/compact-committed.js';
import { openLake, queryLake } from '../../lake/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import type { CliContext } from '../cli-context.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';

/** The lake folder of a configuration: `lake.dir`, else `<dataDir>/lake`. */
export function lakeDirOf(config: Readonly<Config>): string {
  return config.lake.dir === '' ? join(config.dataDir, 'lake') : config.lake.dir;
}

async function runLakeSql(sql: string, ctx: CliContext): Promise<void> {
  if (sql.trim() === '') throw new ShopError('SHOP_CLI_BAD_ARGUMENT', 'lake sql needs a SQL statement');
  const lake = await openLake({ dir: lakeDirOf(ctx.config()), readOnly: true });
  try {
    const rows = await queryLake(lake, sql);
    ctx.stdout.write(rows.map((row) => JSON.stringify(row) + '\n').join(''));
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
    .action((sql: string) => runLakeSql(sql, ctx));
  lake
    .command('compact')
    .description(
      'Merge small committed lake files per table, hive folder and partition (start runs this every lake.compactIntervalMs)',
    )
    .action(() => runLakeCompact(ctx));
}
