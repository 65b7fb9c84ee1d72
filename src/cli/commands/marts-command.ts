import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import {
  buildMarts,
  listMarts,
  parseDay,
  type BuildProgress,
  type MartBuild,
} from '../../batch/marts/index.js';
import type { Config } from '../../config/index.js';
import type { CliContext } from '../cli-context.js';
import { openLakeFromConfig, openStoreFromConfig } from '../open-components.js';
import { withMartsPublisher } from '../marts-publisher.js';

interface BuildFlags {
  from?: string;
  to?: string;
  model: string[];
  json?: boolean;
}

/** The mart options of a configuration. */
export function martOptionsOf(config: Readonly<Config>) {
  return { ...config.marts, fsync: config.lake.fsync };
}

function progressBar(ctx: CliContext): { tick: (p: BuildProgress) => void; stop: () => void } {
  if (!ctx.interactive) return { tick: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: ctx.stderr as NodeJS.WriteStream, format: 'marts [{bar}] {value}/{total} {label}' },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    tick: (p) => {
      if (!started) bar.start(p.total, 0, { label: '' });
      started = true;
      bar.setTotal(p.total);
      bar.update(p.done, { label: p.label });
    },
    stop: () => started && bar.stop(),
  };
}

function printBuild(ctx: CliContext, build: MartBuild, json: boolean): void {
  if (json) {
    ctx.stdout.write(JSON.stringify(build, null, 2) + '\n');
    return;
  }
  for (const m of build.models)
    ctx.stdout.write(
      `${m.status.padEnd(7)} ${m.model.padEnd(20)} ${String(m.partitionsBuilt).padStart(5)} built ${String(m.partitionsPublished).padStart(5)} published ${String(m.rowsWritten).padStart(9)} rows\n`,
    );
  for (const f of build.failures)
    ctx.stdout.write(`FAIL    ${f.model}.${f.test} [${f.partition}]: ${f.failing} rows\n`);
  ctx.stdout.write(
    `build ${build.buildId} ${build.status}; tests ${build.tests.runId} score ${build.tests.score.toFixed(1)}\n`,
  );
}

async function runBuild(ctx: CliContext, flags: BuildFlags): Promise<void> {
  const config = ctx.config();
  const request = {
    ...(flags.from === undefined ? {} : { fromDay: parseDay(flags.from, '--from') }),
    ...(flags.to === undefined ? {} : { toDay: parseDay(flags.to, '--to') }),
    models: flags.model,
  };
  const store = await openStoreFromConfig(config);
  const lake = await openLakeFromConfig(config, { readOnly: true });
  const bar = progressBar(ctx);
  try {
    const build = await withMartsPublisher(config, (publisher) =>
      buildMarts(
        {
          lake,
          store,
          options: martOptionsOf(config),
          progress: bar.tick,
          onRowsPublished: publisher,
        },
        request,
      ),
    );
    bar.stop();
    printBuild(ctx, build, flags.json === true);
    if (build.status !== 'ok') process.exitCode = 1;
  } finally {
    bar.stop();
    await Promise.allSettled([lake.close(), store.close()]);
  }
}

export function registerMartsCommand(program: Command, ctx: CliContext): void {
  const marts = program.command('marts').description('Batch marts and the dimensional model (docs/marts.md)');
  marts
    .command('build')
    .description(
      'Build the stale days of every model (or --from/--to), test, publish to schema mart and <lake>/marts',
    )
    .option('--from <date>', 'rebuild from this day (YYYY-MM-DD), even when fresh')
    .option('--to <date>', 'rebuild up to this day, included')
    .option(
      '--model <name>',
      'build this model and its upstream (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--json', 'print the build as one JSON document')
    .action((flags: BuildFlags) => runBuild(ctx, flags));
  marts
    .command('list')
    .description("Each model's partitions, rows and freshness")
    .option('--json', 'one JSON object per model')
    .action(async (flags: { json?: boolean }) => {
      const store = await openStoreFromConfig(ctx.config());
      try {
        for (const m of await listMarts(store))
          ctx.stdout.write(
            flags.json
              ? JSON.stringify(m) + '\n'
              : `${m.model.padEnd(20)} ${m.kind.padEnd(9)} ${String(m.partitions).padStart(5)} partitions ${String(m.rows).padStart(9)} rows  newest ${m.newestPartition ?? '-'}  built ${m.lastBuiltAt ?? 'never'}\n`,
          );
      } finally {
        await store.close();
      }
    });
}
