import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import { queryKpis, type KpiGrain } from '../../store/index.js';
import type { CliContext } from '../cli-context.js';
import { openStoreFromConfig } from '../open-components.js';
import { registerKpisExplainCommand } from './kpis-explain-command.js';

interface KpisOptions {
  metric?: string;
  from?: string;
  to?: string;
  grain: string;
  limit: string;
  json?: boolean;
}

const GRAINS = new Set(['minute', 'hour', 'day']);

export function registerKpisCommand(program: Command, ctx: CliContext): void {
  const kpis = program
    .command('kpis')
    .description('Print KPI rows {window_start, metric, value} from the serving DB (default: all time)')
    .option('--metric <name>', 'one metric (default: all)')
    .option('--from <iso>', 'inclusive start, ISO-8601')
    .option('--to <iso>', 'exclusive end, ISO-8601')
    .option('--grain <grain>', 'minute | hour | day (rates re-derived from summed counts)', 'minute')
    .option('--limit <n>', 'most rows (the newest)', '100000')
    .option('--json', 'one JSON object per line')
    .action(async (opts: KpisOptions) => {
      if (!GRAINS.has(opts.grain))
        throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--grain must be minute, hour or day`);
      const store = await openStoreFromConfig(ctx.config());
      try {
        const points = await queryKpis(store, {
          ...(opts.metric === undefined ? {} : { metric: opts.metric }),
          fromMs: parseTime(opts.from, '--from', 0),
          toMs: parseTime(opts.to, '--to', Date.UTC(9999, 0, 1)),
          grain: opts.grain as KpiGrain,
          limit: parseLimit(opts.limit),
        });
        for (const p of points) {
          const row = { window_start: p.windowStart, metric: p.metric, value: p.value };
          ctx.stdout.write(
            opts.json
              ? JSON.stringify(row) + '\n'
              : `${row.window_start}  ${row.metric.padEnd(22)} ${row.value}\n`,
          );
        }
      } finally {
        await store.close();
      }
    });
  // `kpis explain --metric ...`: the options after the subcommand are the subcommand's.
  kpis.enablePositionalOptions();
  registerKpisExplainCommand(kpis, ctx);
}

/** An ISO-8601 `--from`/`--to` option as epoch ms; `fallback` when absent. */
export function parseTime(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `${flag} is not an ISO-8601 time: ${value}`);
  return ms;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new ShopError('SHOP_CLI_BAD_ARGUMENT', `--limit must be a positive integer`);
  return n;
}
