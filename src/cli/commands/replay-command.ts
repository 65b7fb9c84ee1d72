import { join } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { audited, cliActor } from '../../audit/index.js';
import { replayFromBronze } from '../../pipeline/replay/replay-from-bronze.js';
import { verifyReplay, type ReplayVerification } from '../../pipeline/replay/verify-replay.js';
import { ShopError } from '../../errors/index.js';
import { EMPTY_VERSION, resolveTableVersion } from '../../lake/index.js';
import type { CliContext } from '../cli-context.js';
import { tableAsOfOf } from './lake-command.js';
import {
  openLakeFromConfig,
  openScratchLakeFromConfig,
  openStoreFromConfig,
  processorOptionsFromConfig,
} from '../open-components.js';

/** Differences printed in the text report (`--json` lists up to 50 per table). */
const PRINTED_DIFFERENCES = 50;

interface ReplayOptions {
  verify?: boolean;
  keepScratch?: boolean;
  json?: boolean;
  asOfVersion?: string;
  asOfTime?: string;
}

export function registerReplayCommand(program: Command, ctx: CliContext): void {
  program
    .command('replay')
    .description(
      'Rebuild Silver, quarantine and Gold from Bronze with the current rules (stop processors first)',
    )
    .option(
      '--verify',
      'rebuild into a scratch lake and serving DB instead and diff with the live tables (they are only read); exit 1 on any difference',
    )
    .option('--keep-scratch', 'with --verify: keep the scratch folder (<dataDir>/tmp/replay-verify-*)')
    .option('--json', 'with --verify: print the report as JSON')
    .option(
      '--as-of-version <n>',
      'rebuild from Bronze at this Delta version (default: the latest when it starts)',
    )
    .option('--as-of-time <iso>', 'rebuild from Bronze as it was at this instant')
    .action(async (opts: ReplayOptions) => {
      const config = ctx.config();
      const asOf = tableAsOfOf('bronze', opts);
      const store = await openStoreFromConfig(config);
      const lake = await openLakeFromConfig(config, { readOnly: opts.verify === true });
      const bar = ctx.interactive
        ? new cliProgress.SingleBar(
            { stream: process.stderr, format: 'replay [{bar}] {percentage}% {value}/{total} records' },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const onProgress = (done: number, total: number) => {
        if (!started) bar?.start(total, 0);
        started = true;
        bar?.update(done);
      };
      try {
        const bronzeVersion = await resolveTableVersion(lake, 'bronze', asOf);
        if (bronzeVersion === EMPTY_VERSION && opts.verify !== true)
          // A replay empties Silver, quarantine and Gold first: from an empty Bronze it would only erase.
          throw new ShopError(
            'SHOP_CLI_BAD_ARGUMENT',
            `Bronze had no commit at ${opts.asOfTime}: nothing to replay`,
          );
        const pinned = bronzeVersion === undefined ? {} : { bronzeVersion };
        if (opts.verify === true) {
          const result = await verifyReplay(lake, store, processorOptionsFromConfig(config), {
            scratchDir: join(config.dataDir, 'tmp', `replay-verify-${process.pid}-${Date.now()}`),
            openScratchLake: (dir) => openScratchLakeFromConfig(config, dir),
            keepScratch: opts.keepScratch === true,
            onProgress,
            ...pinned,
          });
          bar?.stop();
          if (opts.json === true) ctx.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
          else writeVerification(ctx, result, opts.keepScratch === true);
          if (result.differenceCount > 0) process.exitCode = 1;
          return;
        }
        const result = await audited(store, { ...cliActor(), action: 'replay', target: 'bronze' }, () =>
          replayFromBronze(lake, store, processorOptionsFromConfig(config), onProgress, pinned.bronzeVersion),
        );
        bar?.stop();
        ctx.stderr.write(
          `replayed ${result.records} Bronze records (Bronze version ${result.bronzeVersion ?? '-'}) in ${(result.elapsedMs / 1000).toFixed(1)} s ` +
            `(${result.removedFiles} Silver/quarantine files rebuilt)\n`,
        );
      } finally {
        bar?.stop();
        await Promise.allSettled([lake.close(), store.close()]);
      }
    });
}

function writeVerification(ctx: CliContext, r: ReplayVerification, kept: boolean): void {
  for (const t of r.tables)
    ctx.stdout.write(
      `${t.table.padEnd(28)} live ${String(t.liveRows).padStart(8)}  replayed ${String(t.replayedRows).padStart(8)}  ` +
        `${t.differences === 0 ? 'same' : `${t.differences} differences`}\n`,
    );
  for (const d of r.differences.slice(0, PRINTED_DIFFERENCES))
    ctx.stdout.write(
      `DIFF  ${d.table}  ${d.key}  ${d.column}: live ${d.live ?? '-'}  replayed ${d.replayed ?? '-'}\n`,
    );
  if (r.differenceCount > PRINTED_DIFFERENCES)
    ctx.stdout.write(
      `... ${r.differenceCount - PRINTED_DIFFERENCES} more (--json lists the first 50 of each table)\n`,
    );
  ctx.stdout.write(
    `replayed ${r.records} Bronze records (Bronze version ${r.bronzeVersion ?? '-'}) into a scratch target in ${(r.elapsedMs / 1000).toFixed(1)} s: ` +
      `${r.differenceCount === 0 ? 'the live tables equal the rebuild' : `${r.differenceCount} differences`}` +
      `${kept ? ` (scratch kept in ${r.scratchDir})` : ''}\n`,
  );
}
