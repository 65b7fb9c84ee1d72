import type { Command } from 'commander';
import { ShopError } from '../../errors/index.js';
import type { CliContext } from '../cli-context.js';
import { runProcessorFromConfig } from '../run-processor.js';
import { onShutdownSignal } from '../shutdown-signal.js';

export function registerProcessCommand(program: Command, ctx: CliContext): void {
  program
    .command('process')
    .description('Run the stream processor: log -> Bronze, Silver + quarantine, exactly-once Gold KPIs')
    .option('--once', 'process everything in the log, finalize all windows, commit and exit 0')
    .option(
      '--partitions <list>',
      'comma-separated partitions to own (default: all, or a share of the group, see processor.membership)',
    )
    .action(async (opts: { once?: boolean; partitions?: string }) => {
      const partitions = opts.partitions === undefined ? undefined : parsePartitions(opts.partitions);
      const abort = new AbortController();
      const off = onShutdownSignal(() => abort.abort());
      try {
        await runProcessorFromConfig(ctx.config(), ctx, {
          ...(opts.once ? { once: true } : {}),
          ...(partitions === undefined ? {} : { partitions }),
          signal: abort.signal,
        });
      } finally {
        off();
      }
    });
}

function parsePartitions(list: string): number[] {
  const partitions = list.split(',').map((p) => Number(p.trim()));
  if (partitions.some((p) => !Number.isInteger(p) || p < 0)) {
    throw new ShopError(
      'SHOP_CLI_BAD_ARGUMENT',
      `--partitions must be comma-separated whole numbers >= 0, got ${list}`,
    );
  }
  return partitions;
}
