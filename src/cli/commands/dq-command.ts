import type { Command } from 'commander';
import { runQualitySuite } from '../../batch/data-quality/index.js';
import type { CliContext } from '../cli-context.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';

export function registerDqCommand(program: Command, ctx: CliContext): void {
  const dq = program
    .command('dq')
    .description('Data-quality suite over the lake (Silver) and the serving DB');
  dq.command('run')
    .description('Run every check, record the run in data_quality_logs and print the 0-100 score')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const config = ctx.config();
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config, { readOnly: true });
      try {
        const run = await runQualitySuite({ lake, store, options: config.dq, nowMs: Date.now() });
        if (opts.json) ctx.stdout.write(JSON.stringify(run, null, 2) + '\n');
        else {
          for (const c of run.checks)
            ctx.stdout.write(`${c.passed ? 'PASS' : 'FAIL'}  ${c.name.padEnd(44)} ${c.message}\n`);
          ctx.stdout.write(`score ${run.score.toFixed(1)} / 100 (run ${run.runId})\n`);
        }
      } finally {
        await Promise.allSettled([lake.close(), store.close()]);
      }
    });
}
