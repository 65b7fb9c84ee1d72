import { join } from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ShopError } from '../../errors/index.js';
import { openLake, queryLake } from '../../lake/index.js';
import type { CliContext } from '../cli-context.js';

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
}
