import Fastify from 'fastify';
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ShopError } from '../../errors/index.js';
import { RAW_TOPIC } from '../../log/event-log.js';
import { createLogger } from '../../observability/logger.js';
import { collectorDepsFromConfig, collectorPlugin } from '../../sources/collector/index.js';
import type { CliContext } from '../cli-context.js';
import { openEventLog, retentionOf } from '../open-event-log.js';
import {
  runAllRole,
  runApiRole,
  runDetectorRole,
  runProcessorRole,
  runSchedulerRole,
  runSimulatorRole,
} from '../role-runners.js';
import { startOpsServer } from '../ops-server.js';
import { onShutdownSignal } from '../shutdown-signal.js';
import { startTracing } from '../../observability/tracing.js';
import { applyRuntimeSettings } from '../runtime-settings.js';

/** One role of `shopstream run`: runs until `signal` aborts, then releases what it opened. */
type RoleRunner = (config: Readonly<Config>, ctx: CliContext, signal: AbortSignal) => Promise<void>;

/** The roles a process can take; adding a role is one entry here. */
const ROLES: Readonly<Record<string, RoleRunner>> = {
  collector: runCollector,
  processor: runProcessorRole,
  api: runApiRole,
  simulator: runSimulatorRole,
  detector: runDetectorRole,
  scheduler: runSchedulerRole,
  all: runAllRole,
};

export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run one role of the distributed deployment in this process')
    .requiredOption('--role <role>', `role to run: ${Object.keys(ROLES).join('|')}`)
    .action(async (opts: { role: string }) => {
      const runner = Object.hasOwn(ROLES, opts.role) ? ROLES[opts.role] : undefined;
      if (runner === undefined)
        throw new ShopError(
          'SHOP_CLI_BAD_ARGUMENT',
          `--role must be one of ${Object.keys(ROLES).join(', ')}`,
        );
      const config = ctx.config();
      applyRuntimeSettings(config);
      const tracing = await startTracing(config, opts.role);
      const abort = new AbortController();
      const off = onShutdownSignal(() => abort.abort());
      try {
        await runner(config, ctx, abort.signal);
      } finally {
        off();
        await tracing.shutdown();
      }
    });
}

/** The HTTP collector alone: its own Fastify server on collector.host:collector.port. */
async function runCollector(config: Readonly<Config>, ctx: CliContext, signal: AbortSignal): Promise<void> {
  const logger = createLogger('collector');
  const log = await openEventLog(config, { mode: 'write' });
  try {
    await log.ensureTopic({
      name: RAW_TOPIC,
      partitions: config.log.partitions,
      replicationFactor: config.log.replicationFactor,
      ...retentionOf(config),
    });
    const app = Fastify({ logger: false });
    app.get('/health', async () => ({ status: 'ok' }));
    await app.register(collectorPlugin, collectorDepsFromConfig(config, log, logger));
    const address = await app.listen({ host: config.collector.host, port: config.collector.port });
    ctx.stdout.write(`collector listening on ${address}\n`);
    const ops = await startOpsServer(config, 'collector', { log }, ctx);
    await new Promise<void>((resolve) =>
      signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true }),
    );
    await Promise.allSettled([app.close(), ops?.close()]);
  } finally {
    await log.close();
  }
}
