import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import type { EventLog } from '../../log/event-log.js';
import type { Logger } from '../../observability/logger.js';
import type { CollectorDeps } from './collector-plugin.js';
import { collectorOptionsFromConfig } from './collector-options.js';
import { WriteKeyResolver } from './write-key-resolver.js';

/** Where write keys live: `<dataDir>/keys.json`. */
export function writeKeyFilePath(config: Readonly<Config>): string {
  return join(config.dataDir, 'keys.json');
}

/**
 * The collector's dependencies for a process that already opened `log` (in `start`, the shared
 * one): `await app.register(collectorPlugin, collectorDepsFromConfig(config, log, logger))`.
 */
export function collectorDepsFromConfig(
  config: Readonly<Config>,
  log: EventLog,
  logger: Logger,
): CollectorDeps {
  return {
    log,
    options: collectorOptionsFromConfig(config),
    keys: new WriteKeyResolver(writeKeyFilePath(config), 1000, (err) =>
      logger.error({ code: (err as { code?: string }).code }, 'write-key file reload failed'),
    ),
    onLogFailure: (code, message) =>
      logger.warn({ code, message }, 'collector append failed; answering 503 until the log recovers'),
  };
}
