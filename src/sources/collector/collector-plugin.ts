import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EventLog } from '../../log/event-log.js';
import { installCollectorCors } from './collector-cors.js';
import { collectorErrorOf, sendCollectorError } from './collector-errors.js';
import type { CollectorOptions } from './collector-options.js';
import { DurableAppendBatcher } from './durable-append-batcher.js';
import { EventRateLimiter } from './event-rate-limiter.js';
import { IngestGate, IngestRefusal } from './ingest-gate.js';
import { registerNativeRoute } from './native-route.js';
import { registerSegmentRoutes, SEGMENT_PATHS } from './segment-routes.js';
import { CUSTOMERS_TOPIC } from './segment-to-customer.js';
import type { WriteKeyResolver } from './write-key-resolver.js';
import type { RouteIngest } from './route-ingest.js';
import { requestTrace } from './request-trace.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on collector routes. When the collector is mounted on the API app, the API's access
     * hooks read `access`/`static`: collector routes authenticate by write key and rate-limit by
     * events themselves, so they are `public` and skip the API's per-request limiter.
     */
    collector?: boolean;
  }
}

export interface CollectorDeps {
  /** The log the events are appended to (inside `start`: the one `start` opened). */
  readonly log: EventLog;
  readonly options: CollectorOptions;
  /** Write keys; undefined = no key file (every presented key is unknown). */
  readonly keys: WriteKeyResolver | undefined;
  readonly now?: () => number;
  /** Told about log failures (codes only, never payloads). */
  readonly onLogFailure?: (code: string, message: string) => void;
}

/**
 * The collector as an encapsulated Fastify plugin (`app.register(collectorPlugin, deps)`): its
 * own body parsers (raw bytes, gzip/deflate, JSON, text/plain JSON, NDJSON), CORS and error
 * handler apply to its routes only. On close it waits for appends in flight.
 */
export async function collectorPlugin(app: FastifyInstance, deps: CollectorDeps): Promise<void> {
  const { options } = deps;
  const now = deps.now ?? Date.now;
  await deps.log.ensureTopic({ name: CUSTOMERS_TOPIC, partitions: options.customerPartitions });
  const batcher = new DurableAppendBatcher(deps.log, {
    ...options,
    now,
    onAppendFailed: (err) => deps.onLogFailure?.(err.code, err.message),
  });
  const gate = new IngestGate({
    keys: deps.keys,
    requireWriteKey: options.requireWriteKey,
    limiter:
      options.rateLimitEventsPerSec > 0 ? new EventRateLimiter(options.rateLimitEventsPerSec) : undefined,
    batcher,
    ackTimeoutMs: options.ackTimeoutMs,
    defaultSourceName: options.defaultSourceName,
    now,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: Math.max(options.maxBatchBytes, options.maxNativeBodyBytes) },
    (_req, body, done) => done(null, body),
  );
  app.setErrorHandler((err: FastifyError, request, reply) =>
    sendCollectorError(request, reply, collectorErrorOf(err)),
  );
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config ?? {}), access: 'public', static: true, collector: true };
  });
  installCollectorCors(app, options.corsOrigins, ['/v1/events', ...SEGMENT_PATHS]);
  // Back-pressure before the body is read: a saturated collector refuses at once.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST') return;
    const refusal = batcher.refusal(0);
    if (refusal !== undefined) return sendCollectorError(request, reply, refusal, batcher.retryAfterMs());
  });
  const handle = (ingest: RouteIngest) => (request: FastifyRequest, reply: FastifyReply) =>
    answer(request, reply, gate, ingest);
  registerNativeRoute(app, options, handle);
  registerSegmentRoutes(app, options, { now, newId: randomUUID }, handle);
  app.addHook('onClose', async () => batcher.drain());
}

/** 1. parse, 2. identify, 3. map, 4. admit (durable) — then, and only then, 200. */
async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  gate: IngestGate,
  ingest: RouteIngest,
): Promise<FastifyReply> {
  const trace = requestTrace(request);
  try {
    const { writeKey, plan } = await trace.step('collector.parse', () => ingest(request));
    const sender = await trace.step('collector.identify', () => gate.identify(writeKey, request.ip));
    const built = trace.carriedBy(plan(sender.source));
    trace.span.setAttribute('shopstream.events', built.events);
    await trace.step('collector.admit', () => gate.admit(sender, built));
    return trace.answered(reply.code(200).send({ success: true, accepted: built.events }));
  } catch (err) {
    if (err instanceof IngestRefusal)
      return trace.answered(sendCollectorError(request, reply, err.error, err.retryAfterMs), err.error);
    const coded = collectorErrorOf(err as Error);
    return trace.answered(sendCollectorError(request, reply, coded), coded);
  }
}
