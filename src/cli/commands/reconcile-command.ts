import type { Command } from 'commander';
import { resolveTableVersion } from '../../lake/index.js';
import { runReconciliation } from '../../batch/reconcile/run-reconciliation.js';
import type { CliContext } from '../cli-context.js';
import { withStoreAndReadLake } from '../open-components.js';
import { parseTime } from './kpis-command.js';
import { tableAsOfOf } from './lake-command.js';

interface ReconcileOptions {
  from?: string;
  to?: string;
  asOfVersion?: string;
  asOfTime?: string;
  json?: boolean;
}

/** Most mismatches printed as lines (all of them with --json). */
const PRINTED_MISMATCHES = 50;

export function registerReconcileCommand(program: Command, ctx: CliContext): void {
  program
    .command('reconcile')
    .description(
      'Compare every KPI of every settled minute in serving.kpi_minute (streaming) with a recompute from Silver (batch), record the run (reconciliation_runs) and raise an alert on a mismatch; exit 1 on a mismatch',
    )
    .option('--from <iso>', 'inclusive start, ISO-8601 (default: all time)')
    .option('--to <iso>', 'exclusive end, ISO-8601 (default: the settled horizon)')
    .option(
      '--as-of-version <n>',
      'read Silver at this Delta version (e.g. the silver_version of an earlier run) instead of the latest',
    )
    .option('--as-of-time <iso>', 'read Silver as it was at this instant')
    .option('--json', 'print one JSON document')
    .action(async (opts: ReconcileOptions) => {
      const config = ctx.config();
      const asOf = tableAsOfOf('silver', opts);
      await withStoreAndReadLake(config, async (store, lake) => {
        const t0 = performance.now();
        const silverVersion = await resolveTableVersion(lake, 'silver', asOf);
        const result = await runReconciliation(
          { lake, store, config },
          {
            fromMs: parseTime(opts.from, '--from', 0),
            toMs: parseTime(opts.to, '--to', Date.UTC(9999, 0, 1)),
            ...(silverVersion === undefined ? {} : { silverVersion }),
          },
        );
        const seconds = (performance.now() - t0) / 1000;
        if (opts.json) ctx.stdout.write(JSON.stringify({ ...result, seconds }, null, 2) + '\n');
        else {
          const range = `${new Date(result.fromMs).toISOString()} .. ${new Date(result.toMs).toISOString()}`;
          for (const m of result.mismatches.slice(0, PRINTED_MISMATCHES))
            ctx.stdout.write(
              `MISMATCH  ${m.windowStart}  ${m.metric.padEnd(20)} streaming ${m.streaming ?? '-'}  batch ${m.batch ?? '-'}  (diff ${m.difference})\n`,
            );
          if (result.mismatches.length > PRINTED_MISMATCHES)
            ctx.stdout.write(
              `... ${result.mismatches.length - PRINTED_MISMATCHES} more (--json lists all)\n`,
            );
          ctx.stdout.write(
            `${result.windowsChecked} minutes (${result.valuesChecked} values, ${result.dimensionValuesChecked} of them breakdowns) in ${range}: ` +
              `${result.mismatches.length} mismatches, max difference ${result.maxDifference}, Silver version ${result.silverVersion ?? '-'} (${seconds.toFixed(2)} s)\n`,
          );
          if (result.diagnosis !== undefined) ctx.stdout.write(`diagnosis: ${result.diagnosis}\n`);
          if (result.alertId !== undefined) ctx.stdout.write(`raised alert ${result.alertId}\n`);
        }
        if (result.mismatches.length > 0) process.exitCode = 1;
      });
    });
}
