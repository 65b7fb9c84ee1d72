import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { parseDay } from '../../batch/marts/index.js';
import { createLogger } from '../../observability/logger.js';
import type { AssetDeps } from '../../orchestration/asset.js';
import {
  cancelBackfill,
  finishBackfill,
  resumeBackfill,
  startBackfill,
  type Backfill,
} from '../../orchestration/backfill.js';
import { drainQueue } from '../../orchestration/drain-queue.js';
import { enqueue } from '../../orchestration/job-queue.js';
import { listRuns, type RunRow } from '../../orchestration/run-log.js';
import { readJobsOverview } from '../../orchestration/jobs-overview.js';
import type { Config } from '../../config/index.js';
import type { ServingStore } from '../../store/serving-store.js';
import type { CliContext } from '../cli-context.js';
import { executorFromConfig, graphFromConfig } from '../open-orchestrator.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';
import { onShutdownSignal } from '../shutdown-signal.js';
import { withMartsPublisher } from '../marts-publisher.js';

async function withStore<T>(
  ctx: CliContext,
  fn: (store: ServingStore, config: Readonly<Config>) => Promise<T>,
): Promise<T> {
  const config = ctx.config();
  const store = await openStoreFromConfig(config);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

/** The store and the (writable: compaction is an asset) lake. */
function withDeps<T>(ctx: CliContext, fn: (deps: AssetDeps) => Promise<T>): Promise<T> {
  return withStore(ctx, async (store, config) => {
    const lake = await openLakeFromConfig(config);
    try {
      return await withMartsPublisher(config, (martsPublisher) =>
        fn({ store, lake, config, martsPublisher }),
      );
    } finally {
      await lake.close();
    }
  });
}

const runLine = (r: RunRow) =>
  `${r.startedAt}  ${r.asset.padEnd(16)} ${(r.partition || '-').padEnd(10)} #${r.attempt} ${r.status.padEnd(9)} ${String(r.durationMs ?? '').padStart(7)} ms ${String(r.rowsWritten ?? '').padStart(8)} rows  ${r.trigger}${r.errorCode === null ? '' : `  ${r.errorCode}: ${r.errorMessage ?? ''}`}\n`;

/** Runs the queued requests `filter` selects in this process, with a progress bar on a TTY. */
async function drainHere(
  ctx: CliContext,
  deps: AssetDeps,
  filter: Parameters<typeof drainQueue>[1],
  concurrency?: number,
): Promise<void> {
  const logger = createLogger('jobs');
  const executor = executorFromConfig(deps.config, deps, logger, concurrency);
  const abort = new AbortController();
  const off = onShutdownSignal(() => abort.abort());
  const bar = ctx.interactive
    ? new cliProgress.SingleBar(
        { stream: ctx.stderr as NodeJS.WriteStream, format: 'jobs [{bar}] {value}/{total} partitions' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let total = 0;
  try {
    await drainQueue(executor, filter, {
      tickMs: Math.min(deps.config.scheduler.tickMs, 200),
      heartbeatMs: deps.config.scheduler.heartbeatMs,
      signal: abort.signal,
      onProgress: (remaining) => {
        if (total === 0) bar?.start((total = Math.max(remaining, 1)), 0);
        bar?.update(Math.max(0, total - remaining));
      },
    });
  } finally {
    bar?.stop();
    off();
  }
}

function printBackfill(ctx: CliContext, b: Backfill, runs: readonly RunRow[]): void {
  const ok = runs.filter((r) => r.status === 'succeeded');
  const failed = runs.filter((r) => r.status === 'failed' || r.status === 'skipped');
  const ms = ok.map((r) => r.durationMs ?? 0);
  const mean = ms.length === 0 ? 0 : ms.reduce((a, b) => a + b, 0) / ms.length;
  ctx.stdout.write(
    `backfill ${b.backfillId} ${b.asset} ${b.fromDay}..${b.toDay} assets ${b.assets.join(',')}: ${ok.length} partitions succeeded, ${failed.length} failed; ` +
      `per partition mean ${mean.toFixed(0)} ms, max ${Math.max(0, ...ms)} ms\n`,
  );
}

export function registerJobsCommand(program: Command, ctx: CliContext): void {
  const jobs = program
    .command('jobs')
    .description('The asset orchestrator: assets, runs, backfills (docs/orchestration.md)');
  jobs
    .command('list')
    .description('Every asset with its schedule, upstream, last status and freshness')
    .option('--json', 'one JSON object per asset')
    .action((f: { json?: boolean }) =>
      withStore(ctx, async (store, config) => {
        const o = await readJobsOverview(store, graphFromConfig(config));
        for (const a of o.assets)
          ctx.stdout.write(
            f.json === true
              ? JSON.stringify(a) + '\n'
              : `${a.key.padEnd(16)} ${a.kind.padEnd(12)} ${a.partitioning.padEnd(6)} ${a.schedule.padEnd(22)} upstream ${a.upstream.join(',') || '-'}  last ${a.lastStatus ?? '-'}  success ${a.lastSuccessAt ?? 'never'}  queued ${a.queued}\n`,
          );
      }),
    );
  jobs
    .command('status')
    .description('The active scheduler, what is queued and running')
    .option('--json', 'one JSON document')
    .action((f: { json?: boolean }) =>
      withStore(ctx, async (store, config) => {
        const o = await readJobsOverview(store, graphFromConfig(config));
        if (f.json === true) return void ctx.stdout.write(JSON.stringify(o, null, 2) + '\n');
        ctx.stdout.write(
          `scheduler ${o.scheduler === null ? 'none' : `${o.scheduler.holder} (${o.scheduler.live ? 'live' : 'expired'}, since ${o.scheduler.acquiredAt})`}\n`,
        );
        for (const q of o.queue)
          ctx.stdout.write(
            `queued  ${q.asset} [${q.partition || '-'}] attempts ${q.attempts} not before ${q.notBefore}\n`,
          );
        for (const r of o.running)
          ctx.stdout.write(
            `running ${r.asset} [${r.partition || '-'}] #${r.attempt} since ${r.startedAt} on ${r.executorId}\n`,
          );
      }),
    );
  jobs
    .command('run <asset>')
    .description('Queue one partition of an asset and run it here (with its retries)')
    .option('--partition <day>', 'the day of a daily asset (YYYY-MM-DD)')
    .action((asset: string, f: { partition?: string }) =>
      withDeps(ctx, async (deps) => {
        const a = graphFromConfig(deps.config).require(asset);
        const partition =
          a.partitioning === 'none'
            ? ''
            : parseDay(
                f.partition ?? new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
                '--partition',
              );
        const since = new Date().toISOString();
        await enqueue(deps.store, { asset, partition, trigger: 'manual' });
        await drainHere(ctx, deps, (j) => j.asset === asset && j.partition === partition);
        const runs = (await listRuns(deps.store, { asset, partition }))
          .filter((r) => r.startedAt >= since)
          .reverse();
        for (const r of runs) ctx.stdout.write(runLine(r));
        if (runs.at(-1)?.status !== 'succeeded') process.exitCode = 1;
      }),
    );
  jobs
    .command('runs [asset]')
    .description('Run history (every attempt), newest first')
    .option('--partition <day>', 'only this partition')
    .option('--limit <n>', 'at most this many rows', '50')
    .option('--json', 'one JSON object per run')
    .action((asset: string | undefined, f: { partition?: string; limit: string; json?: boolean }) =>
      withStore(ctx, async (store) => {
        const rows = await listRuns(store, {
          ...(asset === undefined ? {} : { asset }),
          ...(f.partition === undefined ? {} : { partition: f.partition }),
          limit: Number(f.limit),
        });
        for (const r of rows) ctx.stdout.write(f.json === true ? JSON.stringify(r) + '\n' : runLine(r));
      }),
    );
  jobs
    .command('backfill [asset]')
    .description('Queue the days of a daily asset (and --downstream) and run them here in dependency order')
    .option('--from <day>', 'first day (YYYY-MM-DD)')
    .option('--to <day>', 'last day, included')
    .option('--downstream', 'also every daily asset downstream of it')
    .option('--concurrency <n>', 'partitions at once (default scheduler.concurrency)')
    .option('--resume <id>', 'resume a cancelled or interrupted backfill')
    .action(
      (
        asset: string | undefined,
        f: { from?: string; to?: string; downstream?: boolean; concurrency?: string; resume?: string },
      ) =>
        withDeps(ctx, async (deps) => {
          const b =
            f.resume !== undefined
              ? await resumeBackfill(deps.store, f.resume)
              : await startBackfill(deps.store, graphFromConfig(deps.config), {
                  asset: asset ?? '',
                  fromDay: parseDay(f.from ?? '', '--from'),
                  toDay: parseDay(f.to ?? '', '--to'),
                  downstream: f.downstream === true,
                });
          ctx.stderr.write(
            `backfill ${b.backfillId} (cancel: shopstream jobs cancel ${b.backfillId}; resume: --resume ${b.backfillId})\n`,
          );
          await drainHere(
            ctx,
            deps,
            (j) => j.backfillId === b.backfillId,
            f.concurrency === undefined ? undefined : Number(f.concurrency),
          );
          const runs = (await listRuns(deps.store, { limit: 100_000 })).filter(
            (r) => r.backfillId === b.backfillId,
          );
          const open = await deps.store.query('SELECT 1 FROM serving.pipeline_queue WHERE backfill_id = $1', [
            b.backfillId,
          ]);
          if (open.length === 0) await finishBackfill(deps.store, b.backfillId);
          printBackfill(ctx, b, runs);
          if (
            open.length > 0 ||
            runs.some(
              (r) =>
                r.status === 'failed' &&
                !runs.some(
                  (s) => s.asset === r.asset && s.partition === r.partition && s.status === 'succeeded',
                ),
            )
          )
            process.exitCode = 1;
        }),
    );
  jobs
    .command('cancel <backfill-id>')
    .description('Cancel a backfill: its queued partitions are dropped (running ones finish)')
    .action((id: string) =>
      withStore(ctx, async (store) => {
        const dropped = await cancelBackfill(store, id);
        ctx.stdout.write(`backfill ${id} cancelled; ${dropped} queued partitions dropped\n`);
      }),
    );
}
