import Fastify from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { RAW_TOPIC, type EventLog } from '../log/event-log.js';
import { registerMetricsRoutes } from '../observability/metrics-plugin.js';
import { applyPipelineStatus } from '../observability/processor-metrics.js';
import { createShopMetrics, type ShopMetrics } from '../observability/shop-metrics.js';
import { readPipelineStatus } from '../pipeline/processor/pipeline-status.js';
import type { ServingStore } from '../store/index.js';
import type { CliContext } from './cli-context.js';

/** What a role opened: its readiness checks are these dependencies answering. */
export interface OpsParts {
  readonly store?: ServingStore;
  readonly log?: EventLog;
  /** Refresh the serving DB's pipeline gauges (lag, freshness, stage records) on each scrape. */
  readonly pipelineStatus?: boolean;
}

export interface OpsServer {
  /** The process's metrics: a role adds its own observations (e.g. the processor's commits). */
  readonly metrics: ShopMetrics;
  close(): Promise<void>;
}

/**
 * The operations endpoint of one `run --role` process when `ops.enabled` (Kubernetes probes and
 * Prometheus scrapes; docs/observability.md): `GET /health` (the process runs), `GET /ready` (200
 * when the role's store and log answer, else 503 naming the failing one) and `GET /metrics`
 * (the process's `shopstream_*` metrics plus Node's default `process_*` / `nodejs_*` ones) on
 * `ops.host:ops.port`. `start` and `run --role all` serve the same routes on the API port.
 */
export async function startOpsServer(
  config: Readonly<Config>,
  role: string,
  parts: OpsParts,
  ctx: CliContext,
): Promise<OpsServer | undefined> {
  if (!config.ops.enabled) return undefined;
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  const metrics = createShopMetrics(registry);
  const { store, log } = parts;
  const readiness: Record<string, () => Promise<void>> = {};
  if (store !== undefined) readiness['store'] = () => store.ping();
  if (log !== undefined) readiness['log'] = async () => void (await log.describeTopic(RAW_TOPIC));
  const app = Fastify({ logger: false, bodyLimit: 1024 });
  app.get('/health', async () => ({ status: 'ok', role }));
  registerMetricsRoutes(app, {
    metrics,
    readiness,
    ...(parts.pipelineStatus === true && store !== undefined && log !== undefined
      ? {
          refresh: async () =>
            applyPipelineStatus(metrics, await readPipelineStatus(store, log, RAW_TOPIC, Date.now())),
        }
      : {}),
  });
  const address = await app.listen({ host: config.ops.host, port: config.ops.port });
  ctx.stdout.write(`${role} ops endpoint (health, ready, metrics) on ${address}\n`);
  return { metrics, close: () => app.close() };
}
