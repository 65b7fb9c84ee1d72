import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { audited, cliActor } from '../../audit/index.js';
import { replayFromBronze } from '../../pipeline/replay/replay-from-bronze.js';
import type { CliContext } from '../cli-context.js';
import { openLakeFromConfig, openStoreFromConfig, processorOptionsFromConfig } from '../open-components.js';

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description(
      'Rebuild Silver, quarantine and Gold from Bronze with the current rules (stop processors first)',
    )
    .action(async () => {
      const config = ctx.config();
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config);
      const bar = ctx.interactive
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: 'replay [{bar}] {percentage}% {value}/{total} records' },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      try {
        const result = await audited(store, { ...cliActor(), action: 'replay', target: 'bronze' }, () =>
          replayFromBronze(lake, store, processorOptionsFromConfig(config), (done, total) => {
            if (!started) bar?.start(total, 0);
            started = true;
            bar?.update(done);
          }),
        );
        bar?.stop();
        ctx.stderr.write(
          `replayed ${result.records} Bronze records in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
            `(${result.removedFiles} Silver/quarantine files rebuilt)\n`,
        );
      } finally {
        bar?.stop();
        await Promise.allSettled([lake.close(), store.close()]);
      }
    });
}
